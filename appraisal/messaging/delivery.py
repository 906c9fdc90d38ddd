"""Sending an event's messages by SMS and e-mail (the task appraisal.deliver_messages), once."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from appraisal.messaging.backends import SmsMessage, get_sms_backend
from appraisal.messaging.models import Message
from appraisal.messaging.services import preference_for

logger = logging.getLogger(__name__)


def _absolute(link: str) -> str:
    base = getattr(settings, "PUBLIC_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{link}" if link.startswith("/") and base else link


def sms_text(message: Message) -> str:
    text = f"【{settings.SMS_SIGNATURE}】{message.title}"
    if message.body:
        text += f"：{message.body}"
    return text[: settings.SMS_MAX_LENGTH]


SMS, EMAIL = "sms", "email"
SMS_BATCH = 100  # texts per provider call and per transaction: a failure leaves at most this many unmarked
_MARKED = ["sms_sent_at", "email_sent_at", "channels", "delivered_at"]


def _locked(events, **filters):
    """The undelivered messages of these events, locked for this transaction. Rows another worker
    holds are skipped: it is sending them, and the message goes out once."""
    rows = (Message.objects.filter(event__in=events, delivered_at__isnull=True, **filters)
            .select_related("recipient", "recipient__channel_preference").order_by("pk"))
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows


def _chosen(message: Message) -> set[str]:
    """The channels the person wants and can be reached on, as of now."""
    user = message.recipient
    preference = preference_for(user)
    chosen = set()
    if preference.sms and user.phone:
        chosen.add(SMS)
    if preference.email and user.email:
        chosen.add(EMAIL)
    return chosen


def _sent(message: Message) -> set[str]:
    return {c for c, at in ((SMS, message.sms_sent_at), (EMAIL, message.email_sent_at)) if at}


def _mark(message: Message, channel: str | None, now) -> bool:
    """Record that `channel` went out (None: nothing sent now); the message is delivered once every
    chosen channel is done. Returns whether it became delivered."""
    if channel:
        setattr(message, f"{channel}_sent_at", now)
    sent = _sent(message)
    message.channels = ",".join(c for c in (SMS, EMAIL) if c in sent)
    if _chosen(message) <= sent:
        message.delivered_at = now
        return True
    return False


def _send_sms(events) -> int:
    """The texts, a batch per transaction: the batch's marks commit with it, and a provider
    failure rolls back only the marks of the batch it did not take."""
    delivered, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(_locked(events, sms_sent_at__isnull=True, pk__gt=after)[:SMS_BATCH])
            if not batch:
                return delivered
            after = batch[-1].pk
            wanted = [m for m in batch if SMS in _chosen(m)]
            if wanted:
                get_sms_backend().send_messages([SmsMessage(phone=m.recipient.phone, text=sms_text(m))
                                                 for m in wanted])
                now = timezone.now()
                delivered += sum(_mark(m, SMS, now) for m in wanted)
                Message.objects.bulk_update(wanted, _MARKED)


def _send_emails(events) -> tuple[int, Exception | None]:
    """Each e-mail in a transaction of its own, marked as soon as it went out: a failure part-way
    leaves those before it sent and marked. A failing address does not hold back the others; the
    first failure is returned so that the run still counts as failed and is retried."""
    delivered, failure = 0, None
    # Only those who chose e-mail (no preference row: e-mail off); checked again under the lock.
    pending = list(Message.objects.filter(event__in=events, delivered_at__isnull=True, email_sent_at__isnull=True,
                                          recipient__channel_preference__email=True)
                   .exclude(recipient__email="").order_by("pk").values_list("pk", flat=True))
    for pk in pending:
        try:
            with transaction.atomic():
                message = _locked(events, pk=pk, email_sent_at__isnull=True).first()
                if message is None or EMAIL not in _chosen(message):
                    continue
                body = message.body + (f"\n\n{_absolute(message.link)}" if message.link else "")
                send_mail(f"{settings.SMS_SIGNATURE}：{message.title}", body, None, [message.recipient.email])
                delivered += _mark(message, EMAIL, timezone.now())
                message.save(update_fields=_MARKED)
        except Exception as exc:  # this one stays unmarked for the retry; the others go on
            logger.warning("e-mail of message %s not sent, will retry", pk, exc_info=True)
            failure = failure or exc
    return delivered, failure


def _close(events) -> int:
    """Messages with nothing (left) to send: in-app only, or the person changed their choice."""
    with transaction.atomic():
        messages = list(_locked(events))
        now = timezone.now()
        done = [m for m in messages if _mark(m, None, now)]
        Message.objects.bulk_update(done, _MARKED)
    return len(done)


def deliver_event(*events: str) -> int:
    """Send the undelivered messages of these events on each recipient's channels; returns how many
    became delivered. Each channel of each message is marked in the short transaction that sent it
    and skipped once marked, so a retry sends only what failed, and two workers never send the same
    message (they skip each other's locked rows). A provider failure is raised after the other
    channel had its turn: the outbox keeps the task and beat's stragglers job retries the rest."""
    failure = None
    try:
        delivered = _send_sms(events)
    except Exception as exc:
        logger.warning("SMS of %s not sent, will retry", events, exc_info=True)
        delivered, failure = 0, exc
    by_email, email_failure = _send_emails(events)
    delivered += by_email + _close(events)
    failure = failure or email_failure
    if failure is not None:
        raise failure
    return delivered


def deliver_stragglers(*, older_than_minutes: int = 5, limit: int = 200) -> int:
    """Celery beat: events whose SMS or e-mail failed in the worker (the provider was down) are
    tried again; returns how many events were handled."""
    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    events = (Message.objects.filter(delivered_at__isnull=True, created_at__lt=cutoff)
              .values_list("event", flat=True).distinct()[:limit])
    done = 0
    for event in list(events):
        try:
            deliver_event(event)
        except Exception:  # one provider failure must not stop the others; the next run retries
            logger.warning("messages of %s not delivered, will retry", event, exc_info=True)
            continue
        done += 1
    return done
