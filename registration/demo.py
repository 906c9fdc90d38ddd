"""Registration's part of `load_demo`: the demo fee schedule, and demo applications so the review queue of the demo is not empty: four more
农安县 candidates, each with an application in another state, all made through the services (every
rule applies). Idempotent: a candidate who already has an application is left as they are. The main
demo candidate (candidate / 王考生) is left without one, to apply themselves.

| candidate | application | state |
|---|---|---|
| 李明 | 汽车维修工 五级 | 待审核 |
| 张华 | 汽车维修工 四级, holds the 五级 certificate | 待审核, its original still to check |
| 刘洋 | 电工 五级 | 退回修改, with the clerk's reason |
| 陈静 | 中式烹调师 五级 | 审核通过 and paid: the HR official can write the 人社部门意见 |
"""

from __future__ import annotations

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from stdnum.cn import ric

from appraisal.demo import DEMO_PASSWORD, demo_password_hash
from appraisal.idnumbers import gender
from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from registration import services
from registration.management.commands.load_fee_schedule import load_fee_schedule
from registration.models import Application, MaterialKind

NONGAN = "220122"
# (full name, birth date, occupation, level, what happens after submitting)
DEMO_APPLICANTS = [
    ("李明", datetime.date(1992, 5, 8), "汽车维修工", 5, "submitted"),
    ("张华", datetime.date(1985, 11, 20), "汽车维修工", 4, "submitted"),
    ("刘洋", datetime.date(1995, 2, 14), "电工", 5, "returned"),
    ("陈静", datetime.date(1990, 7, 30), "中式烹调师", 5, "approved"),
]
RETURN_REASON = "照片背景不是白色，请重新上传白底小二寸彩色照片。"


def demo_id_number(birth: datetime.date, sequence: int) -> str:
    body = f"{NONGAN}{birth:%Y%m%d}{sequence:02d}1"  # odd 17th digit: male; the demo does not mind
    return body + ric.calc_check_digit(body + "0")  # the library reads the first 17 of 18 characters


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (330, 480), (214, 228, 245)).save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile("照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def _copy(kind: str) -> SimpleUploadedFile:
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(f"{kind}.pdf", content, content_type="application/pdf")


def first_open_day(center: Center, today: datetime.date) -> ScheduledAppraisalDay | None:
    """The center's next scheduled day whose registration is open today (a year nobody has
    maintained in the calendar yet is skipped)."""
    for day in ScheduledAppraisalDay.objects.filter(center=center, day__gt=today, occupation__isnull=True):
        try:
            services.check_window(day, today)
        except ValidationError:
            continue
        return day
    return None


def _held_certificate(occupation_name) -> dict:
    """A level-4 applicant holds the level-5 certificate of the occupation (REG-6)."""
    return {
        "held_certificate": occupation_name,
        "held_certificate_level": 5,
        "held_certificate_issuer": "吉林省人力资源和社会保障厅",
        "held_certificate_date": datetime.date(2015, 6, 1),
    }


@transaction.atomic
def load_demo_applications(today=None) -> list[Application]:
    today = today or timezone.localdate()
    nongan = Center.objects.get(division_code=NONGAN)
    day = first_open_day(nongan, today)
    if day is None:
        return []
    clerk = User.objects.get(username="staff_nongan")
    made = []
    for sequence, (name, birth, occupation_name, level, state) in enumerate(DEMO_APPLICANTS, start=31):
        id_number = demo_id_number(birth, sequence)
        candidate = User.objects.filter(username=id_number).first()
        if candidate is None:
            candidate = services.register_candidate(
                full_name=name,
                id_number=id_number,
                phone=f"139{sequence:08d}",
                password=DEMO_PASSWORD,
                region=nongan,
                employer_name="农安县（演示单位）",
            )
            candidate.password = demo_password_hash()  # the same hash as every demo login: fast to load
            candidate.save(update_fields=["password"])
        if Application.objects.filter(candidate=candidate).exists():
            continue
        occupation = Occupation.objects.get(name=occupation_name)
        held = _held_certificate(occupation_name) if level == 4 else {}
        application = services.create_application(
            candidate=candidate,
            actor=candidate,
            occupation=occupation,
            level=level,
            target=day,
            today=today,
            name=name,
            gender=gender(id_number),
            birth_month=birth.replace(day=1),
            education="senior",
            id_number=id_number,
            employer_name="农安县（演示单位）",
            current_occupation=occupation_name,
            phone=f"139{sequence:08d}",
            years_in_occupation=6 if level == 5 else 11,
            work_history=f"{birth.year + 20}年至今从事{occupation_name}工作（演示数据）。",
            **held,
        )
        for kind in services.required_materials(application):
            uploaded = _photo() if kind == MaterialKind.PHOTO else _copy(kind)
            services.attach_material(application, kind=kind, uploaded=uploaded, actor=candidate)
        services.submit_application(application, actor=candidate, today=today)
        if state == "returned":
            services.return_application(application, actor=clerk, reason=RETURN_REASON)
        elif state == "approved":
            services.approve_application(application, actor=clerk)
            services.record_payment(application, actor=clerk)
        application.refresh_from_db()
        made.append(application)
    return made


def load(*, stdout, quiet=False):
    """Registration's part of `load_demo`: the demo fees, then the demo applications (printed with
    their logins unless `quiet`)."""
    load_fee_schedule()
    made = load_demo_applications()
    if quiet or not made:
        return
    stdout.write(
        f"已载入演示申报 {len(made)} 份（农安县职业技能鉴定中心“报名审核”中可见）。演示考生 / demo applicants:"
    )
    for application in made:
        stdout.write(
            f"  {application.name:<6} 用户名 {application.id_number}   密码 {DEMO_PASSWORD}   "
            f"{application.occupation.name} {application.get_level_display()} · {application.get_status_display()}"
        )
