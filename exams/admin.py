"""Django admin for every exams model: Chinese labels (from verbose_name), search, filters, scoped by
the authority engine (ORG-8) through the path from each model to its center.

Sites, rooms, examiner qualifications and declared relations are data and editable here. Everything
that carries a rule (sessions and subjects, seats, examiner assignments, papers, supervision,
incidents, scores, corrections, alerts) is written through exams.services from the staff pages, so
the admin only shows it. The custody log (EXAM-10) and score changes (EXAM-6) are append-only:
never added, changed or deleted here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from appraisal import authority
from appraisal.admin import ReadOnlyAdmin, ScopedAdmin, ViewOnlyMixin
from appraisal.idnumbers import mask_id_number
from appraisal.models import Role, User
from exams.models import (
    CustodyEntry,
    DeclaredRelation,
    DisciplineIncident,
    ExaminerAssignment,
    ExaminerQualification,
    ExamSession,
    OverdueAlert,
    Paper,
    PaperRequest,
    Room,
    Score,
    ScoreChange,
    ScoreCorrectionRequest,
    SeatAssignment,
    SessionSubject,
    Site,
    Supervision,
)


class ReadOnlyInline(ViewOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


# --- Data: sites, rooms, qualifications, declared relations ------------------------------------


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "capacity", "equipment"]


@admin.register(Site)
class SiteAdmin(ScopedAdmin):
    list_display = ["name", "center", "address", "is_active"]
    list_filter = ["is_active", "center__kind"]
    search_fields = ["name", "address", "center__name"]
    list_select_related = ["center"]
    inlines = [RoomInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "center":
            kwargs["queryset"] = authority.visible_centers(request.user).order_by("division_code", "name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Room)
class RoomAdmin(ScopedAdmin):
    center_field = "site__center"
    list_display = ["name", "site", "capacity", "equipment"]
    list_filter = ["site__center__kind"]
    search_fields = ["name", "site__name", "site__center__name", "equipment"]
    list_select_related = ["site"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            kwargs["queryset"] = authority.scope_queryset(request.user, Site.objects.all(), "center")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _examiners(request):
    return authority.scope_queryset(request.user, User.objects.filter(role=Role.EXAMINER), "center")


@admin.register(ExaminerQualification)
class ExaminerQualificationAdmin(ScopedAdmin):
    """EXAM-5: qualifications per occupation up to a level, valid until a date."""

    center_field = "examiner__center"
    list_display = ["examiner", "occupation", "highest_level", "certificate_number", "valid_until"]
    list_filter = ["highest_level", ("valid_until", admin.DateFieldListFilter), "occupation__category"]
    search_fields = ["examiner__full_name", "examiner__username", "occupation__name", "certificate_number"]
    list_select_related = ["examiner", "occupation"]
    autocomplete_fields = ["occupation"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "examiner":
            kwargs["queryset"] = _examiners(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(DeclaredRelation)
class DeclaredRelationAdmin(ScopedAdmin):
    """EXAM-5 回避: relations examiners declare with candidates."""

    center_field = "examiner__center"
    list_display = ["examiner", "candidate", "relation"]
    search_fields = ["examiner__full_name", "candidate__full_name", "relation"]
    list_select_related = ["examiner", "candidate"]
    raw_id_fields = ["candidate"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "examiner":
            kwargs["queryset"] = _examiners(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Sessions, seats, examiners (written through services) -----------------------------------


class SubjectInline(ReadOnlyInline):
    model = SessionSubject
    fields = ["subject", "starts_at", "minutes", "mode"]
    readonly_fields = fields


class ExaminerAssignmentInline(ReadOnlyInline):
    model = ExaminerAssignment
    fields = ["examiner", "assigned_by", "assigned_at"]
    readonly_fields = fields


@admin.register(ExamSession)
class ExamSessionAdmin(ReadOnlyAdmin):
    list_display = ["day", "occupation", "level", "site", "center", "status", "published_at"]
    list_filter = ["status", "level", ("day", admin.DateFieldListFilter), "center__kind"]
    search_fields = ["occupation__name", "site__name", "center__name"]
    list_select_related = ["occupation", "site", "center"]
    date_hierarchy = "day"
    inlines = [SubjectInline, ExaminerAssignmentInline]


@admin.register(SessionSubject)
class SessionSubjectAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["session", "subject", "starts_at", "minutes", "mode"]
    list_filter = ["subject", ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["session__occupation__name", "session__site__name"]
    list_select_related = ["session__occupation", "session__site"]


@admin.register(SeatAssignment)
class SeatAssignmentAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["ticket_number", "candidate_name", "masked_id", "room", "seat_number", "session", "assigned_by"]
    list_filter = [("session__day", admin.DateFieldListFilter), "session__level"]
    search_fields = ["ticket_number", "application__name", "room__name", "session__occupation__name"]
    list_select_related = ["application", "room__site", "session__occupation", "session__site", "assigned_by"]
    exclude = ["application"]
    readonly_fields = ["candidate_name", "masked_id"]

    @admin.display(description=_("考生"), ordering="application__name")
    def candidate_name(self, obj):
        return obj.application.name

    @admin.display(description=_("身份证号"))
    def masked_id(self, obj):
        return mask_id_number(obj.application.id_number)


@admin.register(ExaminerAssignment)
class ExaminerAssignmentAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["session", "examiner", "assigned_by", "assigned_at"]
    list_filter = [("assigned_at", admin.DateFieldListFilter)]
    search_fields = ["examiner__full_name", "examiner__username", "session__occupation__name"]
    list_select_related = ["session__occupation", "session__site", "examiner", "assigned_by"]


# --- Papers and custody (EXAM-9, EXAM-10) ----------------------------------------------------


@admin.register(PaperRequest)
class PaperRequestAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["session", "subject", "copies", "center", "status", "requested_by", "requested_at"]
    list_filter = ["status", "subject"]
    search_fields = ["center__name", "session__occupation__name"]
    list_select_related = ["session__occupation", "session__site", "center", "requested_by"]


class CustodyInline(ReadOnlyInline):
    model = CustodyEntry
    fields = ["at", "action", "from_person", "to_person", "copies", "sealed", "recorded_by", "note"]
    readonly_fields = fields


@admin.register(Paper)
class PaperAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["code", "session", "subject", "source", "copies", "created_by", "created_at"]
    list_filter = ["source", "subject"]
    search_fields = ["code", "session__occupation__name"]
    list_select_related = ["session__occupation", "session__site", "created_by"]
    inlines = [CustodyInline]


@admin.register(CustodyEntry)
class CustodyEntryAdmin(ReadOnlyAdmin):
    """EXAM-10: the append-only custody log."""

    center_field = "paper__session__center"
    list_display = ["at", "paper", "action", "from_person", "to_person", "copies", "sealed", "recorded_by"]
    list_filter = ["action", "sealed", ("at", admin.DateFieldListFilter)]
    search_fields = ["paper__code", "from_person", "to_person", "note"]
    list_select_related = ["paper", "recorded_by"]


# --- Supervision and incidents (EXAM-11) -----------------------------------------------------


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["session", "kind", "supervisor", "recorded_by", "at"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["supervisor", "notes", "session__occupation__name"]
    list_select_related = ["session__occupation", "session__site", "recorded_by"]


@admin.register(DisciplineIncident)
class DisciplineIncidentAdmin(ReadOnlyAdmin):
    center_field = "session__center"
    list_display = ["session", "candidate_name", "kind", "measure", "recorded_by", "at"]
    list_filter = ["kind", "measure", ("at", admin.DateFieldListFilter)]
    search_fields = ["application__name", "description", "session__occupation__name"]
    list_select_related = ["session__occupation", "session__site", "application", "recorded_by"]
    exclude = ["application"]

    @admin.display(description=_("考生"), ordering="application__name")
    def candidate_name(self, obj):
        return obj.application.name


# --- Scores (EXAM-6..EXAM-8) -----------------------------------------------------------------


class ScoreChangeInline(ReadOnlyInline):
    model = ScoreChange
    fields = ["at", "old_value", "new_value", "changed_by", "reason"]
    readonly_fields = fields


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    """Scores change only through enter_score or an approved correction, each recorded (EXAM-6)."""

    center_field = "session__center"
    list_display = ["candidate_name", "session", "subject", "value", "passed", "pass_valid_until", "pass_expired"]
    list_filter = ["subject", "passed", "pass_expired", "session__status"]
    search_fields = ["application__name", "session__occupation__name"]
    list_select_related = ["application", "session__occupation", "session__site"]
    exclude = ["application"]
    inlines = [ScoreChangeInline]

    @admin.display(description=_("考生"), ordering="application__name")
    def candidate_name(self, obj):
        return obj.application.name


@admin.register(ScoreChange)
class ScoreChangeAdmin(ReadOnlyAdmin):
    """EXAM-6: who changed which score, when, from what to what, and why. Append-only."""

    center_field = "score__session__center"
    list_display = ["at", "score", "old_value", "new_value", "changed_by", "reason"]
    list_filter = [("at", admin.DateFieldListFilter)]
    search_fields = ["score__application__name", "reason", "changed_by__full_name"]
    list_select_related = ["score__application", "changed_by"]


@admin.register(ScoreCorrectionRequest)
class ScoreCorrectionRequestAdmin(ReadOnlyAdmin):
    center_field = "score__session__center"
    list_display = ["score", "new_value", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status", ("requested_at", admin.DateFieldListFilter)]
    search_fields = ["score__application__name", "reason", "decision_reason"]
    list_select_related = ["score__application", "requested_by", "decided_by"]


@admin.register(OverdueAlert)
class OverdueAlertAdmin(ReadOnlyAdmin):
    """EXAM-7: sessions whose results were not published by the deadline."""

    center_field = "session__center"
    list_display = ["session", "deadline", "raised_at"]
    list_filter = [("deadline", admin.DateFieldListFilter)]
    search_fields = ["session__occupation__name", "session__center__name"]
    list_select_related = ["session__occupation", "session__site"]
