"""CAL-6 review fixes: four eyes (the requester never decides, even city staff asking for a county),
the upper level decided by the authority engine (can_decide_for), one pending request per center
and day in the database; no request and no approval once the day's registration has closed (CAL-3),
and the approved day accepts the requested occupation only (ScheduledAppraisalDay.occupation/accepts)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from appraisal.demo import load_demo
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from appraisal.services import schedule_appraisal_day
from appraisal.workdays import registration_deadline
from registration.models import ExtraSessionRequest, ExtraSessionStatus
from registration.selectors import extra_sessions_pending_for_decision as pending_for_decision
from registration.services.extra_sessions import (
    can_decide,
    decide_extra_session,
    request_extra_session,
)
from tests.registration.conftest import open_registration_date


def future_day(days=30):
    return open_registration_date(days)


@pytest.fixture
def city_request(demo_user, centers, occupation):
    """长春 city staff ask, on behalf of their county 农安, for an extra session."""
    return request_extra_session(
        center=centers["nongan"], day=future_day(), occupation=occupation("汽车维修工"), expected_candidates=80,
        reason="农安县汽修企业职工80人，定期鉴定日无法容纳。", actor=demo_user("staff_changchun"),
    )


def test_cal6_requester_cannot_approve_their_own_request(city_request, demo_user):
    city = demo_user("staff_changchun")
    assert not can_decide(city, city_request)
    assert city_request not in pending_for_decision(city)
    for approve in (True, False):
        with pytest.raises(PermissionDenied, match="申请人不能审批自己提交的"):
            decide_extra_session(city_request, approve=approve, reason="同意", actor=city)
    assert ExtraSessionRequest.objects.get(pk=city_request.pk).status == ExtraSessionStatus.PENDING
    assert not ScheduledAppraisalDay.objects.filter(day=city_request.day).exists()


def test_cal6_another_person_of_the_upper_level_decides(city_request, centers, demo_user):
    colleague = User.objects.create(username="cc_clerk2", role=Role.CENTER_STAFF, center=centers["changchun"],
                                    full_name="长春另一名经办人")
    assert can_decide(colleague, city_request) and city_request in pending_for_decision(colleague)
    decided = decide_extra_session(city_request, approve=True, actor=colleague)
    assert decided.status == ExtraSessionStatus.APPROVED and decided.decided_by == colleague
    assert ScheduledAppraisalDay.objects.filter(center=centers["nongan"], day=city_request.day).exists()


def test_cal6_province_may_decide_a_city_staff_request(city_request, demo_user):
    province = demo_user("province_admin")
    assert city_request in pending_for_decision(province)
    assert decide_extra_session(city_request, approve=False, reason="并入定期鉴定日", actor=province).status == (
        ExtraSessionStatus.REFUSED)


def test_cal6_county_staff_still_cannot_decide_for_their_county(city_request, demo_user):
    with pytest.raises(PermissionDenied, match="上级鉴定机构审批"):
        decide_extra_session(city_request, approve=True, actor=demo_user("staff_nongan"))


def test_cal6_one_pending_request_per_center_and_day_in_the_database(city_request, demo_user):
    staff = demo_user("staff_nongan")
    duplicate = {"center": city_request.center, "day": city_request.day, "occupation": city_request.occupation,
                 "expected_candidates": 5, "reason": "重复", "requested_by": staff}
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtraSessionRequest.objects.create(**duplicate)
    # The service says so in Chinese, on the day field.
    with pytest.raises(ValidationError) as exc:
        request_extra_session(center=city_request.center, day=city_request.day, occupation=city_request.occupation,
                              expected_candidates=5, reason="重复", actor=staff)
    assert exc.value.message_dict["day"] == ["该日期已有待审批的增加场次申请。"]
    # Once decided, the day may be asked for again (the constraint covers pending requests only).
    decide_extra_session(city_request, approve=False, reason="人数不足", actor=demo_user("province_admin"))
    again = ExtraSessionRequest.objects.create(**duplicate)
    assert again.status == ExtraSessionStatus.PENDING


def test_cal6_integrity_error_of_a_simultaneous_request_becomes_the_chinese_message(city_request, demo_user,
                                                                                    monkeypatch):
    """The race the pre-check cannot see: the database refuses, the service answers in Chinese."""
    from django.db.models.query import QuerySet

    real_exists = QuerySet.exists

    def blind_exists(queryset):
        if queryset.model is ExtraSessionRequest:
            return False  # as if the other request were not committed yet
        return real_exists(queryset)

    monkeypatch.setattr(QuerySet, "exists", blind_exists)
    with pytest.raises(ValidationError) as exc:
        request_extra_session(center=city_request.center, day=city_request.day, occupation=city_request.occupation,
                              expected_candidates=5, reason="同时提交", actor=demo_user("staff_nongan"))
    assert exc.value.message_dict["day"] == ["该日期已有待审批的增加场次申请。"]
    assert ExtraSessionRequest.objects.count() == 1


@pytest.mark.postgres
def test_cal6_two_clerks_request_the_same_day_at_once(on_postgres, transactional_db):
    load_demo(years=(2017,))
    nongan = Center.objects.get(division_code="220122")
    clerks = [User.objects.get(username="staff_nongan"), User.objects.get(username="staff_changchun")]
    occupation = Occupation.objects.get(name="汽车维修工")
    day = future_day(40)
    barrier = threading.Barrier(2)
    outcomes = []

    def ask(actor):
        try:
            barrier.wait(timeout=10)
            request_extra_session(center=nongan, day=day, occupation=occupation, expected_candidates=60,
                                  reason="并发申请", actor=actor)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append("；".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(clerk,)) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "该日期已有待审批的增加场次申请。"], outcomes
    assert ExtraSessionRequest.objects.filter(center=nongan, day=day, status=ExtraSessionStatus.PENDING).count() == 1


# --- Review fixes, part 2: the registration deadline (CAL-3) and the occupation of the approved day ---------
#
# 2017-05-10 is a Wednesday; 4-29 to 5-1 were the Labour Day holiday, so its registration closed at the end of
# 2017-04-25, the 10th working day before it (5-9, 5-8, 5-5, 5-4, 5-3, 5-2, 4-28, 4-27, 4-26, 4-25).
DAY_2017 = datetime.date(2017, 5, 10)
DEADLINE_2017 = datetime.date(2017, 4, 25)


@pytest.fixture
def ask_for(demo_user, centers, occupation):
    """request_extra_session for 农安 by its own staff, with `today` under the test's control."""

    def make(day=DAY_2017, today=datetime.date(2017, 4, 20), **overrides):
        options = {
            "center": centers["nongan"], "day": day, "occupation": occupation("汽车维修工"),
            "expected_candidates": 120, "reason": "农安县汽修企业职工120人，定期鉴定日无法容纳。",
            "actor": demo_user("staff_nongan"), "today": today,
        }
        options.update(overrides)
        return request_extra_session(**options)

    return make


def test_cal6_the_example_deadline_is_the_calendar_deadline(db):
    assert registration_deadline(DAY_2017) == DEADLINE_2017


@pytest.mark.parametrize("today", [datetime.date(2017, 4, 26), datetime.date(2017, 5, 2), datetime.date(2017, 5, 9)])
def test_cal6_request_after_the_registration_deadline_refused(ask_for, today):
    with pytest.raises(ValidationError) as exc:
        ask_for(today=today)
    assert exc.value.message_dict["day"] == [
        "该鉴定日的报名截止日期（2017-04-25）已过，无法增加场次，请选择更晚的日期。"]
    assert not ExtraSessionRequest.objects.filter(day=DAY_2017).exists()


def test_cal6_request_on_the_deadline_itself_accepted(ask_for):
    """Registration closes at the end of the deadline day: asking on that day is still in time."""
    request = ask_for(today=DEADLINE_2017)
    assert request.status == ExtraSessionStatus.PENDING and request.day == DAY_2017


def test_cal6_request_too_late_against_the_real_clock_refused(ask_for):
    """Without `today`, the service uses the real date: a day 5 calendar days ahead is always inside
    the 10 working days before it."""
    day = future_day(5)
    with pytest.raises(ValidationError) as exc:
        ask_for(day=day, today=None)
    assert "报名截止日期" in exc.value.message_dict["day"][0]
    assert not ExtraSessionRequest.objects.filter(day=day).exists()


def test_cal6_still_a_past_day_is_refused_as_past_not_as_closed(ask_for):
    with pytest.raises(ValidationError) as exc:
        ask_for(today=DAY_2017)
    assert exc.value.message_dict["day"] == ["申请鉴定日期必须在今天之后。"]


def test_cal6_approval_after_the_deadline_refused_and_the_request_stays_pending(ask_for, demo_user):
    """The review's case: asked in time, approved on 2017-05-02 for 2017-05-10 (closed 2017-04-25)."""
    request = ask_for()
    with pytest.raises(ValidationError) as exc:
        decide_extra_session(request, approve=True, reason="同意", actor=demo_user("staff_changchun"),
                             today=datetime.date(2017, 5, 2))
    assert exc.value.code == "registration_closed"
    assert "报名截止日期（2017-04-25）已过" in exc.value.messages[0]
    stored = ExtraSessionRequest.objects.get(pk=request.pk)
    assert stored.status == ExtraSessionStatus.PENDING
    assert stored.decided_by is None and stored.decided_at is None and stored.decision_reason == ""
    assert stored.scheduled_day is None
    assert not ScheduledAppraisalDay.objects.filter(day=DAY_2017).exists()
    # Still pending, so the upper level can refuse it (a refusal needs no open registration) ...
    refused = decide_extra_session(request, approve=False, reason="报名已截止，请另选日期",
                                   actor=demo_user("staff_changchun"), today=datetime.date(2017, 5, 2))
    assert refused.status == ExtraSessionStatus.REFUSED
    assert not ScheduledAppraisalDay.objects.filter(day=DAY_2017).exists()


def test_cal6_approval_on_the_deadline_itself_schedules_the_day(ask_for, demo_user):
    decided = decide_extra_session(ask_for(), approve=True, actor=demo_user("staff_changchun"), today=DEADLINE_2017)
    assert decided.status == ExtraSessionStatus.APPROVED
    assert decided.scheduled_day.day == DAY_2017
    assert decided.scheduled_day.registration_deadline == DEADLINE_2017


# --- The approved day is limited to the requested occupation ------------------------------------------------


def test_cal6_approved_day_carries_the_requested_occupation(ask_for, demo_user, centers, occupation):
    request = ask_for(occupation=occupation("中式烹调师"))
    decide_extra_session(request, approve=True, actor=demo_user("province_admin"), today=datetime.date(2017, 4, 21))
    scheduled = ScheduledAppraisalDay.objects.get(center=centers["nongan"], day=DAY_2017)
    assert scheduled.occupation == occupation("中式烹调师")
    assert ExtraSessionRequest.objects.get(pk=request.pk).scheduled_day == scheduled
    assert scheduled.accepts(occupation("中式烹调师"))
    assert scheduled.accepts(occupation("中式烹调师").pk)
    assert not scheduled.accepts(occupation("汽车维修工"))
    assert not scheduled.accepts(occupation("汽车维修工").pk)
    assert not scheduled.accepts(None)


def test_cal6_regular_day_accepts_every_occupation(centers, occupation):
    regular = schedule_appraisal_day(center=centers["nongan"], day=datetime.date(2017, 5, 11))
    assert regular.occupation is None
    for name in ("汽车维修工", "中式烹调师"):
        assert regular.accepts(occupation(name))
    assert regular.accepts(None)


def test_cal6_occupation_of_a_scheduled_day_is_protected(ask_for, demo_user, occupation):
    decided = decide_extra_session(ask_for(), approve=True, actor=demo_user("staff_changchun"),
                                   today=datetime.date(2017, 4, 21))
    # Drop the request's own PROTECT link first: the day's limit alone must keep the occupation.
    ExtraSessionRequest.objects.filter(pk=decided.pk).delete()
    with pytest.raises(ProtectedError) as exc, transaction.atomic():
        occupation("汽车维修工").delete()
    assert decided.scheduled_day in exc.value.protected_objects


def test_cal6_refusal_creates_no_limited_day(ask_for, demo_user):
    decide_extra_session(ask_for(), approve=False, reason="并入定期鉴定日", actor=demo_user("staff_changchun"),
                         today=datetime.date(2017, 4, 21))
    assert not ScheduledAppraisalDay.objects.filter(day=DAY_2017).exists()


# --- Pages --------------------------------------------------------------------------------------------------


def test_cal6_pages_show_the_deadline_refuse_a_late_approval_and_show_the_limit(client, demo_user, centers,
                                                                                  occupation):
    late = ExtraSessionRequest.objects.create(  # made before this fix, its registration has closed by now
        center=centers["nongan"], day=future_day(5), occupation=occupation("汽车维修工"), expected_candidates=90,
        reason="人数多", requested_by=demo_user("staff_nongan"),
    )
    timely = request_extra_session(
        center=centers["nongan"], day=future_day(40), occupation=occupation("中式烹调师"), expected_candidates=70,
        reason="人数多", actor=demo_user("staff_nongan"),
    )
    client.force_login(demo_user("staff_changchun"))
    pending = client.get(reverse("registration:extra_sessions_pending")).content.decode()
    assert "报名截止" in pending and "已过，不能批准" in pending and "批准后该场次仅受理此职业" in pending

    refused = client.post(reverse("registration:extra_session_decide", args=[late.pk]), {"decision": "approve"},
                          follow=True).content.decode()
    assert "报名截止日期" in refused and "已过" in refused
    assert ExtraSessionRequest.objects.get(pk=late.pk).status == ExtraSessionStatus.PENDING
    assert not ScheduledAppraisalDay.objects.filter(center=centers["nongan"], day=late.day).exists()

    approved = client.post(reverse("registration:extra_session_decide", args=[timely.pk]), {"decision": "approve"},
                           follow=True).content.decode()
    assert "仅受理中式烹调师" in approved
    day = ScheduledAppraisalDay.objects.get(center=centers["nongan"], day=timely.day)
    assert day.occupation == occupation("中式烹调师")
    listing = client.get(reverse("registration:extra_sessions")).content.decode()
    assert "已列入定期鉴定日，仅受理中式烹调师" in listing


def test_cal6_page_request_too_late_is_a_400_with_the_deadline(client, demo_user, centers, occupation):
    client.force_login(demo_user("staff_nongan"))
    day = future_day(5)
    response = client.post(reverse("registration:extra_sessions"), {
        "center": centers["nongan"].pk, "day": day.isoformat(), "occupation": occupation("汽车维修工").pk,
        "expected_candidates": 80, "reason": "人数多",
    })
    assert response.status_code == 400 and "报名截止日期" in response.content.decode()
    assert not ExtraSessionRequest.objects.filter(day=day).exists()
