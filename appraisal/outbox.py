"""The transactional outbox: work after a commit that survives a broker outage and runs once.

A service that needs a task after its change calls `enqueue(...)` inside its transaction; the
message is a row of that transaction, so it exists exactly when the change does. After the commit
`relay()` hands pending messages to Celery: at once (best effort, in the request), and again every
half minute from Celery beat (`appraisal.relay_outbox`), so messages written while the broker was
down go out when it is back. Tasks must be idempotent: a message can be relayed twice if the relay
dies between sending and marking it sent, and Celery redelivers a task whose worker died (late
acknowledgement).

A task whose later arguments are secrets (the 忘记密码 code) declares how many leading ones the row
may keep (`outbox_keep_args=n` in its decorator): once the broker has the message, the row keeps
those and the rest are blanked, so the month of sent rows (and the admin) hold no secret. Nothing
reads a sent row's arguments again: the outbox never relays it twice, and a redelivery comes from
the broker's copy."""

from __future__ import annotations

import logging

from celery import current_app
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from appraisal.models import OutboxMessage

logger = logging.getLogger(__name__)
RELAY_BATCH = 200


def enqueue(task: str, *args, key: str = "") -> OutboxMessage | None:
    """Record `task(*args)` to run after the current transaction commits. With a `key`, a message
    still pending under that key stands for this one too (None is returned)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue() belongs inside the transaction of the change that needs it")
    try:
        # A savepoint: a message already pending under the key (the unique constraint) is no error.
        with transaction.atomic():
            message = OutboxMessage.objects.create(task=task, args=list(args), key=key)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: relay(only=[message.pk]), robust=True)
    return message


def _task(name: str):
    """The registered task; in a web process the apps' tasks modules may not be imported yet."""
    try:
        return current_app.tasks[name]
    except KeyError:  # celery.exceptions.NotRegistered
        current_app.loader.import_default_modules()  # Celery's autodiscovery of every app's tasks
        return current_app.tasks[name]


def relay(*, only: list[int] | None = None, batch: int = RELAY_BATCH) -> int:
    """Send pending messages to the broker, oldest first; returns how many went. Stops at the first
    failure (the broker is down: the rest would fail too) and leaves it for the next relay."""
    sent = 0
    with transaction.atomic():
        pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
        if only is not None:
            pending = pending.filter(pk__in=only)
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)  # two relays never send one message twice
        for message in pending[:batch]:
            message.attempts += 1
            try:
                task = _task(message.task)
                task.apply_async(args=message.args)
            except Exception as exc:  # the broker's errors vary by transport; all mean "not now"
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: %s not sent, will retry: %s", message, message.last_error)
                break
            message.sent_at = timezone.now()
            message.last_error = ""
            fields = ["attempts", "last_error", "sent_at"]
            if _redact(message, getattr(task, "outbox_keep_args", None)):
                fields.append("args")
            message.save(update_fields=fields)
            sent += 1
    return sent


def _redact(message: OutboxMessage, keep: int | None) -> bool:
    """Blank the arguments after the first `keep` of a relayed message (None: keep them all)."""
    if keep is None or len(message.args) <= keep:
        return False
    message.args = [*message.args[:keep], *[""] * (len(message.args) - keep)]
    return True


def purge_sent(*, older_than_days: int = 30) -> int:
    """Sent messages are kept a while for tracing, then removed."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
