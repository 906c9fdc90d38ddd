"""The unread count in the header: one indexed COUNT, run only when a template shows it.

It is read from the database, not the cache: the count changes with every message and every
opening, and the page must not depend on Redis (a cache outage would otherwise show a wrong
badge or fail). The partial index `message_unread` keeps the query cheap."""

from django.db import DatabaseError


def _count(user):
    from appraisal.messaging.services import unread_count

    try:
        return unread_count(user)
    except DatabaseError:  # the header never breaks a page
        return 0


class UnreadCount:
    """The count, asked for once when a template first reads it."""

    def __init__(self, user):
        self._user = user
        self._value = None

    def __int__(self):
        if self._value is None:
            self._value = _count(self._user)
        return self._value

    def __bool__(self):
        return int(self) > 0

    def __str__(self):
        return str(int(self))


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": UnreadCount(user)}
