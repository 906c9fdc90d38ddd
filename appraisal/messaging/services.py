"""notify(): tell a person about an event, in the transaction of the change.

The in-app message is a row of that transaction, so it exists exactly when the change does; the
database keeps one per person and event. SMS and e-mail go out after the commit through the outbox
(appraisal/outbox.py) and the task `appraisal.deliver_messages`, once: a broker outage delays them,
a failing provider is retried by the next relay of the event, and the action never waits for them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from appraisal import outbox
from appraisal.messaging.models import ChannelPreference, Message

DELIVERY_TASK = "appraisal.deliver_messages"


def _delivery_key(event: str) -> str:
    return f"{DELIVERY_TASK}:{event}"[:200]


def notify_many(recipients: Iterable, *, kind: str, event: str, title: str, body: str = "",
                link: str = "") -> list[Message]:
    """One message per recipient (users or user ids) for `event`, in a few queries whatever their
    number; those already told about it are skipped. Must run inside the transaction of the change.
    Returns the messages written (unsaved copies: bulk inserts give no ids on every database)."""
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    entries = [{"recipient": pk, "event": event, "title": title, "body": body, "link": link} for pk in ids]
    return _write(kind, entries)


def notify_each(*, kind: str, entries: Iterable[dict]) -> int:
    """Many events at once, each to its own person with its own text (a session's admission tickets,
    a batch of certificates): `entries` are dicts of recipient, event, title, body, link. In a few
    queries whatever their number; one delivery task for all. Returns how many were written."""
    return len(_write(kind, entries))


def _write(kind: str, entries) -> list[Message]:
    entries = [e for e in entries if e.get("recipient") is not None]
    if not entries:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() belongs inside the transaction of the change it reports")
    events = sorted({e["event"] for e in entries})
    told = set(Message.objects.filter(event__in=events).values_list("recipient_id", "event"))
    rows = {}
    for e in entries:
        recipient_id = getattr(e["recipient"], "pk", e["recipient"])
        if (recipient_id, e["event"]) not in told:
            rows[(recipient_id, e["event"])] = Message(
                recipient_id=recipient_id, kind=kind, event=e["event"], title=str(e["title"])[:200],
                body=str(e.get("body", "")), link=str(e.get("link", ""))[:500])
    if not rows:
        return []
    # A concurrent writer of one of the events: the constraint decides (ON CONFLICT DO NOTHING never
    # fails the transaction, so no savepoint).
    Message.objects.bulk_create(rows.values(), batch_size=500, ignore_conflicts=True)
    _deliver_after_commit(sorted({event for _recipient, event in rows}))
    return list(rows.values())


def notify_new_event(*, event: str, entries: Iterable[dict]) -> int:
    """The messages of an event that happened in this transaction (its name carries the id of a row
    the transaction just wrote, such as the audit row of a submission), each entry with its own
    recipient, kind, title, body and link: nobody can have been told of it yet, so there is no
    lookup of who was; one INSERT for all and one delivery. The database's one-per-person-and-event
    still holds (a duplicate is skipped). Returns how many were written. A submission's messages
    are on registration day's busiest request, hence the fewest statements."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() belongs inside the transaction of the change it reports")
    rows = {}
    for e in entries:
        recipient_id = getattr(e["recipient"], "pk", e["recipient"])
        if recipient_id is not None and recipient_id not in rows:
            rows[recipient_id] = Message(
                recipient_id=recipient_id, kind=e["kind"], event=event, title=str(e["title"])[:200],
                body=str(e.get("body", "")), link=str(e.get("link", ""))[:500])
    if not rows:
        return 0
    Message.objects.bulk_create(rows.values(), ignore_conflicts=True)
    _deliver_after_commit([event])
    return len(rows)


def _deliver_after_commit(events: list[str]) -> None:
    key = _delivery_key(events[0]) if len(events) == 1 else ""  # one event: one pending delivery
    outbox.enqueue(DELIVERY_TASK, *events, key=key)


def notify(recipient, *, kind: str, event: str, title: str, body: str = "", link: str = "") -> Message | None:
    """One message to one person (see notify_many); None when they were already told."""
    recipient_id = getattr(recipient, "pk", recipient)
    if recipient_id is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() belongs inside the transaction of the change it reports")
    try:
        with transaction.atomic():  # told already (now or by a concurrent writer): the constraint decides
            message = Message.objects.create(recipient_id=recipient_id, kind=kind, event=event,
                                             title=str(title)[:200], body=str(body), link=str(link)[:500])
    except IntegrityError:
        return None
    _deliver_after_commit([event])
    return message


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(message: Message, *, user) -> Message:
    """The recipient opened it; the first opening counts."""
    if message.recipient_id != user.pk:
        raise Message.DoesNotExist
    if message.read_at is None:
        message.read_at = timezone.now()
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def mark_all_read(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_for(user) -> ChannelPreference:
    """The person's channel choice (unsaved defaults when they never chose)."""
    try:
        return user.channel_preference
    except ChannelPreference.DoesNotExist:
        return ChannelPreference(user=user)


def set_preferences(*, user, sms: bool, email: bool, email_address: str | None = None) -> ChannelPreference:
    """A person chooses their channels; e-mail needs an address (a Chinese error otherwise)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils.translation import gettext as _

    from appraisal.models import User

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if email_address is not None:
            email_address = email_address.strip()
            if email_address:
                try:
                    validate_email(email_address)
                except ValidationError:
                    raise ValidationError({"email_address": _("请输入有效的电子邮件地址。")}) from None
            locked.email = email_address
            locked.save(update_fields=["email"])
        if email and not locked.email:
            raise ValidationError({"email": _("选择电子邮件通知时请填写电子邮件地址。")})
        if sms and not locked.phone:
            raise ValidationError({"sms": _("您没有登记手机号，不能选择短信通知。")})
        preference, _created = ChannelPreference.objects.update_or_create(
            user=locked, defaults={"sms": sms, "email": email})
    user.email = locked.email
    return preference


def clerks_of(centers) -> list[int]:
    """The active clerks (center staff and province administrators) of these centers: whom a
    center's alert goes to."""
    from appraisal.gates import CLERKS
    from appraisal.models import User

    ids = [getattr(c, "pk", c) for c in centers if c is not None]
    return list(User.objects.filter(center_id__in=ids, role__in=CLERKS, is_active=True).values_list("pk", flat=True))
