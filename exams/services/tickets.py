"""Admission tickets stored as one PDF per session (EXAM-4): the Celery task's write and its queueing.
What a ticket prints and how it is rendered is exams.tickets."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from appraisal import outbox
from exams.models import ExamSession
from exams.services.common import require_manager
from exams.tickets import render_tickets, session_ticket_seats

TICKET_DIR = "tickets"


def stored_name(session_id: int) -> str:
    return f"{TICKET_DIR}/session-{session_id}.pdf"


def store_session_tickets(session_id: int) -> str:
    """Render every ticket of a session as one PDF and store it as tickets/session-<id>.pdf,
    overwriting the previous file. Returns the name, or "" when the session is gone or has no seats."""
    session = ExamSession.objects.filter(pk=session_id).first()
    if session is None:
        return ""
    seats = list(session_ticket_seats(session))
    if not seats:
        return ""
    content = render_tickets(seats)
    name = stored_name(session_id)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def stored_session_tickets(session_id: int) -> tuple[str, datetime.datetime] | None:
    """(name, time written) of the stored PDF of a session's tickets, or None."""
    name = stored_name(session_id)
    if not default_storage.exists(name):
        return None
    try:
        written = default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        written = None
    return name, written


def queue_session_tickets(*, session: ExamSession, actor) -> None:
    """Queue the rendering of a (large) session's tickets into one stored PDF, through the outbox
    (a broker outage delays it, never loses it; a second click while one is pending adds nothing);
    only a manager of the session's center may."""
    require_manager(actor, session.center)
    with transaction.atomic():
        outbox.enqueue("exams.render_session_tickets", session.pk, key=f"exams.render_session_tickets:{session.pk}")
