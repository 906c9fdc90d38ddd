"""Generated records for the statistics tests: applications under many centers, with review
decisions, published scores (passed, failed, voided), certificates issued, delivered and revoked,
in one quarter, with bulk_create (the figures are read, not written through the services)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric

from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, UnifiedAppraisal, User
from certificates.models import Certificate, State
from exams.models import DisciplineIncident, ExamSession, IncidentMeasure, Score, SessionStatus, Site, Subject
from registration.models import Application, ApplicationTransition, Status


def _aware(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def generate(centers: dict, *, year: int, quarter: int, per_center: int = 12, seed: int = 7) -> dict:
    """`per_center` applications for every center in `centers` in (year, quarter); returns the
    expected province totals of the counts the generator decides."""
    rng = random.Random(seed)
    first_month = 3 * quarter - 2
    day_in = lambda n: datetime.date(year, first_month + n % 3, 1 + n % 27)  # noqa: E731
    staff = User.objects.filter(role=Role.PROVINCE_ADMIN).first() or User.objects.filter(is_superuser=True).first()
    occupations = list(Occupation.objects.order_by("pk")[:4])
    unified = UnifiedAppraisal.objects.order_by("pk").first()
    school = Center.objects.filter(kind="school").first()
    enterprise = Center.objects.filter(kind="enterprise").first()
    affiliated = Center.objects.filter(kind="affiliated_unit").first()
    expected = {"applied": 0, "approved": 0, "rejected": 0, "returned": 0, "appraised": 0, "qualified": 0,
                "certified": 0, "delivered": 0, "delivered_on_time": 0, "revoked": 0}
    serial = User.objects.count()
    for name, center in centers.items():
        day, _created = ScheduledAppraisalDay.objects.get_or_create(center=center, day=day_in(0))
        site = Site.objects.create(center=center, name=f"统计测试考点{name}{serial}", address="测试地址")
        users = []
        for n in range(per_center):
            serial += 1
            body = f"220102{datetime.date(1980, 1, 1) + datetime.timedelta(days=serial // 400):%Y%m%d}" \
                   f"{(serial % 400) * 2 + 1:03d}"
            kind = n % 4
            users.append(User(
                username=f"statgen{serial:06d}", role=Role.CANDIDATE, full_name=f"统计{serial}",
                id_number=body + ric.calc_check_digit(body + "0"),
                region=center if center.is_regional else None,
                school=school if kind == 0 else None,
                employer_body={1: enterprise, 2: affiliated}.get(kind)))
        users = User.objects.bulk_create(users)
        applications = []
        for n, user in enumerate(users):
            occupation = occupations[n % len(occupations)]
            status = [Status.APPROVED, Status.APPROVED, Status.REJECTED, Status.RETURNED][n % 4]
            applications.append(Application(
                candidate=user, center=center, occupation=occupation, level=5 - n % 5,
                unified_appraisal=unified if n % 3 == 0 else None, scheduled_day=None if n % 3 == 0 else day,
                status=status, name=user.full_name, gender="M", birth_month=datetime.date(1990, 3, 1),
                education="senior", id_number=user.id_number, phone="13800000000", years_in_occupation=5,
                work_history="从事本职业五年", fee_due=Decimal("120.00"), fee_paid=status == Status.APPROVED,
                fee_paid_at=_aware(day_in(n)) if status == Status.APPROVED else None,
                submitted_at=_aware(day_in(n))))
        applications = Application.objects.bulk_create(applications)
        expected["applied"] += len(applications)
        transitions = []
        for application in applications:
            transitions.append(ApplicationTransition(application=application, from_status=Status.SUBMITTED,
                                                     to_status=application.status, actor=staff, reason="生成"))
            expected[{Status.APPROVED: "approved", Status.REJECTED: "rejected",
                      Status.RETURNED: "returned"}[application.status]] += 1
        created = ApplicationTransition.objects.bulk_create(transitions)
        ApplicationTransition.objects.filter(pk__in=[t.pk for t in created]).update(at=_aware(day_in(1)))
        # One published session per level present; scores for the approved applications.
        sessions = {}
        scores, incidents, certificates = [], [], []
        for n, application in enumerate(applications):
            if application.status != Status.APPROVED:
                continue
            key = (application.occupation_id, application.level)
            if key not in sessions:
                sessions[key] = ExamSession.objects.create(
                    center=center, site=site, occupation_id=application.occupation_id, level=application.level,
                    scheduled_day=day, day=day_in(2), status=SessionStatus.PUBLISHED,
                    published_at=_aware(day_in(2)), created_by=staff)
            session = sessions[key]
            outcome = rng.choice(["pass", "pass", "fail", "void"])
            for subject in (Subject.THEORY, Subject.SKILL):
                failed = outcome == "fail" and subject == Subject.SKILL
                scores.append(Score(application=application, session=session, subject=subject,
                                    value=Decimal("50" if failed else "80"), passed=not failed, entered_by=staff))
            if outcome == "void":
                incidents.append(DisciplineIncident(
                    session=session, application=application, kind="copying", measure=IncidentMeasure.SUBJECT_VOID,
                    subject=Subject.THEORY, description="抄袭", recorded_by=staff))
            expected["appraised"] += 1
            if outcome == "pass":
                expected["qualified"] += 1
                delivered = n % 2 == 0
                revoked = n % 5 == 0
                late = n % 3 == 0
                issued_on = day_in(3)
                certificates.append(Certificate(
                    application=application, number=f"{center.pk:04d}{application.pk:012d}"[-16:], body=center,
                    year=year, level=application.level, running_number=1 + application.pk % 99999,
                    printing_center=center, issuing_authority="测试", holder_name=application.name,
                    holder_gender="M", holder_id_number=application.id_number,
                    occupation_id=application.occupation_id,
                    state=State.REVOKED if revoked else (State.DELIVERED if delivered else State.ISSUED),
                    issued_on=issued_on, issued_by=staff, published_on=day_in(2),
                    due_on=issued_on + datetime.timedelta(days=-1 if late else 20),
                    delivered_on=issued_on + datetime.timedelta(days=1) if delivered else None,
                    revoked_on=issued_on + datetime.timedelta(days=2) if revoked else None))
                expected["certified"] += 1
                expected["delivered"] += delivered
                expected["delivered_on_time"] += delivered and not late
                expected["revoked"] += revoked
        Score.objects.bulk_create(scores)
        DisciplineIncident.objects.bulk_create(incidents)
        Certificate.objects.bulk_create(certificates)
    return expected


def standard_centers(centers: dict) -> dict:
    """The demo centers the tests spread records over: every kind, an expanded county included."""
    keys = ("province", "changchun", "nongan", "yushu", "gongzhuling", "jilin_city", "yongji", "siping",
            "changbaishan", "school", "enterprise", "affiliated")
    return {key: Center.objects.select_related("parent").get(pk=centers[key].pk) for key in keys}
