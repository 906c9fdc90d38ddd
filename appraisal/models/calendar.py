"""The appraisal calendar: unified appraisals, retake days, scheduled days and working-day overrides
(CAL-1..6)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.centers import Center
from appraisal.models.occupations import Occupation


class HalfYear(models.IntegerChoices):
    FIRST = 1, _("上半年")
    SECOND = 2, _("下半年")


class UnifiedAppraisal(models.Model):
    """A national/provincial unified appraisal with its days and registration window (CAL-1, CAL-2)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("批次"), choices=HalfYear.choices)
    first_day = models.DateField(_("鉴定第一天"))
    second_day = models.DateField(_("鉴定第二天"))
    registration_opens = models.DateField(_("报名开始"))
    registration_closes = models.DateField(_("报名截止（含当日）"))

    class Meta:
        verbose_name = _("统一鉴定")
        verbose_name_plural = _("统一鉴定")
        ordering = ["year", "half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="unified_appraisal_unique_year_half"),
            models.CheckConstraint(
                condition=Q(registration_opens__lte=models.F("registration_closes")),
                name="unified_window_ordered",
                violation_error_message=_("报名开始日期不能晚于报名截止日期。"),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes__lt=models.F("first_day"))
                & Q(first_day__lte=models.F("second_day")),
                name="unified_days_after_window",
                violation_error_message=_("鉴定日期必须在报名截止之后，且第二天不早于第一天。"),
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_half_display()}全国、全省统一鉴定"


class RetakeKind(models.TextChoices):
    DAILY = "daily", _("日常鉴定职业补考")
    UNIFIED = "unified", _("统一鉴定职业补考")


class RetakeDay(models.Model):
    """CAL-5: the day of the one retake for occupations cancelled by the State Council."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("补考类别"), max_length=10, choices=RetakeKind.choices)
    day = models.DateField(_("补考日期"))
    failed_in_year = models.PositiveSmallIntegerField(_("原鉴定年度"), help_text=_("该年度鉴定不合格者可补考。"))

    class Meta:
        verbose_name = _("补考日")
        verbose_name_plural = _("补考日")
        ordering = ["year", "day"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="retake_day_unique_year_kind")]

    def __str__(self):
        return f"{self.year}年{self.get_kind_display()} {self.day:%m-%d}"


class ScheduledAppraisalDay(models.Model):
    """CAL-3: a center's scheduled daily appraisal day (定期鉴定日, attachment 3)."""

    center = models.ForeignKey(
        Center, verbose_name=_("鉴定机构"), on_delete=models.CASCADE, related_name="appraisal_days"
    )
    day = models.DateField(_("定期鉴定日"))
    registration_extension_days = models.PositiveSmallIntegerField(
        _("报名截止延长（工作日）"), default=0, help_text=_("各地可适当延长1—2个工作日。")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("限定职业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("增加的鉴定场次只受理所申请的职业；为空表示不限。"),
    )

    class Meta:
        verbose_name = _("定期鉴定日")
        verbose_name_plural = _("定期鉴定日")
        ordering = ["day", "center"]
        constraints = [
            models.UniqueConstraint(fields=["center", "day"], name="scheduled_day_unique_center_day"),
            models.CheckConstraint(
                condition=Q(registration_extension_days__lte=2),
                name="scheduled_day_extension_0_to_2",
                violation_error_message=_("报名截止只能延长0、1或2个工作日。"),
            ),
        ]

    def __str__(self):
        return f"{self.center} {self.day:%Y-%m-%d}"

    @property
    def registration_deadline(self):
        from appraisal.workdays import registration_deadline

        return registration_deadline(self.day, self.registration_extension_days)

    def accepts(self, occupation) -> bool:
        """CAL-6: whether this day takes registrations for `occupation` (an Occupation or its pk).
        A regular day (no limit) accepts every occupation; an extra session approved for one
        occupation accepts that occupation only (and nothing when no occupation is given)."""
        if self.occupation_id is None:
            return True
        if occupation is None:
            return False
        occupation_id = occupation.pk if isinstance(occupation, Occupation) else occupation
        return occupation_id == self.occupation_id


class WorkdayOverride(models.Model):
    """CAL-4: a day whose working status staff set by hand (years the library does not know,
    or a correction). A year with at least one override counts as maintained."""

    day = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=60, blank=True, help_text=_("如：春节、国庆节调休上班"))

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {'上班' if self.is_working_day else '休息'} {self.name}"
