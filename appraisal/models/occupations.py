"""Occupations, their levels and the conditions to apply for each (OCC-1..4, REG-6)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.centers import Level


class OccupationCategory(models.TextChoices):
    NATIONAL_UNIFIED = "national_unified", _("全国统一鉴定职业")
    PROVINCIAL_UNIFIED = "provincial_unified", _("全省统一鉴定职业")
    DAILY = "daily", _("日常鉴定职业")


class OccupationStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CANCELLED = "cancelled", _("已取消")


class Occupation(models.Model):
    """A trade that can be appraised (OCC-1..OCC-4)."""

    code = models.CharField(
        _("职业编码"),
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        help_text=_("《中华人民共和国职业分类大典》编码；不确定时留空。"),
    )
    name = models.CharField(_("职业名称"), max_length=60, unique=True)
    category = models.CharField(_("鉴定类别"), max_length=20, choices=OccupationCategory.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=OccupationStatus.choices, default=OccupationStatus.ACTIVE
    )
    cancelled_on = models.DateField(_("取消日期"), null=True, blank=True)
    cancelled_by_state_council = models.BooleanField(
        _("国务院取消"), default=False, help_text=_("CAL-5：国务院取消的职业，2016年不合格的考生可补考一次。")
    )
    cancellation_note = models.CharField(_("取消说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("鉴定职业")
        verbose_name_plural = _("鉴定职业")
        ordering = ["category", "code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=OccupationStatus.ACTIVE, cancelled_on__isnull=True)
                | Q(status=OccupationStatus.CANCELLED, cancelled_on__isnull=False),
                name="occupation_cancelled_has_date",
                violation_error_message=_("已取消的职业必须填写取消日期；有效职业不能有取消日期。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_unified(self):
        return self.category in (OccupationCategory.NATIONAL_UNIFIED, OccupationCategory.PROVINCIAL_UNIFIED)

    @property
    def is_cancelled(self):
        return self.status == OccupationStatus.CANCELLED


class SkillExamMode(models.TextChoices):
    PRACTICAL = "practical", _("实际操作")
    SIMULATED = "simulated", _("模拟操作")
    WRITTEN = "written", _("笔试（专业能力）")


class OccupationLevel(models.Model):
    """A level an occupation offers, with its exam durations (OCC-3, EXAM-1, EXAM-2)."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=Level.choices)
    theory_minutes = models.PositiveSmallIntegerField(_("理论知识考试时长（分钟）"))
    skill_mode = models.CharField(_("技能考核方式"), max_length=10, choices=SkillExamMode.choices)
    skill_minutes = models.PositiveSmallIntegerField(_("技能考核时长（分钟）"))

    class Meta:
        verbose_name = _("职业等级")
        verbose_name_plural = _("职业等级")
        ordering = ["occupation", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "level"], name="occupation_level_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="occupation_level_1_to_5"),
            models.CheckConstraint(
                condition=Q(theory_minutes__gt=0, skill_minutes__gt=0), name="occupation_level_positive_minutes"
            ),
        ]

    def __str__(self):
        return f"{self.occupation} · {self.get_level_display()}"

    @property
    def has_comprehensive_review(self):
        """EXAM-3: technicians and senior technicians add a comprehensive review."""
        return self.level <= Level.TWO


class EligibilityCondition(models.Model):
    """REG-6: what a level of an occupation requires of a candidate; data, checked automatically."""

    occupation_level = models.ForeignKey(
        OccupationLevel, verbose_name=_("职业等级"), on_delete=models.CASCADE, related_name="conditions"
    )
    min_years_in_occupation = models.PositiveSmallIntegerField(_("本职业工作年限不少于（年）"), default=0)
    requires_lower_level_certificate = models.BooleanField(_("需持下一等级职业资格证书"), default=False)
    min_years_since_lower_certificate = models.PositiveSmallIntegerField(
        _("取得下一等级证书后工作年限不少于（年）"), default=0,
        help_text=_("如“取得本职业四级证书后，连续从事本职业工作5年以上”，按证书颁发时间计算。"),
    )
    requires_professional_title = models.BooleanField(_("需持专业技术职称证书"), default=False)
    description = models.CharField(_("条件说明"), max_length=300)

    class Meta:
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")
        ordering = ["occupation_level", "id"]

    def __str__(self):
        return self.description
