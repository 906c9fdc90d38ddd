"""Exams' part of `load_demo`: exam sites with rooms for 长春市 and
农安县, and the demo examiner's qualifications. Idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone

from appraisal.models import Center, Occupation, User
from exams.models import ExaminerQualification, Room, RoomPurpose, Site

SITES = {
    "220100": (
        "长春市职业技能鉴定考点",
        "长春市（演示地址）",
        [("第一考场", 40, "标准化考场，监控设备"), ("实操车间", 20, "汽车维修实训台20套")],
    ),
    "220122": (
        "农安县职业技能鉴定考点",
        "农安县（演示地址）",
        [("第一考场", 30, "标准化考场，监控设备"), ("实操车间", 10, "汽车维修实训台10套")],
    ),
}
SKILL_WORKSHOPS = {"实操车间": ("汽车维修工",)}
QUALIFIED_OCCUPATIONS = ("汽车维修工", "电工", "焊工", "中式烹调师")


@transaction.atomic
def load(*, stdout=None, quiet=False):
    """Exam sites with rooms, and the demo examiner's qualifications (nothing to print)."""
    for code, (name, address, rooms) in SITES.items():
        center = Center.objects.filter(division_code=code).first()
        if center is None:
            continue
        site, _created = Site.objects.get_or_create(center=center, name=name, defaults={"address": address})
        for room_name, capacity, equipment in rooms:
            room, _created = Room.objects.get_or_create(
                site=site, name=room_name, defaults={"capacity": capacity, "equipment": equipment}
            )
            if room_name in SKILL_WORKSHOPS and room.purpose != RoomPurpose.SKILL:
                # EXAM-2: the car-repair workshop serves 汽车维修工 only (no cooks among the cars).
                room.purpose = RoomPurpose.SKILL
                room.save(update_fields=["purpose"])
                room.occupations.set(Occupation.objects.filter(name__in=SKILL_WORKSHOPS[room_name]))
    examiner = User.objects.filter(username="examiner").first()
    if examiner is None:
        return
    valid_until = datetime.date(timezone.localdate().year + 2, 12, 31)
    for number, occupation in enumerate(Occupation.objects.filter(name__in=QUALIFIED_OCCUPATIONS), start=1):
        ExaminerQualification.objects.get_or_create(
            examiner=examiner,
            occupation=occupation,
            defaults={
                "highest_level": 3,
                "certificate_number": f"吉考评（演示）{number:04d}",
                "valid_until": valid_until,
            },
        )
