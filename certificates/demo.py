"""Certificates' part of `load_demo`: the end of the cycle, so every role can click through it.

Two past appraisal days of 农安县 (汽车维修工 五级), held and published, built directly (the rules of
registration and exams are not the subject here); the certificates are then issued, printed,
handed over and revoked through this app's services, so every certificate rule applies:

| session | candidates | what the demo shows |
|---|---|---|
| about 5 weeks ago, published about a month ago | 王考生 (the demo candidate) and 6 more | reported up to the province (CERT-1); 4 delivered (王考生's among them), 1 printed and overdue (CERT-3), 1 revoked by the province (its correction waits at 农安 to be reported), 1 in a batch waiting for 长春's confirmation |
| about 2 weeks ago, published 2 days ago | 4 qualified, 1 failed | not yet issued: 农安's clerk issues them on 证书核发 |

Idempotent: nothing is added when the demo candidates of this part exist.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from appraisal.demo import demo_password_hash
from appraisal.idnumbers import gender
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from appraisal.workdays import add_years
from certificates import services
from certificates.models import Certificate
from exams.models import (
    ExamSession,
    Room,
    Score,
    SeatAssignment,
    SessionStatus,
    SessionSubject,
    Site,
    Subject,
)
from registration.demo import demo_id_number
from registration.models import Application, Status

NONGAN = "220122"
OLD_NAMES = ["赵伟", "孙丽", "周强", "吴敏", "郑军", "冯雪"]
RECENT_NAMES = ["蒋涛", "沈洁", "韩磊", "杨帆", "朱琳"]
MARKER = "demo-cert"  # the username prefix of this part's candidates


def _saturday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 5) % 7 or 7)


def _candidate(name: str, sequence: int, nongan: Center) -> User:
    birth = datetime.date(1988, 1 + sequence % 12, 1 + sequence % 27)
    id_number = demo_id_number(birth, sequence)
    return User.objects.create(username=f"{MARKER}-{sequence}", role=Role.CANDIDATE, full_name=name,
                               id_number=id_number, region=nongan, password=demo_password_hash(),
                               employer_name="农安县某汽车维修有限公司", phone=f"137{sequence:08d}")


def _session(day: datetime.date, published_on: datetime.date, candidates, *, failing=()) -> ExamSession:
    """A held session of 汽车维修工 五级 at 农安's site, its candidates approved, paid, seated, scored
    and published, with both opinions of the 申报表 written."""
    nongan = Center.objects.get(division_code=NONGAN)
    occupation = Occupation.objects.get(name="汽车维修工")
    site = Site.objects.get(center=nongan, name="农安县职业技能鉴定考点")
    room = Room.objects.filter(site=site).order_by("pk").first()
    clerk, hr = User.objects.get(username="staff_nongan"), User.objects.get(username="hr_official")
    scheduled, _created = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=day)
    published_at = timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(9, 30)))
    session = ExamSession.objects.create(center=nongan, site=site, occupation=occupation, level=5,
                                         scheduled_day=scheduled, day=day, created_by=clerk,
                                         status=SessionStatus.PUBLISHED, published_at=published_at,
                                         published_by=clerk)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    SessionSubject.objects.create(session=session, subject=Subject.THEORY, starts_at=start, minutes=90, mode="闭卷笔试")
    SessionSubject.objects.create(session=session, subject=Subject.SKILL, starts_at=start + datetime.timedelta(hours=4),
                                  minutes=120, mode="实际操作")
    for seat, candidate in enumerate(candidates, start=1):
        application = Application.objects.create(
            candidate=candidate, center=nongan, occupation=occupation, level=5, scheduled_day=scheduled,
            status=Status.APPROVED, name=candidate.full_name, gender=gender(candidate.id_number),
            birth_month=datetime.date(1988, 1, 1), education="senior", id_number=candidate.id_number,
            employer_name=candidate.employer_name, phone=candidate.phone or "13800000000", years_in_occupation=6,
            work_history="2010年至今从事汽车维修工作（演示数据）。", fee_due=Decimal("120.00"), fee_paid=True,
            fee_paid_at=published_at, submitted_at=published_at, center_opinion="经审核，符合申报条件，同意鉴定。",
            center_opinion_date=day, hr_opinion="同意核发职业资格证书。", hr_opinion_date=published_on, hr_opinion_by=hr,
        )
        SeatAssignment.objects.create(session=session, application=application, room=room, day=day,
                                      seat_number=seat, ticket_number=f"DEMO{day:%Y%m%d}{seat:03d}",
                                      assigned_by=clerk)
        for subject, value in ((Subject.THEORY, 82), (Subject.SKILL, 45 if candidate in failing else 88)):
            Score.objects.create(application=application, session=session, subject=subject, value=value,
                                 passed=value >= 60, pass_valid_until=add_years(day, 1) if value >= 60
                                 else None, entered_by=clerk)
    return session


def _cycle(old_session: ExamSession, demo_candidate: User) -> None:
    """Issue the old session; print five at 长春, hand four over (王考生 first), revoke one, leave one
    printed past its deadline, and put the last in a batch 长春 has not confirmed yet."""
    clerk, city = User.objects.get(username="staff_nongan"), User.objects.get(username="staff_changchun")
    province = User.objects.get(username="province_admin")
    services.issue_for_session(old_session, actor=clerk)
    _report_up(old_session, clerk, city, province)
    certificates = list(Certificate.objects.filter(application__seat__session=old_session)
                        .order_by("number"))
    mine = next(c for c in certificates if c.application.candidate_id == demo_candidate.pk)
    others = [c for c in certificates if c.pk != mine.pk]
    printed = [mine, *others[:5]]
    batch = services.create_print_batch(actor=city, certificate_ids=[c.pk for c in printed])
    services.confirm_batch(batch=batch, actor=city, first_serial=f"J{timezone.localdate().year}000001")
    services.deliver(certificate_ids=[c.pk for c in printed[:3]], actor=clerk)
    services.deliver(certificate_ids=[printed[3].pk], actor=city, to_unit=True, unit_name="农安县某汽车维修有限公司")
    services.revoke(certificate=printed[4], actor=province, reason="经查，申报材料中的工作年限证明不实（演示）。",
                    document="吉鉴撤〔演示〕1号")
    # printed[5] stays printed: past its deadline, it is the overdue one.
    services.create_print_batch(actor=city, certificate_ids=[others[5].pk])


def _report_up(session: ExamSession, clerk: User, city: User, province: User) -> None:
    """CERT-1: 农安 reports the session's certificates, 长春 accepts (and forwards), the province
    accepts: they are published for verification and the national exchange."""
    ids = Certificate.objects.filter(application__seat__session=session).values_list("pk", flat=True)
    report = services.send_report(actor=clerk, certificate_ids=list(ids))
    services.accept_report(report=report, actor=city)
    forwarded = services.forward_report(report.pk)  # the outbox's task finds it done after the commit
    services.accept_report(report=forwarded, actor=province)


@transaction.atomic
def load(*, stdout=None, quiet=False):
    if User.objects.filter(username__startswith=MARKER).exists():
        return
    nongan = Center.objects.filter(division_code=NONGAN).first()
    demo_candidate = User.objects.filter(username="candidate").first()
    if nongan is None or demo_candidate is None or not Site.objects.filter(center=nongan).exists():
        return
    today = timezone.localdate()
    old = [demo_candidate, *(_candidate(name, i, nongan) for i, name in enumerate(OLD_NAMES, start=61))]
    recent = [_candidate(name, i, nongan) for i, name in enumerate(RECENT_NAMES, start=71)]
    old_day = _saturday_before(today - datetime.timedelta(days=35))
    old_session = _session(old_day, old_day + datetime.timedelta(days=6), old)
    recent_day = _saturday_before(today - datetime.timedelta(days=14))
    _session(recent_day, today - datetime.timedelta(days=2), recent, failing=recent[-1:])
    _cycle(old_session, demo_candidate)
    services.check_delivery_deadlines(today=today)
    if not quiet and stdout is not None:
        stdout.write("已载入证书演示数据：农安县两个已发布成绩的场次；长春市打印队列中有待确认批次；"
                     "王考生（candidate）可在“我的证书”下载电子证书。")
