"""Django admin for every core model: Chinese labels (from verbose_name), search and filters.
Writes that carry rules go through services, so the admin cannot save what a service refuses."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appraisal import authority, services
from appraisal.idnumbers import mask_id_number
from appraisal.messaging.models import ChannelPreference, Message
from appraisal.models import (
    GRANTABLE_KINDS,
    AuthorityGrant,
    Center,
    EligibilityCondition,
    Occupation,
    OccupationLevel,
    OutboxMessage,
    RetakeDay,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
    WorkdayOverride,
)
from appraisal.workdays import CalendarUnknown, registration_deadline


class ScopedAdmin(admin.ModelAdmin):
    """Staff who use the admin see only their scope (ORG-8); the engine decides it. `center_field`
    names the path to the center. The registration and exams admins build on this too."""

    center_field = "center"

    def get_queryset(self, request):
        return authority.scope_queryset(request.user, super().get_queryset(request), self.center_field)


class ViewOnlyMixin:
    """For admins and inlines: viewable, never added, changed or deleted here (writes carry rules
    and go through services, or the rows are an append-only trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ViewOnlyMixin, ScopedAdmin):
    """A scoped admin that only shows."""


class AuthorityGrantInline(admin.TabularInline):
    model = AuthorityGrant
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.clean = _grant_formset_clean(formset.clean, obj)
        return formset


def _grant_formset_clean(original_clean, center):
    def clean(formset):
        original_clean(formset)
        kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if kept and center is not None and center.kind not in GRANTABLE_KINDS:
            raise ValidationError(_("只有扩权县、院校和行业企业鉴定机构可以单独批准鉴定权限。"))

    return clean


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "division_code", "parent", "runs_question_sub_bank", "is_active"]
    list_filter = ["kind", "runs_question_sub_bank", "is_active", "parent"]
    search_fields = ["name", "division_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [AuthorityGrantInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "parent", "division_code", "is_active", "address"]}),
        (_("业务设置"), {"fields": ["runs_question_sub_bank", "dual_certificate_school"]}),
        (_("公开电话（OTH-2）"), {"fields": ["supervision_phone", "enquiry_phone", "duty_phone"]}),
        (_("证书编码（CERT-4）"), {"fields": ["certificate_prefecture", "certificate_body_kind",
                                          "certificate_body_serial"]}),
    ]

    def get_queryset(self, request):
        return authority.visible_centers(request.user).select_related("parent")


@admin.register(AuthorityGrant)
class AuthorityGrantAdmin(ScopedAdmin):
    list_display = ["center", "level", "approved_on", "document"]
    list_filter = ["level", "center__kind"]
    search_fields = ["center__name", "document"]
    list_select_related = ["center"]
    autocomplete_fields = ["center"]

    def save_model(self, request, obj, form, change):
        if obj.center.kind not in GRANTABLE_KINDS:
            raise ValidationError(_("只有扩权县、院校和行业企业鉴定机构可以单独批准鉴定权限。"))
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        original_clean = form.clean

        def clean(this):
            cleaned = original_clean(this)
            center = cleaned.get("center")
            if center is not None and center.kind not in GRANTABLE_KINDS:
                raise ValidationError(_("只有扩权县、院校和行业企业鉴定机构可以单独批准鉴定权限。"))
            return cleaned

        form.clean = clean
        return form


class OccupationLevelInline(admin.TabularInline):
    model = OccupationLevel
    extra = 0


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "status", "cancelled_on", "cancelled_by_state_council"]
    list_filter = ["category", "status", "cancelled_by_state_council"]
    search_fields = ["name", "code"]
    inlines = [OccupationLevelInline]


class EligibilityConditionInline(admin.TabularInline):
    model = EligibilityCondition
    extra = 0


@admin.register(OccupationLevel)
class OccupationLevelAdmin(admin.ModelAdmin):
    list_display = ["occupation", "level", "theory_minutes", "skill_mode", "skill_minutes"]
    list_filter = ["level", "skill_mode", "occupation__category"]
    search_fields = ["occupation__name", "occupation__code"]
    list_select_related = ["occupation"]
    inlines = [EligibilityConditionInline]


@admin.register(EligibilityCondition)
class EligibilityConditionAdmin(admin.ModelAdmin):
    list_display = ["occupation_level", "min_years_in_occupation", "requires_lower_level_certificate",
                    "min_years_since_lower_certificate",
                    "requires_professional_title", "description"]
    list_filter = ["requires_lower_level_certificate", "requires_professional_title", "occupation_level__level"]
    search_fields = ["occupation_level__occupation__name", "description"]
    list_select_related = ["occupation_level__occupation"]


@admin.register(UnifiedAppraisal)
class UnifiedAppraisalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "first_day", "second_day", "registration_opens", "registration_closes"]
    list_filter = ["year", "half"]
    search_fields = ["year"]


@admin.register(RetakeDay)
class RetakeDayAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "day", "failed_in_year"]
    list_filter = ["year", "kind"]
    search_fields = ["year"]


@admin.register(ScheduledAppraisalDay)
class ScheduledAppraisalDayAdmin(ScopedAdmin):
    list_display = ["center", "day", "registration_extension_days", "deadline", "note"]
    list_filter = ["registration_extension_days", "center__kind", ("day", admin.DateFieldListFilter)]
    search_fields = ["center__name", "note"]
    date_hierarchy = "day"
    list_select_related = ["center"]
    autocomplete_fields = ["center"]

    @admin.display(description=_("报名截止日"))
    def deadline(self, obj):
        try:
            return obj.registration_deadline
        except CalendarUnknown:
            return _("（该年度工作日历未维护）")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        original_clean = form.clean

        def clean(this):
            cleaned = original_clean(this)
            day, extension = cleaned.get("day"), cleaned.get("registration_extension_days")
            if day is not None and extension is not None:
                registration_deadline(day, extension)  # refuses unknown years and bad extensions
            return cleaned

        form.clean = clean
        return form


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working_day", "name"]
    list_filter = ["is_working_day", ("day", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        services.set_workday_override(day=obj.day, is_working_day=obj.is_working_day, name=obj.name)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "center", "is_active", "last_login"]
    list_filter = ["role", "is_active", "center__kind"]
    search_fields = ["username", "full_name", "phone"]
    list_select_related = ["center"]
    autocomplete_fields = ["center", "region", "school", "employer_body"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("角色与机构"), {"fields": ["role", "full_name", "center", "phone"]}),
        (_("考生信息"), {"fields": ["id_number", "region", "school", "graduation_date", "employer_body",
                                  "employer_name"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与机构"), {"fields": ["role", "full_name", "center"]}),
    ]

    def get_queryset(self, request):
        return authority.scope_queryset(request.user, super().get_queryset(request), "center")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """What waits for the broker (and what it last said), for the operators (superusers) only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    list_display = ["task", "args", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task"]


# --- Messages and channel choices (MSG-1, MSG-2) -----------------------------------------------


def person_label(user) -> str:
    """A person as the admin lists them: the name, else the login name, masked when it is an ID
    number (a candidate's login name is their ID number; lists never show one in full)."""
    if user.full_name:
        return user.full_name
    return mask_id_number(user.username) if user.is_candidate else user.username


class _Named:
    """Stands for the row in a page's title and breadcrumbs: its key, and the masked label."""

    def __init__(self, pk, label):
        self.pk, self.label = pk, label

    def __str__(self):
        return self.label


class PersonRowsAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Rows about one person each, for the operators (superusers) only (no center scopes them),
    shown and never written. Pages name a row by `row_label()`, not str(): a row's str() is its
    person's login name when they have no name on file, a candidate's full ID number."""

    person_field = "user"  # the path to the person the row is about

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def row_label(self, obj) -> str:
        return person_label(getattr(obj, self.person_field))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["subtitle"] = self.row_label(obj)
            context["original"] = _Named(obj.pk, self.row_label(obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is not None:
            named = _Named(obj.pk, self.row_label(obj))
            extra_context = {**(extra_context or {}), "object": named, "title": _("变更历史：%s") % named}
        return super().history_view(request, object_id, extra_context)


@admin.register(Message)
class MessageAdmin(PersonRowsAdmin):
    """Messages are written by the services when an event happens, one per person and event
    (MSG-1), and read or delivered by their own flow (MSG-2): the admin only shows them."""

    list_display = ["title", "recipient_label", "kind", "created_at", "read_at", "delivered_at", "channels"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), ("delivered_at", admin.EmptyFieldListFilter),
                   "created_at"]
    search_fields = ["title", "event", "recipient__full_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = ["recipient_label", "kind", "event", "title", "body", "link", "created_at", "read_at", "sms_sent_at",
              "email_sent_at", "delivered_at", "channels"]
    readonly_fields = fields

    @admin.display(description=_("收件人"), ordering="recipient__full_name")
    def recipient_label(self, obj):
        return person_label(obj.recipient)

    def row_label(self, obj) -> str:
        return obj.title  # a title names no one


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(PersonRowsAdmin):
    """A person chooses their channels on their profile, where the service checks the phone and
    e-mail address they need (MSG-2): the admin only shows the choice."""

    list_display = ["user_label", "sms", "email", "updated_at"]
    list_filter = ["sms", "email"]
    search_fields = ["user__full_name"]
    list_select_related = ["user"]
    fields = ["user_label", "sms", "email", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("用户"), ordering="user__full_name")
    def user_label(self, obj):
        return person_label(obj.user)
