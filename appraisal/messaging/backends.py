"""SMS backends, chosen in settings like Django's EMAIL_BACKEND (`SMS_BACKEND`, a dotted path).

The interface a real provider's adapter implements (docs/messaging.md):

    class MyProviderBackend(BaseSmsBackend):
        def send_messages(self, messages: list[SmsMessage]) -> int:
            ...  # call the provider; return how many it accepted; raise on a failure to retry

E-mail uses Django's own EMAIL_BACKEND (console by default)."""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    """Send text messages. `fail_silently` as in Django's mail backends: when true, a provider's
    error is swallowed and 0 returned; when false (delivery from the task) it is raised, so the
    message stays undelivered and is tried again."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError("an SMS backend implements send_messages(messages) -> int")


class ConsoleSmsBackend(BaseSmsBackend):
    """The default: writes each message to standard output (development, the embedded demo)."""

    stream = None
    _lock = threading.Lock()

    def send_messages(self, messages):
        stream = self.stream or sys.stdout
        with self._lock:
            for message in messages:
                stream.write(f"[短信 {timezone.now():%Y-%m-%d %H:%M:%S}] {message.phone}: {message.text}\n")
            stream.flush()
        return len(messages)


class FileSmsBackend(ConsoleSmsBackend):
    """Appends each message to SMS_FILE_PATH (a file staff or a test can read)."""

    def send_messages(self, messages):
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Phone numbers and reset codes: readable by the service's own user only (as stored PDFs are).
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with self._lock, open(descriptor, "a", encoding="utf-8") as stream:
            for message in messages:
                stream.write(f"[短信 {timezone.now():%Y-%m-%d %H:%M:%S}] {message.phone}: {message.text}\n")
        return len(messages)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in `LocmemSmsBackend.outbox` (tests), like Django's locmem mail backend."""

    outbox: list[SmsMessage] = []

    def send_messages(self, messages):
        LocmemSmsBackend.outbox.extend(messages)
        return len(messages)


def get_sms_backend(fail_silently: bool = False) -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)(fail_silently=fail_silently)


def send_sms(phone: str, text: str, *, fail_silently: bool = False) -> int:
    return get_sms_backend(fail_silently).send_messages([SmsMessage(phone=phone, text=text)])
