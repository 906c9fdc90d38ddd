"""Django admin for every registration model: Chinese labels (from verbose_name), search, filters,
scoped by the authority engine (ORG-8).

State changes, materials and review go through services (the pages of the center staff), so the
admin shows applications, materials and their audit read-only; the audit (ApplicationTransition)
can never be edited or deleted. Fee schedules (FEE-1) are data and editable."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from appraisal.admin import ReadOnlyAdmin, ViewOnlyMixin
from appraisal.idnumbers import mask_id_number
from registration.models import (
    Application,
    ApplicationTransition,
    ExtraSessionRequest,
    FeeSchedule,
    Material,
    PaymentRecord,
)


class TransitionInline(ViewOnlyMixin, admin.TabularInline):
    model = ApplicationTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class MaterialInline(ViewOnlyMixin, admin.TabularInline):
    model = Material
    extra = 0
    can_delete = False
    fields = ["kind", "view_link", "content_type", "size", "width", "height", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("文件"))
    def view_link(self, obj):
        return format_html('<a href="{}" target="_blank">{}</a>', reverse("registration:material_file", args=[obj.pk]),
                           _("查看"))


class PaymentInline(TransitionInline):
    model = PaymentRecord
    fields = ["at", "paid", "amount", "actor"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_id_number", "occupation", "level", "center", "status", "fee_paid", "submitted_at"]
    list_filter = ["status", "level", "fee_paid", "is_retake", "center__kind", "occupation__category"]
    search_fields = ["name", "=id_number", "occupation__name", "center__name"]
    list_select_related = ["occupation", "center"]
    date_hierarchy = "created_at"
    inlines = [MaterialInline, TransitionInline, PaymentInline]
    exclude = ["form_pdf"]

    @admin.display(description=_("身份证号"), ordering="id_number")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    center_field = "application__center"
    list_display = ["application", "kind", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["application__name", "=application__id_number", "sha256"]
    list_select_related = ["application__occupation", "uploaded_by"]
    exclude = ["file"]


@admin.register(ApplicationTransition)
class ApplicationTransitionAdmin(ReadOnlyAdmin):
    """The audit: who, when, from, to, why. Append-only."""

    center_field = "application__center"
    list_display = ["at", "application", "from_status", "to_status", "actor", "reason"]
    list_filter = ["to_status", "from_status", ("at", admin.DateFieldListFilter)]
    search_fields = ["application__name", "=application__id_number", "actor__username", "actor__full_name",
                     "reason"]
    list_select_related = ["application__occupation", "actor"]
    date_hierarchy = "at"


@admin.register(PaymentRecord)
class PaymentRecordAdmin(ReadOnlyAdmin):
    """FEE-1: who recorded or withdrew which payment, when. Append-only."""

    center_field = "application__center"
    list_display = ["at", "application", "paid", "amount", "actor"]
    list_filter = ["paid", ("at", admin.DateFieldListFilter)]
    search_fields = ["application__name", "=application__id_number", "actor__username", "actor__full_name"]
    list_select_related = ["application__occupation", "actor"]
    date_hierarchy = "at"


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    """FEE-1: the fee per occupation and level (吉省价收字〔2001〕24号); data, edited per year."""

    list_display = ["occupation", "level", "amount", "effective_from", "document"]
    list_filter = ["level", "occupation__category", ("effective_from", admin.DateFieldListFilter)]
    search_fields = ["occupation__name", "occupation__code", "document"]
    list_select_related = ["occupation"]
    autocomplete_fields = ["occupation"]


@admin.register(ExtraSessionRequest)
class ExtraSessionRequestAdmin(ReadOnlyAdmin):
    """CAL-6: requests are made and decided through their pages (services); the admin shows them."""

    list_display = ["center", "day", "occupation", "expected_candidates", "status", "requested_by", "decided_by"]
    list_filter = ["status", "center__kind", ("day", admin.DateFieldListFilter)]
    search_fields = ["center__name", "occupation__name", "reason"]
    list_select_related = ["center", "occupation", "requested_by", "decided_by"]
