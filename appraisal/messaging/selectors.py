"""Reads of the 消息 pages. A person sees only their own messages: another person's is
`Message.DoesNotExist`, so its number reveals nothing (a 404, never a 403)."""

from __future__ import annotations

from django.db.models import QuerySet

from appraisal.messaging.models import Message


def inbox(user) -> QuerySet[Message]:
    """The person's messages, newest first, with only what the list shows (the body stays behind)."""
    return Message.objects.filter(recipient=user).only("pk", "kind", "title", "created_at", "read_at")


def message_for(user, pk) -> Message:
    """One of the person's own messages, or `Message.DoesNotExist`."""
    return Message.objects.get(pk=pk, recipient=user)
