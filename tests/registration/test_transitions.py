"""The application's one transition table and its audit (REG-5, DESIGN: single source of truth)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal.models import User
from registration import services
from registration.models import ApplicationTransition, Status


def test_reg5_transition_table_is_the_only_way(submitted, demo_user):
    staff = demo_user("staff_nongan")
    with pytest.raises(ValidationError, match="不能变更为"):
        services.transition(submitted, Status.DRAFT, actor=staff)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_reg5_every_transition_is_audited_with_actor_and_reason(submitted, demo_user):
    staff = demo_user("staff_nongan")
    services.return_application(submitted, actor=staff, reason="照片不清晰，请重新上传")
    rows = list(ApplicationTransition.objects.filter(application=submitted).order_by("at", "id"))
    assert [(r.from_status, r.to_status) for r in rows] == [
        ("", Status.DRAFT), (Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.RETURNED),
    ]
    assert rows[-1].actor == staff
    assert rows[-1].reason == "照片不清晰，请重新上传"
    assert rows[-1].at is not None


@pytest.mark.parametrize("decide", [services.reject_application, services.return_application])
def test_reg5_rejection_and_return_need_a_reason(submitted, demo_user, decide):
    with pytest.raises(ValidationError, match="原因"):
        decide(submitted, actor=demo_user("staff_nongan"), reason="  ")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert submitted.transitions.count() == 2


def test_reg5_candidate_cannot_approve_own_application(submitted, candidate):
    with pytest.raises(PermissionDenied):
        services.approve_application(submitted, actor=candidate)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_org8_clerk_of_another_county_cannot_review(submitted, demo_user, centers):
    # 公主岭市 (an expanded county under 四平) has nothing to do with a 农安县 application.
    with pytest.raises(PermissionDenied, match="管辖范围"):
        services.approve_application(submitted, actor=demo_user("staff_gongzhuling"))


def test_org8_upper_level_may_review_within_its_region(submitted, demo_user):
    services.approve_application(submitted, actor=demo_user("staff_changchun"), opinion="同意")
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.center_opinion == "同意"
    assert submitted.center_opinion_date is not None


def test_reg5_returned_application_is_corrected_and_resubmitted(submitted, demo_user, candidate):
    services.return_application(submitted, actor=demo_user("staff_nongan"), reason="工作简历不完整")
    services.update_application(submitted, actor=candidate, work_history="2012年至今从事汽车维修，已满4年。")
    services.submit_application(submitted, actor=candidate)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert "已满4年" in submitted.work_history


def test_reg5_submitted_application_cannot_be_edited(submitted, candidate):
    with pytest.raises(ValidationError, match="不能修改"):
        services.update_application(submitted, actor=candidate, phone="13900000000")


def test_reg5_double_submit_is_refused_and_audited_once(complete_draft, candidate):
    services.submit_application(complete_draft, actor=candidate)
    with pytest.raises(ValidationError, match="不能提交"):
        services.submit_application(complete_draft, actor=candidate)
    assert complete_draft.transitions.filter(to_status=Status.SUBMITTED).count() == 1


def test_reg2_incomplete_materials_block_submission(draft, candidate):
    with pytest.raises(ValidationError) as info:
        services.submit_application(draft, actor=candidate)
    assert any("缺少材料" in m for m in info.value.messages)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_reg6_unmet_years_block_submission(complete_draft, candidate):
    services.update_application(complete_draft, actor=candidate, years_in_occupation=0)
    with pytest.raises(ValidationError) as info:
        services.submit_application(complete_draft, actor=candidate)
    assert any("工作年限" in m for m in info.value.messages)


def test_reg6_eligibility_snapshot_stored_on_submit(submitted):
    checks = {r["check"]: r["ok"] for r in submitted.eligibility}
    assert checks["identity"] and checks["materials"] and checks["years"]


def test_withdrawn_application_frees_the_slot(draft, candidate, occupation, form_data):
    services.withdraw_application(draft, actor=candidate)
    again = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5,
        target=draft.scheduled_day, **form_data,
    )
    assert again.pk != draft.pk


def test_reg1_overlong_opinion_refused_and_nothing_saved(submitted, demo_user):
    with pytest.raises(ValidationError, match="不能超过"):
        services.approve_application(submitted, actor=demo_user("staff_nongan"), opinion="同意" * 150)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.center_opinion == ""
    assert submitted.transitions.filter(to_status=Status.APPROVED).count() == 0


def test_reg5_signup_race_gives_the_chinese_message(db, centers, monkeypatch):

    User.objects.create(username="11010519491231002X", id_number="11010519491231002X", full_name="先注册")
    # The other tab checked before this one saved: the database constraint answers.
    monkeypatch.setattr(User.objects, "filter", lambda *a, **k: User.objects.none())
    with pytest.raises(ValidationError, match="已注册"):
        services.register_candidate(full_name="后注册", id_number="11010519491231002X", phone="13800000001",
                                    password="Another-pass-2017", region=centers["nongan"])


def test_reg6_level5_condition_asking_a_lower_certificate_does_not_crash(draft):
    from appraisal.models import EligibilityCondition

    EligibilityCondition.objects.filter(occupation_level__occupation=draft.occupation,
                                        occupation_level__level=5).update(requires_lower_level_certificate=True)
    results = {r["check"] for r in services.check_eligibility(draft)}
    assert "lower_certificate" not in results


def test_a_withdrawal_guard_refuses_with_its_reason(submitted, candidate, monkeypatch):
    # A later app (certificates) registers here; the test registers its own guard for a moment.
    from appraisal import extensions

    guards = extensions.APPLICATION_WITHDRAWAL_GUARDS
    monkeypatch.setattr(guards, "_implementations", [lambda application: "已发证的申报不能撤回。"])
    with pytest.raises(ValidationError, match="已发证的申报不能撤回。"):
        services.withdraw_application(submitted, actor=candidate)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not ApplicationTransition.objects.filter(application=submitted, to_status=Status.WITHDRAWN).exists()
