"""REG-6 conditions and FEE-1 fees are cached for the submit path (registration/reference_cache.py); a change
made by staff must apply to the very next check and submission, in every worker."""

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from appraisal.models import EligibilityCondition, OccupationLevel
from registration import reference_cache, services
from registration.management.commands.load_fee_schedule import load_fee_schedule
from registration.models import FeeSchedule, Status


def _years_messages(application):
    return [(r["ok"], r["message"]) for r in services.check_eligibility(application) if r["check"] == "years"]


def _level_of(application):
    return OccupationLevel.objects.get(occupation=application.occupation, level=application.level)


def _demo_fee(application, amount="120"):
    return FeeSchedule.objects.create(
        occupation=application.occupation, level=application.level, amount=Decimal(amount),
        effective_from=datetime.date(2001, 1, 1),
    )


def test_reg6_a_new_condition_applies_to_the_next_check(draft):
    before = _years_messages(draft)  # warms the cache: the demo asks one year for level 5
    assert before == [(True, "本职业工作年限 4 年，初级工要求不少于 1 年。")]
    condition = EligibilityCondition.objects.create(
        occupation_level=_level_of(draft), min_years_in_occupation=10, description="测试：工作10年以上"
    )
    assert _years_messages(draft) == [*before, (False, "本职业工作年限 4 年，初级工要求不少于 10 年。")]
    condition.min_years_in_occupation = 3
    condition.save()
    assert _years_messages(draft) == [*before, (True, "本职业工作年限 4 年，初级工要求不少于 3 年。")]
    condition.delete()
    assert _years_messages(draft) == before


def test_reg6_submit_refused_by_a_condition_added_after_the_draft_was_checked(complete_draft, candidate):
    assert all(r["ok"] for r in services.check_eligibility(complete_draft))
    EligibilityCondition.objects.create(
        occupation_level=_level_of(complete_draft), min_years_in_occupation=30, description="测试：工作30年以上"
    )
    try:
        services.submit_application(complete_draft, actor=candidate)
    except Exception as exc:  # noqa: BLE001 - the message is what the candidate reads
        assert "不少于 30 年" in str(exc)
    else:
        raise AssertionError("the new condition was not applied")
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.DRAFT


def test_fee1_a_new_fee_applies_to_the_next_submission(complete_draft, candidate):
    today = timezone.localdate()
    _demo_fee(complete_draft)
    before = services.fee_for(complete_draft.occupation_id, complete_draft.level, today)
    FeeSchedule.objects.create(
        occupation=complete_draft.occupation, level=complete_draft.level, amount=Decimal("188.00"),
        effective_from=today,
    )
    assert services.fee_for(complete_draft.occupation_id, complete_draft.level, today) == Decimal("188.00")
    assert services.fee_for(complete_draft.occupation_id, complete_draft.level,
                            today - datetime.timedelta(days=1)) == before
    submitted = services.submit_application(complete_draft, actor=candidate)
    assert submitted.fee_due == Decimal("188.00")


def test_fee1_the_bulk_fee_loader_is_seen_at_once(draft):
    today = timezone.localdate()
    FeeSchedule.objects.all().delete()
    assert services.fee_for(draft.occupation_id, draft.level, today) is None
    load_fee_schedule()
    assert services.fee_for(draft.occupation_id, draft.level, today) == Decimal("120")


def test_reg6_fee1_a_warm_lookup_reads_no_database(draft, django_assert_num_queries):
    _demo_fee(draft)
    reference_cache.for_level(draft.occupation_id, draft.level)
    with django_assert_num_queries(0):
        reference = reference_cache.for_level(draft.occupation_id, draft.level)
    assert reference.fees and reference.fee_on(timezone.localdate()) is not None


def test_reg6_fee1_a_lost_generation_key_never_serves_old_rows(draft):
    today = timezone.localdate()
    _demo_fee(draft)
    assert services.fee_for(draft.occupation_id, draft.level, today) == Decimal("120")
    # A bulk update sends no signal; losing the generation key (eviction) must still mean fresh rows.
    FeeSchedule.objects.filter(occupation=draft.occupation, level=draft.level).update(amount=Decimal("77"))
    cache.delete(reference_cache.GENERATION_KEY)
    assert services.fee_for(draft.occupation_id, draft.level, today) == Decimal("77")


def test_reg6_a_change_moves_the_generation_again_after_commit(draft, django_capture_on_commit_callbacks):
    start = reference_cache._generation()
    with django_capture_on_commit_callbacks(execute=True):
        EligibilityCondition.objects.create(
            occupation_level=_level_of(draft), requires_professional_title=True, description="测试：需职称"
        )
        assert reference_cache._generation() == start + 1
    # The second move is what keeps out rows another worker cached before the change was committed.
    assert reference_cache._generation() == start + 2
