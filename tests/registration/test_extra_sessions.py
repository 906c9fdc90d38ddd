"""CAL-6: extra appraisal sessions (增加鉴定场次): a center requests, the upper level approves or
refuses, exactly once, and an approval puts the day on the center's schedule."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from appraisal.demo import load_demo
from appraisal.models import Occupation, ScheduledAppraisalDay, User
from registration.models import ExtraSessionRequest, ExtraSessionStatus
from registration.selectors import extra_sessions_pending_for_decision as pending_for_decision
from registration.services.extra_sessions import (
    EXTRA_SESSION_NOTE,
    decide_extra_session,
    request_extra_session,
)
from tests.registration.conftest import open_registration_date


def future_day(days=30):
    return open_registration_date(days)


@pytest.fixture
def ask(demo_user, centers, occupation):
    def make(center="nongan", actor="staff_nongan", days=30, **overrides):
        options = {
            "center": centers[center], "day": future_day(days), "occupation": occupation("汽车维修工"),
            "expected_candidates": 120, "reason": "农安县汽修企业职工120人，定期鉴定日无法容纳。",
            "actor": demo_user(actor),
        }
        options.update(overrides)
        return request_extra_session(**options)

    return make


def test_cal6_upper_level_approval_schedules_the_day(ask, demo_user, centers):
    request = ask()
    assert request.status == ExtraSessionStatus.PENDING
    city = demo_user("staff_changchun")
    decided = decide_extra_session(request, approve=True, reason="同意", actor=city)
    assert decided.status == ExtraSessionStatus.APPROVED
    assert decided.decided_by == city and decided.decided_at is not None
    day = ScheduledAppraisalDay.objects.get(center=centers["nongan"], day=request.day)
    assert day.note == EXTRA_SESSION_NOTE
    assert ExtraSessionRequest.objects.get(pk=request.pk).scheduled_day == day


def test_cal6_province_may_approve_too(ask, demo_user):
    decided = decide_extra_session(ask(), approve=True, actor=demo_user("province_admin"))
    assert decided.scheduled_day is not None


@pytest.mark.parametrize("decider", ["staff_nongan", "staff_gongzhuling", "examiner", "hr_official", "candidate"])
def test_cal6_requesting_center_and_others_cannot_decide(ask, demo_user, decider):
    request = ask()
    with pytest.raises(PermissionDenied):
        decide_extra_session(request, approve=True, actor=demo_user(decider))
    assert ExtraSessionRequest.objects.get(pk=request.pk).status == ExtraSessionStatus.PENDING
    assert not ScheduledAppraisalDay.objects.filter(day=request.day).exists()


def test_cal6_city_request_goes_to_the_province_not_the_city_itself(ask, demo_user):
    request = ask(center="changchun", actor="staff_changchun")
    with pytest.raises(PermissionDenied):
        decide_extra_session(request, approve=True, actor=demo_user("staff_changchun"))
    assert request not in pending_for_decision(demo_user("staff_changchun"))
    assert request in pending_for_decision(demo_user("province_admin"))
    decide_extra_session(request, approve=True, actor=demo_user("province_admin"))


def test_cal6_decided_request_cannot_be_decided_again(ask, demo_user):
    request = ask()
    city = demo_user("staff_changchun")
    decide_extra_session(request, approve=True, actor=city)
    for approve in (True, False):
        with pytest.raises(ValidationError, match="不能重复审批"):
            decide_extra_session(request, approve=approve, reason="再次审批", actor=city)
    assert ExtraSessionRequest.objects.get(pk=request.pk).status == ExtraSessionStatus.APPROVED
    assert ScheduledAppraisalDay.objects.filter(day=request.day).count() == 1


def test_cal6_refusal_needs_a_reason_and_schedules_nothing(ask, demo_user):
    request = ask()
    city = demo_user("staff_changchun")
    with pytest.raises(ValidationError, match="请填写理由"):
        decide_extra_session(request, approve=False, reason="  ", actor=city)
    refused = decide_extra_session(request, approve=False, reason="可并入下月定期鉴定日", actor=city)
    assert refused.status == ExtraSessionStatus.REFUSED and refused.decision_reason == "可并入下月定期鉴定日"
    assert refused.scheduled_day is None
    assert not ScheduledAppraisalDay.objects.filter(day=request.day).exists()


def test_cal6_day_scheduled_meanwhile_cannot_be_approved(ask, demo_user, centers):
    request = ask()
    ScheduledAppraisalDay.objects.create(center=centers["nongan"], day=request.day)
    with pytest.raises(ValidationError, match="已有定期鉴定日"):
        decide_extra_session(request, approve=True, actor=demo_user("staff_changchun"))
    assert ExtraSessionRequest.objects.get(pk=request.pk).status == ExtraSessionStatus.PENDING


# --- Bad requests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("overrides, field, message", [
    ({"day": datetime.date(2017, 5, 1)}, "day", "今天之后"),
    ({"days": 0}, "day", "今天之后"),
    ({"day": datetime.date(2039, 6, 1)}, "day", "尚未维护"),
    ({"expected_candidates": 0}, "expected_candidates", "至少为1人"),
    ({"reason": "   "}, "reason", "申请理由"),
])
def test_cal6_bad_request_refused(ask, overrides, field, message):
    with pytest.raises(ValidationError) as info:
        ask(**overrides)
    assert message in " ".join(info.value.message_dict[field])
    assert not ExtraSessionRequest.objects.exists()


def test_cal6_day_already_scheduled_refused(ask, centers):
    day = future_day(40)
    ScheduledAppraisalDay.objects.create(center=centers["nongan"], day=day)
    with pytest.raises(ValidationError, match="已安排定期鉴定日"):
        ask(day=day)


def test_cal6_unified_occupation_refused(ask):
    with pytest.raises(ValidationError, match="统一鉴定职业"):
        ask(occupation=Occupation.objects.get(name="企业人力资源管理师"))


@pytest.mark.parametrize("center, actor", [("nongan", "staff_gongzhuling"), ("nongan", "examiner"),
                                           ("nongan", "candidate")])
def test_cal6_actor_not_managing_the_center_refused(ask, center, actor):
    with pytest.raises(PermissionDenied):
        ask(center=center, actor=actor)


def test_cal6_province_does_not_request(ask):
    with pytest.raises(ValidationError, match="无需申请"):
        ask(center="province", actor="province_admin")


# --- Pages -------------------------------------------------------------------------------------------


def test_cal6_pages_request_list_and_upper_level_decision(client, demo_user, centers, occupation):
    day = future_day(35)
    client.force_login(demo_user("staff_nongan"))
    page = client.get(reverse("registration:extra_sessions"))
    assert page.status_code == 200
    bad = client.post(reverse("registration:extra_sessions"), {
        "center": centers["nongan"].pk, "day": day.isoformat(), "occupation": occupation("汽车维修工").pk,
        "expected_candidates": 0, "reason": "人数多",
    })
    assert bad.status_code == 400 and "至少为1人" in bad.content.decode()
    response = client.post(reverse("registration:extra_sessions"), {
        "center": centers["nongan"].pk, "day": day.isoformat(), "occupation": occupation("汽车维修工").pk,
        "expected_candidates": 80, "reason": "人数多",
    })
    assert response.status_code == 302
    request = ExtraSessionRequest.objects.get(center=centers["nongan"], day=day)
    assert "待审批" in client.get(reverse("registration:extra_sessions")).content.decode()
    # The requesting center cannot approve its own request.
    own = client.post(reverse("registration:extra_session_decide", args=[request.pk]), {"decision": "approve"})
    assert own.status_code == 403

    client.force_login(demo_user("staff_changchun"))
    pending = client.get(reverse("registration:extra_sessions_pending"))
    assert pending.status_code == 200 and "农安县职业技能鉴定中心" in pending.content.decode()
    refused = client.post(reverse("registration:extra_session_decide", args=[request.pk]), {"decision": "refuse"},
                          follow=True)
    assert "不予批准时请填写理由" in refused.content.decode()
    client.post(reverse("registration:extra_session_decide", args=[request.pk]), {"decision": "approve"})
    assert ScheduledAppraisalDay.objects.filter(center=centers["nongan"], day=day, note=EXTRA_SESSION_NOTE).exists()
    again = client.post(reverse("registration:extra_session_decide", args=[request.pk]),
                        {"decision": "refuse", "reason": "x"}, follow=True)
    assert "不能重复审批" in again.content.decode()


def test_cal6_other_region_gets_404_candidate_403(client, demo_user, ask):
    request = ask()
    client.force_login(demo_user("staff_gongzhuling"))
    assert client.post(reverse("registration:extra_session_decide", args=[request.pk]),
                       {"decision": "approve"}).status_code == 404
    client.force_login(demo_user("candidate"))
    assert client.get(reverse("registration:extra_sessions")).status_code == 403
    assert client.get(reverse("registration:extra_sessions_pending")).status_code == 403


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------------


@pytest.mark.postgres
def test_cal6_two_concurrent_decisions_exactly_one_wins(on_postgres, transactional_db):
    """Approve and refuse race from two connections: the row lock lets exactly one through."""
    load_demo(years=(2017,))
    staff = User.objects.get(username="staff_nongan")
    deciders = [User.objects.get(username="staff_changchun"), User.objects.get(username="province_admin")]
    occupation = Occupation.objects.get(name="汽车维修工")
    for attempt in range(3):
        request = request_extra_session(
            center=staff.center, day=future_day(50 + attempt), occupation=occupation, expected_candidates=60,
            reason="并发测试", actor=staff,
        )
        barrier = threading.Barrier(2)
        outcomes = []

        def decide(actor, approve, pk=request.pk, barrier=barrier, outcomes=outcomes):
            try:
                item = ExtraSessionRequest.objects.get(pk=pk)
                barrier.wait(timeout=10)
                decide_extra_session(item, approve=approve, reason="不同意" if not approve else "", actor=actor)
                outcomes.append(("won", approve))
            except ValidationError as exc:
                outcomes.append(("lost", "；".join(exc.messages)))
            finally:
                connection.close()

        threads = [threading.Thread(target=decide, args=(deciders[0], True)),
                   threading.Thread(target=decide, args=(deciders[1], False))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        winners = [o for o in outcomes if o[0] == "won"]
        losers = [o for o in outcomes if o[0] == "lost"]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert "不能重复审批" in losers[0][1]
        final = ExtraSessionRequest.objects.get(pk=request.pk)
        approved = winners[0][1]
        assert final.status == (ExtraSessionStatus.APPROVED if approved else ExtraSessionStatus.REFUSED)
        assert ScheduledAppraisalDay.objects.filter(center=staff.center, day=request.day).exists() == approved
