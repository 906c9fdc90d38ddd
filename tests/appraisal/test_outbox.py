"""The transactional outbox (appraisal/outbox.py): work after a commit exists exactly when the change
does, waits out a broker outage, is sent once per key, and two relays never send one message twice."""

import pytest
from celery import current_app, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from appraisal import outbox
from appraisal.models import OutboxMessage
from tests.support.concurrency import at_once

RAN: list = []


@shared_task(name="tests.outbox_probe")
def outbox_probe(value):
    RAN.append(value)
    return value


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    yield
    RAN.clear()


@pytest.fixture
def broker_down(monkeypatch):
    task = current_app.tasks["tests.outbox_probe"]

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", refuse)
    return monkeypatch


def test_enqueue_belongs_inside_the_changes_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        outbox.enqueue("tests.outbox_probe", 1)


def test_the_message_runs_after_the_commit(transactional_db):
    with transaction.atomic():
        outbox.enqueue("tests.outbox_probe", 7)
        assert RAN == []  # nothing runs before the change is committed
    assert RAN == [7]
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_rolled_back_change_leaves_no_message(transactional_db):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.enqueue("tests.outbox_probe", 1)
        1 / 0  # noqa: B018
    assert not OutboxMessage.objects.exists() and RAN == []


def test_broker_down_keeps_the_message_and_the_next_relay_sends_it(transactional_db, broker_down):
    with transaction.atomic():
        outbox.enqueue("tests.outbox_probe", 3)  # the commit succeeds though the broker is down
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1 and "Connection refused" in message.last_error
    broker_down.undo()  # the broker is back
    assert outbox.relay() == 1
    assert RAN == [3]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2 and message.last_error == ""
    assert outbox.relay() == 0  # sent once


def test_one_pending_message_per_key(transactional_db, broker_down):
    with transaction.atomic():
        assert outbox.enqueue("tests.outbox_probe", 1, key="form:1") is not None
        assert outbox.enqueue("tests.outbox_probe", 1, key="form:1") is None
    assert OutboxMessage.objects.filter(key="form:1").count() == 1
    broker_down.undo()
    outbox.relay()
    with transaction.atomic():  # once sent, the key may be used again (a later change)
        assert outbox.enqueue("tests.outbox_probe", 1, key="form:1") is not None
    assert RAN == [1, 1]


@pytest.mark.postgres
def test_two_relays_at_once_send_each_message_once(on_postgres, transactional_db, broker_down):
    with transaction.atomic():
        for value in range(20):
            outbox.enqueue("tests.outbox_probe", value)
    broker_down.undo()
    counts = at_once(outbox.relay)
    assert sum(counts) == 20
    assert sorted(RAN) == list(range(20))


def test_a_transactions_messages_go_out_together_after_its_commit(transactional_db):
    """Registration day: the messages one transaction wrote are inserted without savepoints, then
    claimed by one UPDATE and sent from memory, not read back one relay at a time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        outbox.enqueue("tests.outbox_probe", 1)
        outbox.enqueue("tests.outbox_probe", 2, key="form:2")
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s not in ("BEGIN", "COMMIT")] == ["INSERT", "INSERT", "UPDATE"], (
        statements
    )
    assert RAN == [1, 2]
    assert list(OutboxMessage.objects.values_list("attempts", "last_error")) == [(1, ""), (1, "")]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_broker_failure_midway_keeps_what_failed_and_marks_what_went(transactional_db, monkeypatch):
    task = current_app.tasks["tests.outbox_probe"]
    real = task.apply_async

    def refuse_the_second(*args, **kwargs):
        if kwargs.get("args") == [2]:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return real(*args, **kwargs)

    monkeypatch.setattr(task, "apply_async", refuse_the_second)
    with transaction.atomic():
        outbox.enqueue("tests.outbox_probe", 1)
        outbox.enqueue("tests.outbox_probe", 2)
        outbox.enqueue("tests.outbox_probe", 3)
    first, second, third = OutboxMessage.objects.order_by("pk")
    assert first.sent_at is not None and RAN == [1]
    assert second.sent_at is None and second.attempts == 1 and "Connection refused" in second.last_error
    assert third.sent_at is None and third.attempts == 0  # waits for the next relay, as relay() stops too
    monkeypatch.undo()
    assert outbox.relay() == 2 and RAN == [1, 2, 3]
