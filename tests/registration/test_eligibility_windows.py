"""Identity and eligibility (REG-5, REG-6), registration windows (CAL-2, CAL-3), retakes (CAL-5),
and the close of registration by the beat job."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from appraisal.models import RetakeDay, ScheduledAppraisalDay, UnifiedAppraisal
from registration import services
from registration.models import Application, Status
from registration.tasks import close_registration as close_registration_task

ID = "220122199003150019"  # born 1990-03-15, male


def test_reg5_wrong_checksum_refused():
    with pytest.raises(ValidationError, match="校验位"):
        services.validate_identity(id_number="220122199003150012", birth_month=datetime.date(1990, 3, 1), gender="M")


def test_reg5_birth_month_must_match_id_number():
    with pytest.raises(ValidationError) as info:
        services.validate_identity(id_number=ID, birth_month=datetime.date(1991, 3, 1), gender="M")
    assert "不一致" in info.value.message_dict["birth_month"][0]


def test_reg5_gender_must_match_id_number():
    with pytest.raises(ValidationError) as info:
        services.validate_identity(id_number=ID, birth_month=datetime.date(1990, 3, 1), gender="F")
    assert "性别" in info.value.message_dict["gender"][0]


def test_reg5_future_birth_month_refused():
    with pytest.raises(ValidationError) as info:
        services.validate_identity(
            id_number=ID, birth_month=datetime.date(2030, 1, 1), gender="M", today=datetime.date(2017, 4, 1)
        )
    assert "未来" in info.value.message_dict["birth_month"][0]


def test_reg5_lower_case_x_is_normalized():
    assert services.validate_identity(
        id_number="11010519491231002x", birth_month=datetime.date(1949, 12, 1), gender="F"
    ) == "11010519491231002X"


def test_reg5_bad_form_saves_nothing(candidate, centers, occupation, open_day, form_data):
    before = Application.objects.count()
    with pytest.raises(ValidationError):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5,
            target=open_day(centers["nongan"]), **{**form_data, "birth_month": datetime.date(1985, 1, 1)},
        )
    assert Application.objects.count() == before


def test_reg5_one_live_application_per_person_occupation_level_appraisal(draft, candidate, occupation, form_data):
    with pytest.raises(ValidationError, match="不能重复申报"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5,
            target=draft.scheduled_day, **form_data,
        )


def test_reg6_level4_requires_lower_certificate(candidate, centers, occupation, open_day, form_data):
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=4,
        target=open_day(centers["nongan"]), **form_data,
    )
    results = {r["check"]: r for r in services.check_eligibility(application)}
    assert not results["lower_certificate"]["ok"]
    assert "lower_certificate" in services.required_materials(application)
    services.update_application(
        application, actor=candidate, held_certificate="汽车维修工", held_certificate_level=5,
        held_certificate_issuer="吉林省人力资源和社会保障厅", held_certificate_date=datetime.date(2012, 6, 1),
    )
    results = {r["check"]: r for r in services.check_eligibility(application)}
    assert results["lower_certificate"]["ok"]


def test_org2_application_refused_where_no_center_may_appraise(candidate, centers, occupation, open_day, form_data):
    # A 农安县 candidate asking 农安县 for level 3 (高级工): county centers do levels 5 and 4 only.
    with pytest.raises(ValidationError, match="初级工、中级工"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=3,
            target=open_day(centers["nongan"]), **form_data,
        )


def test_cal3_daily_registration_closes_after_deadline(candidate, centers, occupation, form_data):
    day = ScheduledAppraisalDay.objects.create(center=centers["nongan"], day=datetime.date(2017, 10, 14))
    # Deadline: the 10th working day before, across the National Day holiday: 2017-09-26.
    assert services.window_for(day).closes == datetime.date(2017, 9, 26)
    services.check_window(day, datetime.date(2017, 9, 26))
    with pytest.raises(ValidationError, match="报名已截止"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5, target=day,
            today=datetime.date(2017, 9, 27), **form_data,
        )


def test_cal3_extension_moves_the_deadline(centers):
    day = ScheduledAppraisalDay.objects.create(
        center=centers["nongan"], day=datetime.date(2017, 10, 14), registration_extension_days=2
    )
    assert services.window_for(day).closes == datetime.date(2017, 9, 28)


def test_cal2_unified_window_is_inclusive(db):
    unified = UnifiedAppraisal.objects.get(year=2017, half=1)
    services.check_window(unified, datetime.date(2017, 3, 15))
    services.check_window(unified, datetime.date(2017, 4, 14))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.check_window(unified, datetime.date(2017, 3, 14))
    with pytest.raises(ValidationError, match="已截止"):
        services.check_window(unified, datetime.date(2017, 4, 15))


def test_cal2_unified_occupation_goes_to_province(candidate, centers, occupation, form_data):
    unified = UnifiedAppraisal.objects.get(year=2017, half=1)
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("企业人力资源管理师"), level=4, target=unified,
        today=datetime.date(2017, 4, 1), **form_data,
    )
    assert application.center == centers["province"]


def test_cal5_retake_only_for_state_council_cancelled_occupations(candidate, centers, occupation, form_data):
    retake_day = RetakeDay.objects.get(year=2017, kind="unified")
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("物流师"), level=4, target=retake_day,
        today=datetime.date(2017, 4, 1), retake_original_year=2016, **form_data,
    )
    assert application.is_retake and application.center == centers["province"]
    with pytest.raises(ValidationError, match="一次补考"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("物流师"), level=3, target=retake_day,
            today=datetime.date(2017, 4, 1), retake_original_year=2016, **form_data,
        )


def test_cal5_retake_only_for_those_who_failed_in_2016(candidate, occupation, form_data):
    retake_day = RetakeDay.objects.get(year=2017, kind="unified")
    with pytest.raises(ValidationError) as info:
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("物流师"), level=4, target=retake_day,
            today=datetime.date(2017, 4, 1), retake_original_year=2015, **form_data,
        )
    assert "2016年" in info.value.message_dict["retake_original_year"][0]


def test_cal5_retake_of_an_active_occupation_refused(candidate, centers, occupation, form_data):
    daily_retake = RetakeDay.objects.get(year=2017, kind="daily")
    with pytest.raises(ValidationError, match="未被取消"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5, target=daily_retake,
            today=datetime.date(2017, 4, 1), retake_original_year=2016, **form_data,
        )


def test_cal5_cancelled_occupation_refused_without_retake(candidate, occupation, form_data):
    unified = UnifiedAppraisal.objects.get(year=2017, half=1)
    with pytest.raises(ValidationError, match="取消"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("物流师"), level=4, target=unified,
            today=datetime.date(2017, 4, 1), **form_data,
        )


def test_cal5_daily_retake_day_refused_for_unified_occupation(candidate, occupation, form_data):
    daily_retake = RetakeDay.objects.get(year=2017, kind="daily")
    with pytest.raises(ValidationError, match="补考安排在"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("物流师"), level=4, target=daily_retake,
            today=datetime.date(2017, 4, 1), retake_original_year=2016, **form_data,
        )


def test_cal3_close_registration_expires_drafts_once(candidate, centers, occupation, form_data):
    day = ScheduledAppraisalDay.objects.create(center=centers["nongan"], day=datetime.date(2017, 10, 14))
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5, target=day,
        today=datetime.date(2017, 9, 1), **form_data,
    )
    assert services.close_registration(today=datetime.date(2017, 9, 26)) == 0  # still the last day
    assert services.close_registration(today=datetime.date(2017, 9, 27)) == 1
    assert services.close_registration(today=datetime.date(2017, 9, 28)) == 0  # idempotent
    application.refresh_from_db()
    assert application.status == Status.EXPIRED
    last = application.transitions.last()
    assert last.actor is None and "2017-09-26" in last.reason


def test_cal3_close_registration_task_runs_through_celery(draft):
    # The beat task wraps the service; with an open window nothing expires.
    assert close_registration_task.delay().get() == 0
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_oth1_dual_certificate_student_applies_for_cancelled_daily_occupation(centers, open_day, form_data):
    from appraisal.models import EligibilityCondition, Occupation, OccupationLevel
    from registration.forms.candidate import ChooseForm

    cancelled = Occupation.objects.create(name="测试已取消工种", category="daily", status="cancelled",
                                          cancelled_on=datetime.date(2016, 12, 1), cancelled_by_state_council=True)
    level = OccupationLevel.objects.create(occupation=cancelled, level=5, theory_minutes=60, skill_mode="practical",
                                           skill_minutes=60)
    EligibilityCondition.objects.create(occupation_level=level, min_years_in_occupation=0, description="在校生")
    student = services.register_candidate(
        full_name=form_data["name"], id_number=form_data["id_number"].replace("0019", "0035"), phone="13800000001",
        password="Student-pass-2017", school=centers["school"], region=centers["changchun"],
        graduation_date=datetime.date(2099, 7, 1),
    )
    assert cancelled.pk in [o.pk for o in ChooseForm(candidate=student).fields["occupation"].queryset]
    day = open_day(centers["school"])
    data = {**form_data, "id_number": student.id_number}
    application = services.create_application(candidate=student, actor=student, occupation=cancelled, level=5,
                                              target=day, **data)
    assert application.center == centers["school"]
    # A regional center still refuses the cancelled occupation (OCC-4).
    with pytest.raises(ValidationError, match="取消"):
        services.create_application(candidate=student, actor=student, occupation=cancelled, level=5,
                                    target=open_day(centers["changchun"]), **data)


def test_exam3_technician_levels_require_the_achievements_report(candidate, centers, occupation, form_data):
    from appraisal.models import UnifiedAppraisal
    from registration.models import MaterialKind

    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("企业人力资源管理师"), level=2,
        target=UnifiedAppraisal.objects.get(year=2017, half=1), today=datetime.date(2017, 4, 1),
        **{**form_data, "years_in_occupation": 12},
    )
    assert MaterialKind.ACHIEVEMENTS_REPORT in services.required_materials(application)
    level5 = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("秘书（涉外秘书）"), level=5,
        target=UnifiedAppraisal.objects.get(year=2017, half=1), today=datetime.date(2017, 4, 1), **form_data,
    )
    assert MaterialKind.ACHIEVEMENTS_REPORT not in services.required_materials(level5)
