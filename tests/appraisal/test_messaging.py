"""MSG-1, MSG-2: notify() writes one message per person and event in the change's transaction;
SMS and e-mail go out after the commit through the outbox, once, even when the task runs twice or
the broker was down; the 消息 pages, the unread badge and the channel choice."""

import pytest
from celery import current_app
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from appraisal.messaging import MessageKind, notify, notify_many
from appraisal.messaging.delivery import deliver_event
from appraisal.messaging.models import ChannelPreference, Message
from appraisal.models import OutboxMessage, User
from appraisal.outbox import relay


def person(n=1, phone="13800000001"):
    """Transactional tests start from an empty database (the demo is flushed): a person of their own."""
    return User.objects.create_user(username=f"msg-person-{n}", password="x", full_name=f"考生{n}", phone=phone)


def _notify(user, event="test:1", **kwargs):
    with transaction.atomic():
        return notify(user, kind=MessageKind.APPLICATION_APPROVED, event=event, title="审核通过",
                      body="请缴费", link="/my/1/", **kwargs)


def test_msg1_one_message_per_person_and_event(transactional_db, demo_user, sms_outbox):
    candidate = person()
    first = _notify(candidate)
    again = _notify(candidate)  # the service ran twice: nobody is told twice
    assert first is not None and again is None
    assert Message.objects.filter(recipient=candidate, event="test:1").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses a second
        Message.objects.create(recipient=candidate, kind=MessageKind.APPLICATION_APPROVED, event="test:1", title="x")
    assert [(m.phone, m.text) for m in sms_outbox] == [("13800000001", "【吉林职业技能鉴定】审核通过：请缴费")]


def test_msg1_notify_belongs_inside_the_changes_transaction(transactional_db, demo_user):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        notify(person(), kind=MessageKind.APPLICATION_APPROVED, event="test:outside", title="x")
    assert not Message.objects.filter(event="test:outside").exists()


def test_msg1_a_rolled_back_change_tells_nobody(transactional_db, demo_user, sms_outbox):
    candidate = person()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(candidate, kind=MessageKind.APPLICATION_APPROVED, event="test:rollback", title="x")
        raise RuntimeError("the change failed")
    assert not Message.objects.filter(event="test:rollback").exists()
    assert not OutboxMessage.objects.filter(key__contains="test:rollback").exists()
    assert sms_outbox == []


def test_msg2_delivery_runs_once_even_when_the_task_runs_twice(transactional_db, demo_user, sms_outbox):
    candidate = person()
    ChannelPreference.objects.create(user=candidate, sms=True, email=True)
    type(candidate).objects.filter(pk=candidate.pk).update(email="wang@example.com")
    _notify(candidate, event="test:twice")
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang@example.com"] and "审核通过" in mail.outbox[0].subject
    current_app.tasks["appraisal.deliver_messages"].apply(args=["test:twice"])  # a redelivery
    assert deliver_event("test:twice") == 0
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1
    message = Message.objects.get(event="test:twice")
    assert message.delivered_at is not None and message.channels == "sms,email"


def test_msg2_channels_follow_the_choice(transactional_db, demo_user, sms_outbox):
    candidate = person()
    ChannelPreference.objects.create(user=candidate, sms=False, email=False)
    _notify(candidate, event="test:in-app-only")
    assert sms_outbox == [] and mail.outbox == []
    assert Message.objects.get(event="test:in-app-only").channels == ""


def test_msg2_broker_down_the_action_succeeds_and_delivery_follows(transactional_db, demo_user, sms_outbox,
                                                                   monkeypatch):
    candidate = person()
    task = current_app.tasks["appraisal.deliver_messages"]

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", refuse)
    assert _notify(candidate, event="test:outage") is not None  # the action is not broken
    assert sms_outbox == []
    assert Message.objects.get(event="test:outage").delivered_at is None
    monkeypatch.undo()
    assert relay() >= 1  # beat's relay, once the broker is back
    assert len(sms_outbox) == 1
    assert relay() == 0 and len(sms_outbox) == 1


def test_msg2_a_failing_provider_is_retried_later(transactional_db, demo_user, sms_outbox, settings):
    candidate = person()
    settings.SMS_BACKEND = "tests.appraisal.test_messaging.BrokenSms"
    assert _notify(candidate, event="test:provider-down") is not None  # the action is not broken
    message = Message.objects.get(event="test:provider-down")  # the message stays, undelivered
    assert message.delivered_at is None
    assert OutboxMessage.objects.filter(sent_at__isnull=True, key__endswith="test:provider-down").exists()
    settings.SMS_BACKEND = "appraisal.messaging.backends.LocmemSmsBackend"
    assert relay() == 1 and len(sms_outbox) == 1  # the next relay delivers it
    assert relay() == 0 and deliver_event("test:provider-down") == 0 and len(sms_outbox) == 1


def test_msg2_a_provider_failing_in_the_worker_is_retried_by_beat(transactional_db, sms_outbox, settings):
    from django.utils import timezone

    from appraisal.messaging.delivery import deliver_stragglers

    candidate = person()
    settings.SMS_BACKEND = "tests.appraisal.test_messaging.BrokenSms"
    with transaction.atomic():  # written, its task sent and failed in a worker: only beat is left
        notify(candidate, kind=MessageKind.SCORES_PUBLISHED, event="test:straggler", title="成绩已发布")
    OutboxMessage.objects.update(sent_at=timezone.now())
    Message.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=10))
    assert deliver_stragglers() == 0  # still failing: kept
    settings.SMS_BACKEND = "appraisal.messaging.backends.LocmemSmsBackend"
    assert deliver_stragglers() == 1 and len(sms_outbox) == 1
    assert deliver_stragglers() == 0 and len(sms_outbox) == 1


class BrokenSms:
    def __init__(self, fail_silently=False):
        pass

    def send_messages(self, messages):
        raise ConnectionError("provider unreachable")


def emailed(n=1, phone="13800000001"):
    """A person who chose SMS and e-mail."""
    user = person(n, phone=phone)
    User.objects.filter(pk=user.pk).update(email=f"person{n}@example.com")
    ChannelPreference.objects.create(user=user, sms=True, email=True)
    return User.objects.get(pk=user.pk)


def age_messages():
    """As if the worker's run had failed more than five minutes ago: beat's stragglers job is next."""
    from django.utils import timezone

    OutboxMessage.objects.update(sent_at=timezone.now())
    Message.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=10))


def test_msg2_sms_failing_once_sends_the_email_once_and_the_sms_on_the_retry(transactional_db, sms_outbox,
                                                                           settings):
    from appraisal.messaging.delivery import deliver_stragglers

    candidate = emailed()
    settings.SMS_BACKEND = "tests.appraisal.test_messaging.BrokenSms"
    _notify(candidate, event="test:sms-down")
    assert sms_outbox == [] and [m.to for m in mail.outbox] == [["person1@example.com"]]
    age_messages()
    assert deliver_stragglers() == 0  # the SMS provider still fails: the e-mail is not sent again
    assert len(mail.outbox) == 1
    message = Message.objects.get(event="test:sms-down")
    assert message.email_sent_at is not None and message.sms_sent_at is None and message.delivered_at is None
    settings.SMS_BACKEND = "appraisal.messaging.backends.LocmemSmsBackend"
    assert deliver_stragglers() == 1
    assert deliver_stragglers() == 0 and deliver_event("test:sms-down") == 0
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.sms_sent_at and message.delivered_at and message.channels == "sms,email"


class FlakyMail:
    """The mail server refuses one address once (then accepts it), like a provider's hiccup."""

    refuse = set()

    def __new__(cls, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        class Backend(EmailBackend):
            def send_messages(self, messages):
                for message in messages:
                    refused = cls.refuse & set(message.to)
                    if refused:
                        cls.refuse -= refused
                        raise ConnectionError("mail server refused")
                return super().send_messages(messages)

        return Backend(*args, **kwargs)


def test_msg2_an_email_failing_part_way_sends_no_email_twice(transactional_db, sms_outbox, settings):
    from appraisal.messaging.delivery import deliver_stragglers

    people = [emailed(n, phone=f"1380000000{n}") for n in range(1, 4)]
    settings.EMAIL_BACKEND = "tests.appraisal.test_messaging.FlakyMail"
    FlakyMail.refuse = {"person2@example.com"}
    with transaction.atomic():
        notify_many(people, kind=MessageKind.SCORES_PUBLISHED, event="test:mail-hiccup", title="成绩已发布")
    # The one refused stays for the retry; those before and after it went out, and every SMS.
    assert sorted(m.to[0] for m in mail.outbox) == ["person1@example.com", "person3@example.com"]
    assert len(sms_outbox) == 3
    assert Message.objects.filter(event="test:mail-hiccup", delivered_at__isnull=True).count() == 1
    age_messages()
    assert deliver_stragglers() == 1 and deliver_stragglers() == 0
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.com" for n in range(1, 4)]
    assert len(sms_outbox) == 3
    assert not Message.objects.filter(event="test:mail-hiccup", delivered_at__isnull=True).exists()


class SlowSms:
    """A provider that takes its time, so that two workers overlap."""

    def __init__(self, fail_silently=False):
        pass

    def send_messages(self, messages):
        import time

        from appraisal.messaging.backends import LocmemSmsBackend

        time.sleep(0.3)
        return LocmemSmsBackend().send_messages(messages)


@pytest.mark.postgres
def test_msg2_two_workers_at_once_send_each_message_once(transactional_db, on_postgres, sms_outbox, settings,
                                                          monkeypatch):
    from tests.support.concurrency import at_once

    people = [emailed(n, phone=f"1380000000{n}") for n in range(1, 6)]
    task = current_app.tasks["appraisal.deliver_messages"]
    monkeypatch.setattr(task, "apply_async", lambda *a, **k: None)  # the workers below deliver instead
    with transaction.atomic():
        notify_many(people, kind=MessageKind.SCORES_PUBLISHED, event="test:race", title="成绩已发布")
    assert sms_outbox == [] and mail.outbox == []
    settings.SMS_BACKEND = "tests.appraisal.test_messaging.SlowSms"
    delivered = at_once(lambda: deliver_event("test:race"), 2)
    assert sum(delivered) == 5
    assert sorted(m.phone for m in sms_outbox) == [f"1380000000{n}" for n in range(1, 6)]
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.com" for n in range(1, 6)]
    assert not Message.objects.filter(event="test:race", delivered_at__isnull=True).exists()


def test_msg1_notify_many_skips_those_already_told(transactional_db, demo_user):
    a, b = person(1), person(2)
    with transaction.atomic():
        notify_many([a], kind=MessageKind.OVERDUE_ALERT, event="test:many", title="逾期")
    with transaction.atomic():
        written = notify_many([a, b, None], kind=MessageKind.OVERDUE_ALERT, event="test:many", title="逾期")
    assert [m.recipient_id for m in written] == [b.pk]


def test_msg1_notify_each_writes_each_event_once_and_delivers_them_together(transactional_db, sms_outbox):
    from appraisal.messaging.services import notify_each

    people = [person(n, phone=f"1380000000{n}") for n in range(1, 4)]
    entries = [{"recipient": p, "event": f"test:seat:{p.pk}", "title": f"准考证{p.pk}"} for p in people]
    with transaction.atomic():
        assert notify_each(kind=MessageKind.TICKET_READY, entries=entries) == 3
    with transaction.atomic():  # the same events again: nothing new
        assert notify_each(kind=MessageKind.TICKET_READY, entries=entries) == 0
    assert Message.objects.filter(kind=MessageKind.TICKET_READY).count() == 3
    assert sorted(m.phone for m in sms_outbox) == ["13800000001", "13800000002", "13800000003"]
    assert OutboxMessage.objects.filter(task="appraisal.deliver_messages").count() == 1


def test_msg2_message_pages_badge_and_marking_read(db, logged_in_client, demo_user, django_assert_max_num_queries):
    candidate = demo_user("candidate")
    other = demo_user("staff_nongan")
    with transaction.atomic():
        mine = notify(candidate, kind=MessageKind.APPLICATION_RETURNED, event="test:page", title="申报被退回修改",
                      body="退回原因：照片不清晰", link="/my/1/edit/")
        theirs = notify(other, kind=MessageKind.OVERDUE_ALERT, event="test:page", title="逾期")
    client = logged_in_client("candidate")
    home = client.get("/")
    assert 'aria-label="1条未读"' in home.content.decode()
    listing = client.get(reverse("message_list")).content.decode()
    assert "申报被退回修改" in listing and "未读" in listing
    page = client.get(reverse("message_detail", args=[mine.pk])).content.decode()
    assert "退回原因：照片不清晰" in page and 'href="/my/1/edit/"' in page
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "条未读" not in client.get("/").content.decode()
    # Another person's message does not exist for them.
    assert client.get(reverse("message_detail", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_msg2_a_foreign_link_is_not_followed(db, logged_in_client, demo_user):
    with transaction.atomic():
        message = notify(demo_user("candidate"), kind=MessageKind.APPLICATION_APPROVED, event="test:evil",
                         title="x", link="https://evil.example/")
    page = logged_in_client("candidate").get(reverse("message_detail", args=[message.pk])).content.decode()
    assert "evil.example" not in page


def test_msg2_mark_all_read(db, logged_in_client, demo_user):
    candidate = demo_user("candidate")
    with transaction.atomic():
        for n in range(3):
            notify(candidate, kind=MessageKind.APPLICATION_APPROVED, event=f"test:all:{n}", title=f"消息{n}")
    client = logged_in_client("candidate")
    response = client.post(reverse("message_mark_all_read"))
    assert response.status_code == 302
    assert not Message.objects.filter(recipient=candidate, read_at__isnull=True).exists()


def test_msg2_the_badge_survives_a_database_error(rf, demo_user, monkeypatch):
    from django.db import DatabaseError

    from appraisal.messaging import context, services

    def broken(user):
        raise DatabaseError("gone")

    monkeypatch.setattr(services, "unread_count", broken)
    request = rf.get("/")
    request.user = demo_user("candidate")
    assert int(context.unread_messages(request)["unread_messages"]) == 0


def test_msg2_badge_is_one_query_and_none_for_visitors(db, rf, demo_user, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from appraisal.messaging.context import unread_messages

    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread_messages(request) == {}
    request.user = demo_user("candidate")
    badge = unread_messages(request)["unread_messages"]
    with django_assert_num_queries(1):
        assert int(badge) == 0


def test_msg2_profile_channels(db, logged_in_client, demo_user):
    client = logged_in_client("candidate")
    page = client.get(reverse("profile")).content.decode()
    assert "消息接收方式" in page and "13800000000" in page
    # E-mail without an address: refused in Chinese, nothing saved.
    response = client.post(reverse("profile"), {"sms": "on", "email": "on", "email_address": ""})
    assert "选择电子邮件通知时请填写电子邮件地址。" in response.content.decode()
    assert not ChannelPreference.objects.filter(user__username="candidate").exists()
    response = client.post(reverse("profile"), {"email": "on", "email_address": "not-an-address"})
    assert "请输入有效的电子邮件地址。" in response.content.decode()
    response = client.post(reverse("profile"), {"email": "on", "email_address": "wang@example.com"})
    assert response.status_code == 302
    preference = ChannelPreference.objects.get(user__username="candidate")
    assert (preference.sms, preference.email, preference.user.email) == (False, True, "wang@example.com")
    # Staff have no such page (their role is not a candidate's).
    assert logged_in_client("staff_nongan").get(reverse("profile")).status_code in (403, 404)
