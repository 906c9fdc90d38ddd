"""Fixtures for exams: a site with rooms, approved and paid applications (made directly, fast),
a planned session for them, an examiner with a qualification."""

import datetime

import pytest
from django.utils import timezone
from stdnum.cn import ric

from appraisal.models import Occupation, Role, ScheduledAppraisalDay, User
from exams import services
from exams.models import ExaminerQualification
from registration.models import Application, Status


def make_id_number(seq, region="220122", birth=datetime.date(1990, 3, 15), male=True):
    body = f"{region}{birth:%Y%m%d}{seq % 100:02d}{(1 if male else 2)}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def exam_day(centers):
    """A scheduled appraisal day of 农安县 in 2017 (the calendar is known)."""
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["nongan"], day=datetime.date(2017, 6, 17))
    return day


@pytest.fixture
def make_applications(centers, exam_day):
    """n approved, paid applications for 汽车维修工 level 5 at 农安县 on exam_day."""
    occupation = Occupation.objects.get(name="汽车维修工")

    def make(n, level=5, employer_name="", start=0, **candidate_fields):
        created = []
        for i in range(start, start + n):
            id_number = make_id_number(i, birth=datetime.date(1980 + i // 300, 1 + (i // 25) % 12, 1 + i % 25))
            user = User.objects.create(
                username=f"cand{i:05d}", role=Role.CANDIDATE, full_name=f"考生{i:05d}", id_number=id_number,
                region=centers["nongan"], employer_name=employer_name, **candidate_fields,
            )
            created.append(Application(
                candidate=user, center=centers["nongan"], occupation=occupation, level=level,
                scheduled_day=exam_day, status=Status.APPROVED, name=user.full_name, gender="M",
                birth_month=datetime.date(1990, 3, 1), education="senior", id_number=id_number, phone="13800000000",
                years_in_occupation=5, work_history="从事本职业五年", fee_paid=True, submitted_at=timezone.now(),
            ))
        return Application.objects.bulk_create(created)

    return make


@pytest.fixture
def site(centers, demo_user):
    staff = demo_user("staff_nongan")
    site = services.create_site(actor=staff, center=centers["nongan"], name="农安县职业技能鉴定考点", address="农安县")
    services.add_room(actor=staff, site=site, name="第一考场", capacity=3, equipment="汽车维修实训台3套")
    services.add_room(actor=staff, site=site, name="第二考场", capacity=2, equipment="汽车维修实训台2套")
    return site


@pytest.fixture
def session(site, exam_day, centers, demo_user):
    return services.schedule_session(
        actor=demo_user("staff_nongan"), center=centers["nongan"], site=site,
        occupation=Occupation.objects.get(name="汽车维修工"), level=5, target=exam_day, allow_past=True,
    )


@pytest.fixture
def examiner(demo_user):
    user = demo_user("examiner")
    ExaminerQualification.objects.get_or_create(
        examiner=user, occupation=Occupation.objects.get(name="汽车维修工"),
        defaults={"highest_level": 3, "certificate_number": "KP2015-0001", "valid_until": datetime.date(2019, 12, 31)},
    )
    return user


@pytest.fixture
def seated_session(session, make_applications, demo_user, examiner):
    """`session` with three candidates seated and the demo examiner assigned to it."""
    make_applications(3)
    staff = demo_user("staff_nongan")
    services.assign_seats_automatically(session=session, actor=staff)
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    return session
