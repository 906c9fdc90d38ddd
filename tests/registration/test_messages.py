"""MSG-1: registration's events tell the people waiting for them, once each: the candidate of their
application's submission, return, rejection and approval (with the reason), the clerks of the
responsible center of a new application in their queue, a center of the decision on its extra
session. Messages are written in the transaction of the change; a second run of the delivery
task sends nothing."""

import pytest
from django.urls import reverse

from appraisal.messaging.delivery import deliver_event
from appraisal.messaging.models import Message, MessageKind
from registration import services
from registration.services.extra_sessions import decide_extra_session, request_extra_session
from tests.registration.conftest import open_registration_date


def messages_of(user, **filters):
    return list(Message.objects.filter(recipient=user, **filters).order_by("pk"))


def test_msg1_submission_tells_the_candidate_and_the_queue(submitted, candidate, demo_user):
    [mine] = messages_of(candidate, kind=MessageKind.APPLICATION_SUBMITTED)
    assert "汽车维修工（五级/初级工）" in mine.title and "等待审核" in mine.title
    assert mine.link == reverse("registration:application_detail", args=[submitted.pk])
    clerk = demo_user("staff_nongan")
    [queued] = messages_of(clerk, kind=MessageKind.QUEUE_NEW_APPLICATION)
    assert submitted.name in queued.title
    assert queued.link == reverse("registration:review_detail", args=[submitted.pk])
    # Clerks of other centers hear nothing of it.
    assert messages_of(demo_user("staff_changchun"), kind=MessageKind.QUEUE_NEW_APPLICATION) == []


def test_msg1_return_carries_the_reason_and_leads_to_the_application(submitted, candidate, demo_user):
    services.return_application(submitted, actor=demo_user("staff_nongan"), reason="照片不清晰，请重新上传")
    [returned] = messages_of(candidate, kind=MessageKind.APPLICATION_RETURNED)
    assert "退回修改" in returned.title and "照片不清晰，请重新上传" in returned.body
    assert returned.link == reverse("registration:application_detail", args=[submitted.pk])
    # Resubmitting is a new event: a new message for the candidate and the queue.
    services.submit_application(submitted, actor=candidate)
    assert len(messages_of(candidate, kind=MessageKind.APPLICATION_SUBMITTED)) == 2
    assert len(messages_of(demo_user("staff_nongan"), kind=MessageKind.QUEUE_NEW_APPLICATION)) == 2


def test_msg1_rejection_carries_the_reason(submitted, candidate, demo_user):
    services.reject_application(submitted, actor=demo_user("staff_nongan"), reason="工作年限不足。")
    [rejected] = messages_of(candidate, kind=MessageKind.APPLICATION_REJECTED)
    assert "审核不通过" in rejected.title and rejected.body == "原因：工作年限不足。"


def test_msg1_approval_tells_the_candidate(submitted, candidate, demo_user):
    services.approve_application(submitted, actor=demo_user("staff_nongan"))
    [approved] = messages_of(candidate, kind=MessageKind.APPLICATION_APPROVED)
    assert "审核通过" in approved.title


def test_msg1_a_refused_transition_tells_nobody(submitted, candidate, demo_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.return_application(submitted, actor=demo_user("staff_nongan"), reason="")
    assert messages_of(candidate, kind=MessageKind.APPLICATION_RETURNED) == []


def test_msg1_delivery_task_run_twice_sends_one_sms(submitted, candidate, sms_outbox):
    [mine] = messages_of(candidate, kind=MessageKind.APPLICATION_SUBMITTED)
    from appraisal.tasks import deliver_messages as task

    task.apply(args=[mine.event])
    task.apply(args=[mine.event])
    assert deliver_event(mine.event) == 0
    texts = [m.text for m in sms_outbox if m.phone == candidate.phone]
    assert len(texts) == 1 and "等待审核" in texts[0]


def test_msg1_extra_session_decision_tells_the_requester(demo_user, centers, occupation):
    requester = demo_user("staff_nongan")
    request = request_extra_session(
        center=centers["nongan"], day=open_registration_date(30), occupation=occupation("汽车维修工"),
        expected_candidates=120, reason="职工120人，定期鉴定日无法容纳。", actor=requester)
    decide_extra_session(request, approve=False, reason="场地不足", actor=demo_user("staff_changchun"))
    [decided] = messages_of(requester, kind=MessageKind.EXTRA_SESSION_DECIDED)
    assert "不予批准" in decided.title and "场地不足" in decided.body
    assert decided.event == f"extra_session:{request.pk}:decided"
