"""Statistics' part of `load_demo` (STAT-1): past records for the two quarters that ended last, and
their submissions to the province through this app's services:

| quarter | 长春市 | 吉林市 | 四平市 | the others |
|---|---|---|---|---|
| two quarters ago | submitted on time, accepted | submitted on time, accepted | missing | missing |
| last quarter | submitted on time, accepted | returned with the province's comment | submitted late | missing |

The records (applications decided, a published session with scores per center and quarter) are
built directly with bulk_create, as the certificates demo does for its sessions: the rules of
registration and exams are not the subject here. "On time" submissions are made as of a day before
the deadline (the version's on_time), though their stored submission time is when the demo ran.
Idempotent: nothing is added when this part's demo candidates exist.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from appraisal.demo import demo_password_hash
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from exams.models import ExamSession, Score, SessionStatus, Site, Subject
from registration.models import Application, ApplicationTransition, Status
from stats import selectors, services

MARKER = "stats-demo"
CITIES = {"220100": "staff_changchun", "220200": "staff_jilin", "220300": "staff_siping"}
NEW_STAFF = {"staff_jilin": "冯吉林", "staff_siping": "陈四平"}
PER_QUARTER = 14


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _staff(username: str, center: Center) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={
        "role": Role.CENTER_STAFF, "full_name": NEW_STAFF.get(username, username), "center": center})
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    return user


def _records(center: Center, year: int, quarter: int, serial: int, actor: User, occupations) -> int:
    """PER_QUARTER applications of `center` in the quarter: most approved and appraised in one
    published session, a few rejected or returned; returns the next serial."""
    start = selectors.quarter_bounds(year, quarter)[0]
    exam_day = start + datetime.timedelta(days=45)
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=center, day=exam_day)
    site, _created = Site.objects.get_or_create(center=center, name="统计演示考点", defaults={"address": center.name})
    users, applications = [], []
    for _n in range(PER_QUARTER):
        serial += 1
        body = f"{center.division_code}{datetime.date(1985, 1, 1) + datetime.timedelta(days=serial):%Y%m%d}" \
               f"{serial % 100:02d}1"
        users.append(User(username=f"{MARKER}-{serial}", role=Role.CANDIDATE, full_name=f"统计演示{serial}",
                          id_number=body + ric.calc_check_digit(body + "0"), region=center,
                          password=demo_password_hash()))
    users = User.objects.bulk_create(users)
    for n, user in enumerate(users):
        status = Status.REJECTED if n % 7 == 3 else Status.RETURNED if n % 7 == 5 else Status.APPROVED
        applications.append(Application(
            candidate=user, center=center, occupation=occupations[n % len(occupations)], level=5 - n % 2,
            scheduled_day=day, status=status, name=user.full_name, gender="M",
            birth_month=datetime.date(1985, 1, 1), education="senior", id_number=user.id_number,
            phone=f"139{serial:08d}", years_in_occupation=6, work_history="从事本职业六年",
            fee_due=Decimal("120.00"), fee_paid=status == Status.APPROVED,
            fee_paid_at=_aware(start + datetime.timedelta(days=20)) if status == Status.APPROVED else None,
            submitted_at=_aware(start + datetime.timedelta(days=5 + n))))
    applications = Application.objects.bulk_create(applications)
    made = ApplicationTransition.objects.bulk_create([
        ApplicationTransition(application=a, from_status=Status.SUBMITTED, to_status=a.status, actor=actor,
                              reason="" if a.status == Status.APPROVED else "材料不全")
        for a in applications])
    ApplicationTransition.objects.filter(pk__in=[t.pk for t in made]).update(
        at=_aware(start + datetime.timedelta(days=25)))
    sessions, scores = {}, []
    for n, application in enumerate(a for a in applications if a.status == Status.APPROVED):
        key = (application.occupation_id, application.level)
        if key not in sessions:
            sessions[key] = ExamSession.objects.create(
                center=center, site=site, occupation_id=key[0], level=key[1], scheduled_day=day, day=exam_day,
                status=SessionStatus.PUBLISHED, published_at=_aware(exam_day + datetime.timedelta(days=7)),
                created_by=actor)
        failed = n % 4 == 3
        for subject in (Subject.THEORY, Subject.SKILL):
            low = failed and subject == Subject.SKILL
            scores.append(Score(application=application, session=sessions[key], subject=subject,
                                value=Decimal("52" if low else "78"), passed=not low, entered_by=actor))
    Score.objects.bulk_create(scores)
    return serial


def _submit(report, actor, on_day, text):
    services.save_text(actor=actor, report=report, text=text)
    return services.submit(actor=actor, report=report, today=on_day)


@transaction.atomic
def load(*, stdout=None, quiet=False):
    if User.objects.filter(username__startswith=MARKER).exists():
        return
    cities = {code: Center.objects.filter(division_code=code).first() for code in CITIES}
    province_admin = User.objects.filter(username="province_admin").first()
    occupations = list(Occupation.objects.filter(category="daily", status="active").order_by("pk")[:3])
    if None in cities.values() or province_admin is None or not occupations:
        return
    staff = {code: _staff(CITIES[code], center) for code, center in cities.items()}
    today = timezone.localdate()
    last = selectors.previous_quarter(*selectors.current_quarter(today))
    earlier = selectors.previous_quarter(*last)
    serial = 0
    for year, quarter in (earlier, last):
        for code, center in cities.items():
            serial = _records(center, year, quarter, serial, staff[code], occupations)
    try:
        deadlines = {q: services.deadline_for(*q) for q in (earlier, last)}
    except ValidationError:
        return  # the calendar of that year is not maintained: the records stay, nothing is submitted
    changchun, jilin, siping = (cities[c] for c in CITIES)

    def report(center, q):
        return services.open_report(actor=staff[center.division_code], center=center, year=q[0], quarter=q[1])

    def on_time(q):
        return deadlines[q] - datetime.timedelta(days=2)

    for q in (earlier, last):
        accepted = _submit(report(changchun, q), staff["220100"], on_time(q),
                           f"{q[0]}年第{q[1]}季度，长春市鉴定工作有序开展，申报与鉴定人数平稳。")
        services.decide(actor=province_admin, report=accepted.report, accept=True)
    first = _submit(report(jilin, earlier), staff["220200"], on_time(earlier), "吉林市本季度鉴定情况。")
    services.decide(actor=province_admin, report=first.report, accept=True)
    returned = _submit(report(jilin, last), staff["220200"], on_time(last), "吉林市本季度鉴定情况。")
    services.decide(actor=province_admin, report=returned.report, accept=False,
                    comment="合格率较上季度明显下降，请在分析报告中说明原因后重新报送。")
    _submit(report(siping, last), staff["220300"], max(today, deadlines[last] + datetime.timedelta(days=3)),
            "四平市本季度鉴定情况。")
    services.check_deadlines(today=today)
    if not quiet and stdout is not None:
        stdout.write(f"已载入统计演示数据：{earlier[0]}年第{earlier[1]}季度、{last[0]}年第{last[1]}季度；"
                     "长春市已接收，吉林市被退回，四平市逾期报送（staff_jilin、staff_siping 可登录）。")
