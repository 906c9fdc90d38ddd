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


def deliver_event(*events: str) -> int:
    """Send the undelivered messages of these events on each recipient's channels; returns how many were
    handled. A message is marked in the transaction that sends it: a second run finds nothing, and
    a provider that fails rolls the mark back, so the next relay tries again."""
    handled = 0
    with transaction.atomic():
        pending = Message.objects.filter(event__in=events, delivered_at__isnull=True).select_related(
            "recipient", "recipient__channel_preference")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        messages = list(pending)
        sms = []
        for message in messages:
            user = message.recipient
            preference = preference_for(user)
            channels = []
            if preference.sms and user.phone:
                sms.append(SmsMessage(phone=user.phone, text=sms_text(message)))
                channels.append("sms")
            if preference.email and user.email:
                body = message.body + (f"\n\n{_absolute(message.link)}" if message.link else "")
                send_mail(f"{settings.SMS_SIGNATURE}：{message.title}", body, None, [user.email])
                channels.append("email")
            message.channels = ",".join(channels)
            message.delivered_at = timezone.now()
        if sms:
            get_sms_backend().send_messages(sms)
        Message.objects.bulk_update(messages, ["channels", "delivered_at"])
        handled = len(messages)
    return handled


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
