"""A candidate resets their own password (忘记密码): ID number and registered phone, a six-digit code
by SMS, then a new password. Staff keep the hand-out flow (a center resets it for them).

Nothing tells whether an ID number is registered: a request writes the same row and queues the same
task whether or not it matches an account (the task sends only to a match), and every wrong answer
gets the same message. Codes are stored hashed (the project's password hasher, so every request
costs the same), good for RESET_CODE_MINUTES and RESET_CODE_MAX_ATTEMPTS tries."""

from __future__ import annotations

import datetime
import secrets

from axes.utils import reset as reset_axes_attempts
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import outbox
from appraisal.idnumbers import normalize_id_number
from appraisal.messaging.backends import send_sms
from appraisal.messaging.models import PasswordResetCode
from appraisal.models import Role, User

CODE_MINUTES = 10
MAX_ATTEMPTS = 5


def code_minutes() -> int:
    return getattr(settings, "RESET_CODE_MINUTES", CODE_MINUTES)


def max_attempts() -> int:
    return getattr(settings, "RESET_CODE_MAX_ATTEMPTS", MAX_ATTEMPTS)


def bad_code_message() -> str:
    return _("验证码不正确或已失效，请核对或重新获取验证码。")


def too_many_message() -> str:
    return _("验证码输入错误次数过多，请重新获取验证码。")


def _digits(phone: str) -> str:
    return "".join(ch for ch in (phone or "") if ch.isdigit())


def normalized_id_number(value: str) -> str:
    """The ID number as stored, or the upper-cased input when it is malformed (the key of the
    per-number rate limit either way; a malformed number simply matches nobody)."""
    try:
        return normalize_id_number(value)
    except ValidationError:
        return (value or "").strip().upper()[:18]


def _matching_candidate(id_number: str, phone: str) -> User | None:
    user = User.objects.filter(role=Role.CANDIDATE, id_number=id_number, is_active=True).first()
    if user is None or not _digits(phone) or _digits(user.phone) != _digits(phone):
        return None
    return user


def request_code(*, id_number: str, phone: str) -> str:
    """Start a reset; returns the request's token (kept in the visitor's session). The same work and
    the same answer for a match and a miss."""
    user = _matching_candidate(normalized_id_number(id_number), phone)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        row = PasswordResetCode.objects.create(
            token=secrets.token_urlsafe(32), user=user, code_hash=make_password(code),
            expires_at=timezone.now() + datetime.timedelta(minutes=code_minutes()),
        )
        # After the commit, by the worker: the SMS provider never holds up the page.
        outbox.enqueue("appraisal.send_reset_code", row.pk, code)
    return row.token


def send_code(reset_id: int, code: str) -> bool:
    """The task: text the code to the account's phone, once, while it is still good."""
    with transaction.atomic():
        row = (PasswordResetCode.objects.select_for_update(of=("self",)).select_related("user")
               .filter(pk=reset_id, used_at__isnull=True, expires_at__gt=timezone.now()).first())
        if row is None or row.user is None or not check_password(code, row.code_hash):
            return False
        text = _("【%(sign)s】您正在找回密码，验证码%(code)s，%(minutes)d分钟内有效。如非本人操作，请忽略。") % {
            "sign": settings.SMS_SIGNATURE, "code": code, "minutes": code_minutes()}
        send_sms(row.user.phone, text)
        # The code is good for one message: a second delivery of the task finds it spent.
        PasswordResetCode.objects.filter(pk=row.pk).update(code_hash=row.code_hash + "#sent")
    return True


def _code_matches(code: str, stored: str) -> bool:
    return check_password((code or "").strip(), stored.removesuffix("#sent"))


def reset_password(*, token: str, code: str, password1: str, password2: str) -> User:
    """Check the code (counting the try, committed even when it is wrong) and set the new password
    with the usual validators. Refuses with a Chinese ValidationError on the field it concerns."""
    now = timezone.now()
    with transaction.atomic():
        row = PasswordResetCode.objects.select_for_update(of=("self",)).select_related("user").filter(token=token or "").first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise ValidationError({"code": bad_code_message()})
        if row.attempts >= max_attempts():
            raise ValidationError({"code": too_many_message()})
        row.attempts += 1
        row.save(update_fields=["attempts"])
        good = _code_matches(code, row.code_hash) and row.user is not None
    if not good:
        raise ValidationError({"code": too_many_message() if row.attempts >= max_attempts() else bad_code_message()})
    if password1 != password2:
        raise ValidationError({"password2": _("两次输入的新密码不一致。")})
    try:
        validate_password(password1, user=row.user)  # the site's validators, in Chinese
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    with transaction.atomic():
        locked = PasswordResetCode.objects.select_for_update().get(pk=row.pk)
        if locked.used_at is not None:
            raise ValidationError({"code": bad_code_message()})
        user = User.objects.select_for_update().get(pk=row.user_id)
        user.set_password(password1)
        user.save(update_fields=["password"])
        # This code and every other open request of the account are spent.
        PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        end_lockout(user)
    return user


def end_lockout(user: User) -> int:
    """A reset proves the account's owner, so django-axes' lock and failure count end with it and the
    new password works at once. Axes counts by the name typed at the login (AXES_LOCKOUT_PARAMETERS):
    a candidate's username is their ID number, and both are cleared in case they differ."""
    names = {name for name in (user.get_username(), user.id_number) if name}
    return sum(reset_axes_attempts(username=name) for name in names)


def purge(*, older_than_hours: int = 24) -> int:
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
    deleted, _rows = PasswordResetCode.objects.filter(created_at__lt=cutoff).delete()
    return deleted
