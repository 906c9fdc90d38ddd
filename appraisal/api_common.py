"""What every app's API shares so that its schema tells the truth: lists filter by related ids as
whole numbers (an id nobody has gives an empty list, a fraction or a word is a 400), booleans are
true or false, a filter given empty is refused, and page numbers start at 1."""

import copy
import re

from django import forms
from django.db import models
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class BoundedIntegerField(forms.IntegerField):
    """A whole number a database column can hold: a larger one is a 400, not an overflow (SQLite
    refuses to bind integers past 64 bits)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IntegerFilter(filters.NumberFilter):
    field_class = BoundedIntegerField


class StrictBooleanField(forms.NullBooleanField):
    """true or false (as the schema says), not "anything else means no filter"."""

    KNOWN = {"true": True, "false": False, "True": True, "False": False, "1": True, "0": False}
    widget = forms.TextInput  # the raw value, not the select widget's "anything else is no filter"

    def to_python(self, value):
        if value in (None, "") or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        if value not in self.KNOWN:
            raise forms.ValidationError("应为 true 或 false。", code="invalid")
        return self.KNOWN[value]


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


INTEGER_FIELDS = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
                  models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)


class IdFilterSet(filters.FilterSet):
    class Meta:
        filter_overrides = {
            models.ForeignKey: {"filter_class": IntegerFilter},
            models.OneToOneField: {"filter_class": IntegerFilter},
            models.BooleanField: {"filter_class": BooleanFilter},
            **{field: {"filter_class": IntegerFilter} for field in INTEGER_FIELDS},
        }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = IdFilterSet

    def filter_queryset(self, request, queryset, view):
        # The filters' names come from the class: no second filterset is built for this check.
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            names = filterset_class.base_filters
            empty = sorted(name for name in names if request.query_params.get(name, None) == "")
            if empty:
                raise ValidationError({name: ["不能为空；不按此条件筛选时请省略该参数。"] for name in empty})
        return super().filter_queryset(request, queryset, view)


class Pagination(PageNumberPagination):
    """Page numbers start at 1, and the schema says so (a page past the end is a documented 404)."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class BuiltOnceFieldsMixin:
    """A ModelSerializer whose fields are worked out from the model once per class, then copied:
    DRF otherwise builds every field again from the model's meta for each serializer instance,
    which was a fifth of an application read's CPU (benchmarks/README.md, registration day). Only
    for serializers whose fields do not depend on the request or the instance."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)
# --- The browsable API in Chinese (REST_FRAMEWORK's VIEW_NAME_FUNCTION / VIEW_DESCRIPTION_FUNCTION):
# DRF names a page after its class ("Api Root", "Center List") and describes it with the docstring,
# which may be the code's English. The name is the operation's Chinese summary from the schema.
_CJK = re.compile(r"[\u3400-\u9fff]")
API_ROOT_NAME = "接口目录"
API_ROOT_DESCRIPTION = "本系统的接口一览；点击链接查看各接口。完整说明见 /api/docs/。"


def _schema_summary(view) -> str | None:
    request = getattr(view, "request", None)
    if request is None:
        return None
    handler = getattr(view, getattr(view, "action", None) or request.method.lower(), None)
    candidates = [getattr(handler, "kwargs", {}).get("schema"), type(getattr(view, "schema", None))]
    for schema_class in candidates:
        if not isinstance(schema_class, type) or not hasattr(schema_class, "get_summary"):
            continue
        try:
            schema = schema_class()
            schema.view = view
            schema.method = request.method.upper()
            summary = schema.get_summary()
        except Exception:  # a view the schema cannot inspect outside generation: fall back below
            continue
        if summary and _CJK.search(str(summary)):
            return str(summary)
    return None


def view_name(view) -> str:
    from rest_framework.routers import APIRootView

    if isinstance(view, APIRootView):
        return API_ROOT_NAME
    summary = _schema_summary(view)
    if summary:
        return summary
    queryset = getattr(view, "queryset", None)
    serializer = getattr(view, "serializer_class", None)
    model = getattr(queryset, "model", None) or getattr(getattr(serializer, "Meta", None), "model", None)
    if model is not None:
        return f"{model._meta.verbose_name}{'详情' if getattr(view, 'detail', False) else '列表'}"
    return "接口"


def view_description(view, html=False) -> str:
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from rest_framework.routers import APIRootView

    text = API_ROOT_DESCRIPTION if isinstance(view, APIRootView) else (view.__class__.__doc__ or "").strip()
    if not _CJK.search(text):
        return ""  # the code's English notes are not for the page's readers
    text = " ".join(text.split())
    return mark_safe(f"<p>{escape(text)}</p>") if html else text
