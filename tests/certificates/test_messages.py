"""MSG-1: exam and certificate events tell the people waiting for them, once each: admission tickets
ready, scores published, certificate issued and ready to collect; the clerks get the publication
and delivery deadlines' alerts. Each a message per person and event, written with the change."""

import datetime

from django.db.models import Count
from django.urls import reverse

from appraisal.messaging.models import Message, MessageKind
from certificates import services
from certificates.models import Certificate, DeliveryAlert
from exams import services as exam_services
from registration.models import Application


def kinds(kind):
    return Message.objects.filter(kind=kind)


def test_msg1_seating_makes_the_tickets_ready(seated_session):
    candidates = set(Application.objects.filter(seat__session=seated_session).values_list("candidate_id", flat=True))
    messages = list(kinds(MessageKind.TICKET_READY))
    assert {m.recipient_id for m in messages} == candidates and len(messages) == 3
    assert all("准考证已可打印" in m.title and "准考证号" in m.body for m in messages)
    assert {m.link for m in messages} == {reverse("exams:my_tickets")}


def test_msg1_publishing_scores_tells_each_candidate_once(published_session):
    messages = list(kinds(MessageKind.SCORES_PUBLISHED))
    assert len(messages) == 3 and {m.event for m in messages} == {f"session:{published_session.pk}:published"}
    assert {m.link for m in messages} == {reverse("exams:my_scores")}


def test_msg1_issue_and_print_tell_the_holder(issued, demo_user):
    holders = {c.application.candidate_id for c in issued}
    assert {m.recipient_id for m in kinds(MessageKind.CERTIFICATE_ISSUED)} == holders
    staff = demo_user("staff_changchun")
    batch = services.create_print_batch(actor=staff, certificate_ids=[c.pk for c in issued])
    services.confirm_batch(batch=batch, actor=staff, first_serial="M0001")
    ready = list(kinds(MessageKind.CERTIFICATE_READY))
    assert {m.recipient_id for m in ready} == holders
    assert all("可以领取" in m.title and "农安县职业技能鉴定中心" in m.body for m in ready)


def test_msg1_delivery_alerts_reach_the_clerks_once(issued, demo_user):
    due = Certificate.objects.get(pk=issued[0].pk).due_on
    services.check_delivery_deadlines(today=due + datetime.timedelta(days=1))
    services.check_delivery_deadlines(today=due + datetime.timedelta(days=2))  # run again: nothing new
    alerts = DeliveryAlert.objects.filter(certificate__in=issued)
    messages = kinds(MessageKind.OVERDUE_ALERT).filter(event__startswith="certificates.delivery_alert:")
    assert messages.values("event").distinct().count() == alerts.count()
    assert not messages.values("recipient", "event").annotate(n=Count("pk")).filter(n__gt=1).exists()
    recipients = set(messages.values_list("recipient__username", flat=True))
    assert {"staff_nongan", "staff_changchun"} <= recipients
    assert "candidate" not in recipients


def test_msg1_publication_overdue_alert_reaches_the_clerks(session, demo_user):
    exam_services.check_publication_deadlines(today=datetime.date(2017, 7, 8))
    exam_services.check_publication_deadlines(today=datetime.date(2017, 7, 9))
    messages = kinds(MessageKind.OVERDUE_ALERT).filter(event__startswith="exams.overdue_alert:")
    assert set(messages.values_list("recipient__username", flat=True)) >= {"staff_nongan", "staff_changchun"}
    assert messages.filter(recipient__username="staff_nongan").count() == 1
    assert all("成绩发布已逾期" in m.title and "2017-07-07" in m.body for m in messages)
