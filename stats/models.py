"""Quarterly statistics submitted up the chain (STAT-1): a city's quarter, its frozen versions,
its transitions (the audit), the deadlines and the alerts of the beat job."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppendOnlyModel, Center


class QuarterState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已报送待审核")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回修改")


class QuarterDeadline(models.Model):
    """A quarter's deadline set by the province; without one the default applies (the 10th working
    day after the quarter ends, STATS_DEADLINE_WORKING_DAYS)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    due_on = models.DateField(_("报送期限"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("设置人"), on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计报送期限")
        verbose_name_plural = _("统计报送期限")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="stats_deadline_once_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="stats_deadline_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度 {self.due_on:%Y-%m-%d}"


class QuarterReport(models.Model):
    """One compiling center's quarter: its state and the text being written. What was reported
    lives in its versions, never here."""

    center = models.ForeignKey(Center, verbose_name=_("报送机构"), on_delete=models.PROTECT,
                               related_name="quarter_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = models.CharField(_("状态"), max_length=10, choices=QuarterState.choices, default=QuarterState.DRAFT)
    report_text = models.TextField(_("统计分析报告"), blank=True, max_length=50_000)
    text_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告修改人"),
                                        on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text_updated_at = models.DateTimeField(_("报告修改时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度统计报送")
        verbose_name_plural = _("季度统计报送")
        ordering = ["-year", "-quarter", "center__division_code"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "quarter"], name="stats_report_once_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="stats_report_quarter_1_4"),
        ]

    def __str__(self):
        return f"{self.center} {self.year}年第{self.quarter}季度"


class QuarterVersion(AppendOnlyModel):
    """What a submission reported, frozen: the figures and the report as they were then."""

    report = models.ForeignKey(QuarterReport, verbose_name=_("季度报送"), on_delete=models.PROTECT,
                               related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    figures = models.JSONField(_("统计数据"), encoder=DjangoJSONEncoder)
    report_text = models.TextField(_("统计分析报告"), blank=True)
    reason = models.CharField(_("重新报送原因"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    due_on = models.DateField(_("报送期限"))
    on_time = models.BooleanField(_("按期报送"))

    class Meta:
        verbose_name = _("季度统计版本")
        verbose_name_plural = _("季度统计版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="stats_version_number_unique"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="stats_resubmission_has_reason",
                                   violation_error_message=_("重新报送须填写原因。")),
        ]

    def __str__(self):
        return f"{self.report} 第{self.number}版"


class QuarterTransition(AppendOnlyModel):
    """Every change of a quarter's state: who, when, from, to, why (the audit)."""

    report = models.ForeignKey(QuarterReport, verbose_name=_("季度报送"), on_delete=models.PROTECT,
                               related_name="transitions")
    from_state = models.CharField(_("原状态"), max_length=10, choices=QuarterState.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=QuarterState.choices)
    version = models.ForeignKey(QuarterVersion, verbose_name=_("版本"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              related_name="+")
    comment = models.CharField(_("意见或原因"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度统计状态变更")
        verbose_name_plural = _("季度统计状态变更")
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return f"{self.report} {self.from_state}→{self.to_state}"


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("临近报送期限")
    LATE = "late", _("逾期未报送")


class QuarterAlert(models.Model):
    """A reminder or a late alert of the beat job: once per center, quarter and kind."""

    center = models.ForeignKey(Center, verbose_name=_("报送机构"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    kind = models.CharField(_("类型"), max_length=10, choices=AlertKind.choices)
    due_on = models.DateField(_("报送期限"))
    raised_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)
    notified_centers = models.ManyToManyField(Center, verbose_name=_("通知机构"), related_name="+")

    class Meta:
        verbose_name = _("季度统计提醒")
        verbose_name_plural = _("季度统计提醒")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "quarter", "kind"], name="stats_alert_once"),
        ]

    def __str__(self):
        return f"{self.center} {self.year}Q{self.quarter} {self.get_kind_display()}"
