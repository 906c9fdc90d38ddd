"""MSG-3: the 忘记密码 code is stored hashed, and the outbox row of its SMS holds it in clear only until
the broker has the task: after sending, no outbox row contains the code. Delivery stays once (a
redelivery of the task sends nothing) and a broker outage still delays the SMS, never loses it."""

import re

import pytest
from celery import current_app, shared_task
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from appraisal import outbox
from appraisal.demo import DEMO_CANDIDATE
from appraisal.messaging.models import PasswordResetCode
from appraisal.models import OutboxMessage
from appraisal.tasks import send_reset_code

pytestmark = pytest.mark.django_db

TASK = "appraisal.send_reset_code"
UNREGISTERED_ID = "11010519491231002X"  # a valid ID number nobody registered


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def post(id_number=DEMO_CANDIDATE["id_number"], phone=DEMO_CANDIDATE["phone"]):
        with django_capture_on_commit_callbacks(execute=True):  # the relay after the commit
            return client.post(reverse("password_forgot"), {"id_number": id_number, "phone": phone})

    return post


def _rows_holding(code: str) -> list:
    return [m for m in OutboxMessage.objects.all() if code in str(m.args) or code in str(m)]


def test_msg3_after_sending_no_outbox_row_holds_the_code(ask, sms_outbox):
    ask()
    code = re.search(r"验证码(\d{6})", sms_outbox[0].text).group(1)
    message = OutboxMessage.objects.get(task=TASK)
    reset = PasswordResetCode.objects.get()
    assert message.sent_at is not None and message.args == [reset.pk, ""]
    assert _rows_holding(code) == []
    # The broker's copy delivered again (a worker died before acknowledging): no second SMS.
    assert send_reset_code(reset.pk, code) is False
    assert len(sms_outbox) == 1


def test_msg4_a_miss_leaves_the_same_blanked_row(ask, sms_outbox):
    """MSG-4: an unregistered ID number queues the same task, blanked the same way, and sends nothing."""
    ask(id_number=UNREGISTERED_ID)
    message = OutboxMessage.objects.get(task=TASK)
    assert message.sent_at is not None and message.args == [PasswordResetCode.objects.get().pk, ""]
    assert sms_outbox == []


def test_msg2_broker_down_keeps_the_code_until_the_relay_that_sends_it(ask, sms_outbox, monkeypatch):
    task = current_app.tasks[TASK]

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", refuse)
    ask()
    message = OutboxMessage.objects.get(task=TASK)
    assert message.sent_at is None and len(message.args) == 2 and message.args[1]  # kept for the retry
    assert sms_outbox == []
    monkeypatch.undo()  # the broker is back
    assert outbox.relay() == 1
    code = re.search(r"验证码(\d{6})", sms_outbox[0].text).group(1)
    assert code == message.args[1]
    message.refresh_from_db()
    assert message.sent_at is not None and message.args == [message.args[0], ""]
    assert _rows_holding(code) == []
    assert outbox.relay() == 0 and len(sms_outbox) == 1  # sent once


@shared_task(name="tests.reset_outbox_probe")
def outbox_probe(first, second):
    return first


def test_other_tasks_keep_their_arguments(django_capture_on_commit_callbacks):
    """Only a task that declares secret arguments is blanked: the rest stay for tracing."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.enqueue("tests.reset_outbox_probe", 7, "kept")
    message = OutboxMessage.objects.get(task="tests.reset_outbox_probe")
    assert message.sent_at is not None and message.args == [7, "kept"]
