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
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from appraisal.models import OutboxMessage

logger = logging.getLogger(__name__)
RELAY_BATCH = 200


def enqueue(task: str, *args, key: str = "") -> OutboxMessage | None:
    """Record `task(*args)` to run after the current transaction commits. With a `key`, a message
    still pending under that key stands for this one too (None is returned)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue() belongs inside the transaction of the change that needs it")
    message = OutboxMessage(task=task, args=list(args), key=key, created_at=timezone.now())
    message.pk = _insert(message)
    if message.pk is None:
        return None
    _relay_after_commit(message)
    return message


def _insert(message: OutboxMessage) -> int | None:
    """One INSERT … ON CONFLICT DO NOTHING RETURNING: the id, or None when a message is already
    pending under the key. Neither a savepoint nor a second statement: a registration day's submit
    writes two of these. (The ORM's ignore_conflicts returns no ids.)"""
    fields = [
        OutboxMessage._meta.get_field(name)
        for name in ("task", "args", "key", "created_at", "attempts", "last_error")
    ]
    connection = transaction.get_connection()
    values = [field.get_db_prep_save(getattr(message, field.attname), connection) for field in fields]
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608 (names from the model)
            f"ON CONFLICT DO NOTHING RETURNING {connection.ops.quote_name('id')}",
            values,
        )
        row = cursor.fetchone()
    return row[0] if row else None


class _RelayAfterCommit:
    """The relay of the messages one transaction wrote, once after its commit. They are claimed by
    one UPDATE (its row locks keep a concurrent relay away: relay() skips locked rows) and sent from
    memory, so the request pays one statement, not a locked read and an update per message. One of
    them sent meanwhile by another relay falls back to relay(); a broker error un-claims the failed
    message (with its error) and those after it, for the next relay."""

    def __init__(self, message: OutboxMessage):
        self.messages = [message]

    def __call__(self):
        ids = [message.pk for message in self.messages]
        try:
            with transaction.atomic():
                claimed = OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).update(
                    sent_at=timezone.now(), last_error="", attempts=F("attempts") + 1
                )
                if claimed != len(ids):
                    raise _Contended  # nothing published yet: the claim is rolled back
                published = 0
                for message in self.messages:
                    # Each failure is caught here, inside the claim, never by rolling the claim back:
                    # with eager tasks (the embedded default) the task has run in this transaction and
                    # its own marks (a message delivered by e-mail) must stay.
                    try:
                        _task(message.task).apply_async(args=message.args)
                    except Exception as exc:  # the broker's errors vary by transport; all mean "not now"
                        self._not_sent(message, exc, self.messages[published + 1:])
                        break
                    published += 1
                _redact_sent(self.messages[:published])
        except _Contended:
            relay(only=ids)

    @staticmethod
    def _not_sent(failed: OutboxMessage, exc: Exception, rest) -> None:
        """Undo the claim of the failed message (keeping its attempt and error) and of those after it
        (as if never tried): the next relay sends them."""
        failed.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        OutboxMessage.objects.filter(pk=failed.pk).update(sent_at=None, last_error=failed.last_error)
        if rest:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in rest]).update(
                sent_at=None, attempts=F("attempts") - 1)
        logger.warning("outbox: %s not sent, will retry: %s", failed, failed.last_error)


class _Contended(Exception):
    """Another relay sent one of the messages first."""


def _relay_after_commit(message: OutboxMessage) -> None:
    connection = transaction.get_connection()
    current = set(connection.savepoint_ids)
    for sids, callback, _robust in connection.run_on_commit:
        # Joined only at the same savepoint depth, in the same savepoint: that relay is still to run
        # (a rolled-back savepoint drops its callbacks) and belongs to this block, which is what a
        # test capturing a block's callbacks sees. A message whose row was rolled back since makes
        # the claim fall short: relay() then sends what exists.
        if isinstance(callback, _RelayAfterCommit) and sids == current:
            callback.messages.append(message)
            return
    transaction.on_commit(_RelayAfterCommit(message), robust=True)


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
        sent_messages = []
        for message in pending[:batch]:
            try:
                task = _task(message.task)
                task.apply_async(args=message.args)
            except Exception as exc:  # the broker's errors vary by transport; all mean "not now"
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("outbox: %s not sent, will retry: %s", message, message.last_error)
                break
            sent_messages.append(message)
        if sent_messages:  # one UPDATE for the batch, in the transaction that holds their locks
            OutboxMessage.objects.filter(pk__in=[m.pk for m in sent_messages]).update(
                sent_at=timezone.now(), last_error="", attempts=F("attempts") + 1
            )
            _redact_sent(sent_messages)
        sent = len(sent_messages)
    return sent


def _redact_sent(messages) -> None:
    """Blank the arguments after the first `outbox_keep_args` of each relayed message whose task
    declares it (rare: the 忘记密码 code), one UPDATE each; the others keep their arguments."""
    for message in messages:
        keep = getattr(_task(message.task), "outbox_keep_args", None)
        if keep is not None and len(message.args) > keep:
            OutboxMessage.objects.filter(pk=message.pk).update(
                args=[*message.args[:keep], *[""] * (len(message.args) - keep)])


def purge_sent(*, older_than_days: int = 30) -> int:
    """Sent messages are kept a while for tracing, then removed."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
