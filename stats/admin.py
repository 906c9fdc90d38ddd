"""Django admin for the statistics (STAT-1): Chinese labels (from verbose_name), search, filters,
scoped by the authority engine (ORG-8) through the path to the compiling center.

Everything here carries a rule and is written through stats.services from the statistics pages
(the province's deadlines, a quarter's text, submission and decision); a submitted version is
frozen and the transitions are the audit, both append-only. So the admin only shows. The figures
are counts by region, occupation and level: no person and no ID number is in them."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from appraisal.admin import ReadOnlyAdmin, ViewOnlyMixin
from stats.models import QuarterAlert, QuarterDeadline, QuarterReport, QuarterTransition, QuarterVersion


class ReadOnlyInline(ViewOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(QuarterDeadline)
class QuarterDeadlineAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Set by the province on the statistics pages (the service checks the date)."""

    list_display = ["year", "quarter", "due_on", "set_by", "set_at"]
    list_filter = ["year", "quarter"]
    list_select_related = ["set_by"]


class VersionInline(ReadOnlyInline):
    model = QuarterVersion
    fields = ["number", "submitted_by", "submitted_at", "due_on", "on_time", "reason"]
    readonly_fields = fields


class TransitionInline(ReadOnlyInline):
    model = QuarterTransition
    fields = ["from_state", "to_state", "actor", "comment", "at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(QuarterReport)
class QuarterReportAdmin(ReadOnlyAdmin):
    list_display = ["center", "year", "quarter", "state", "text_updated_at"]
    list_filter = ["state", "year", "quarter"]
    search_fields = ["center__name", "center__division_code"]
    list_select_related = ["center"]
    inlines = [VersionInline, TransitionInline]


@admin.register(QuarterVersion)
class QuarterVersionAdmin(ReadOnlyAdmin):
    """A submission's frozen figures and report, as the province received them."""

    center_field = "report__center"
    list_display = ["report", "number", "submitted_by", "submitted_at", "due_on", "on_time"]
    list_filter = ["on_time", "report__year", "report__quarter"]
    search_fields = ["report__center__name", "reason"]
    list_select_related = ["report__center", "submitted_by"]
    fields = [
        "report",
        "number",
        "submitted_by",
        "submitted_at",
        "due_on",
        "on_time",
        "reason",
        "report_text",
        "figures_shown",
    ]
    readonly_fields = fields

    @admin.display(description=_("统计数据"))
    def figures_shown(self, obj):
        return format_html(
            '<pre class="readonly">{}</pre>', json.dumps(obj.figures, ensure_ascii=False, indent=2)
        )


@admin.register(QuarterTransition)
class QuarterTransitionAdmin(ReadOnlyAdmin):
    center_field = "report__center"
    list_display = ["report", "from_state", "to_state", "version", "actor", "comment", "at"]
    list_filter = ["to_state", "report__year", "report__quarter"]
    search_fields = ["report__center__name", "comment"]
    list_select_related = ["report__center", "version__report__center", "actor"]


@admin.register(QuarterAlert)
class QuarterAlertAdmin(ReadOnlyAdmin):
    list_display = ["center", "year", "quarter", "kind", "due_on", "raised_at"]
    list_filter = ["kind", "year", "quarter"]
    search_fields = ["center__name", "center__division_code"]
    list_select_related = ["center"]
