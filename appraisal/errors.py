"""One error path. Services raise Django's `ValidationError` and `PermissionDenied`, and a scoped
read that finds nothing raises `DoesNotExist`; this module turns them into answers:

- `api_exception_handler` (DRF's EXCEPTION_HANDLER) gives the API's 400 / 403 / 404 with the Chinese
  message, in DRF's usual error bodies;
- `add_service_errors` shows a service's ValidationError on an HTML form, on its fields.
"""

import functools

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler

NOT_FOUND_MESSAGE = "记录不存在或您无权查看。"


@functools.cache
def _model_of(does_not_exist: type) -> type | None:
    for model in apps.get_models():
        if model.DoesNotExist is does_not_exist:
            return model
    return None


def not_found_message(exc: ObjectDoesNotExist) -> str:
    """What the user reads when a scoped read found nothing: the model's own `not_found_message`
    where it has one (say, 申报不存在或您无权查看。), else the generic one."""
    model = _model_of(type(exc))
    return str(getattr(model, "not_found_message", None) or _(NOT_FOUND_MESSAGE))


def as_drf_exception(exc: Exception) -> Exception:
    """The DRF exception for a Django one (or the exception itself)."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return exceptions.ValidationError(detail)
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        # A bare list (DRF's SearchFilter refusing a NUL in ?search=) answers in the documented shape.
        return exceptions.ValidationError({"detail": exc.detail})
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ObjectDoesNotExist):
        return exceptions.NotFound(not_found_message(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or _(NOT_FOUND_MESSAGE))
    return exc


def api_exception_handler(exc, context):
    """DRF's handler, after mapping Django's errors onto DRF's (HackSoft's shape)."""
    return exception_handler(as_drf_exception(exc), context)


def messages_of(exc: DjangoValidationError) -> str:
    """All messages of an error as one Chinese sentence."""
    return "；".join(str(m).rstrip("。") for m in exc.messages) + "。"


def add_service_errors(form, exc: DjangoValidationError, aliases: dict | None = None, *, joined=False) -> None:
    """Show a service's ValidationError on `form`: on the field it names where the form has that
    field (`aliases` maps a service's field name to the form's), else at the top of the form, one
    line per message or, `joined`, as one sentence."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, messages_of(exc) if joined else exc.messages)
        return
    aliases = aliases or {}
    for field, errors in exc.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def report_outcome(request, action, success, *, one_sentence: bool = True) -> bool:
    """For an action page: run `action()` (a service call); its refusal becomes the error message
    shown on the next page, else `success` (a text, or a function of the action's result) the
    success message. Returns whether it succeeded. `one_sentence=False` joins the refusal's
    messages as they are, with "；"."""
    from django.contrib import messages

    try:
        result = action()
    except DjangoValidationError as exc:
        messages.error(request, messages_of(exc) if one_sentence else "；".join(exc.messages))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
