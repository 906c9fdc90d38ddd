"""Candidate accounts: sign-up, accounts created by a center, and the initial passwords it hands out."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import (
    Role,
    User,
)
from registration.services.eligibility import PHONE_PATTERN, identity_errors, phone_message, validate_identity

# --- Candidates -----------------------------------------------------------------------------


@transaction.atomic
def register_candidate(
    *, full_name, id_number, phone, password, region=None, school=None, employer_body=None, employer_name="",
    graduation_date=None,
) -> User:
    """A candidate signs up; the ID number is the login name (validated, unique)."""
    errors = {}
    try:
        # The same identity rules as the 申报表 (future birth date, under 16): an account that could
        # never apply is refused now, not after the candidate has filled the whole form.
        id_number = validate_identity(id_number=id_number, birth_month=None, gender=None)
    except ValidationError as exc:
        errors["id_number"] = identity_errors(exc).get("id_number", exc.messages)
    else:
        if User.objects.filter(Q(id_number=id_number) | Q(username=id_number)).exists():
            errors["id_number"] = [_("该身份证号已注册，请直接登录。")]
    if not (full_name or "").strip():
        errors["full_name"] = [_("请填写姓名。")]
    if phone and not PHONE_PATTERN.match(phone.strip()):
        errors["phone"] = [phone_message()]
    if region is None and school is None and employer_body is None:
        errors["region"] = [_("请选择所在地区。")]
    if errors:
        raise ValidationError(errors)
    user = User(
        username=id_number, full_name=full_name.strip(), id_number=id_number, phone=phone, role=Role.CANDIDATE,
        region=region, school=school, employer_body=employer_body, employer_name=employer_name,
        graduation_date=graduation_date,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same ID number signed up a moment ago (two tabs, two phones)
        raise ValidationError({"id_number": [_("该身份证号已注册，请直接登录。")]}) from exc
    return user


# --- staff: password reset ---

# Letters and digits without the look-alikes 0/O/o, 1/l/I/i: read out loud or copied from a screen.
INITIAL_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
INITIAL_PASSWORD_LENGTH = 10


def new_initial_password() -> str:
    """A random 10-character password with at least one letter and one digit."""
    from django.utils.crypto import get_random_string

    while True:
        password = get_random_string(INITIAL_PASSWORD_LENGTH, INITIAL_PASSWORD_CHARS)
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def reset_candidate_password(*, actor: User, candidate: User) -> str:
    """The center gives a candidate a new password (imported candidates have none; others forget
    theirs). Only center staff and province administrators who may act for the candidate (ORG-8:
    their region, school or employer, or an application at a center in scope). Returns the new
    password, to be shown once: it is stored only as a hash. Every session of the candidate ends."""
    if not authority.can_manage_candidate(actor, candidate):
        raise PermissionDenied(_("您无权为该考生重置密码。"))
    password = new_initial_password()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=candidate.pk, role=Role.CANDIDATE)
        locked.set_password(password)
        locked.save(update_fields=["password"])
    candidate.password = locked.password
    return password
