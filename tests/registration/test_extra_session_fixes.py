"""CAL-6 review fixes: four eyes (the requester never decides, even city staff asking for a county),
the upper level decided by the authority engine (can_decide_for), one pending request per center
and day in the database."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from appraisal.demo import load_demo
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from registration.extra_sessions import (
    can_decide,
    decide_extra_session,
    pending_for_decision,
    request_extra_session,
)
from registration.models import ExtraSessionRequest, ExtraSessionStatus
from tests.registration.conftest import ensure_calendar_known


def future_day(days=30):
    day = timezone.localdate() + datetime.timedelta(days=days)
    ensure_calendar_known(day.year)
    return day


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
