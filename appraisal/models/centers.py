"""Centers and their authority: the hierarchy of the notice (ORG-1) and per-center grants (ORG-5)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """国家职业资格等级: 5 is the lowest, 1 the highest."""

    FIVE = 5, _("五级/初级工")
    FOUR = 4, _("四级/中级工")
    THREE = 3, _("三级/高级工")
    TWO = 2, _("二级/技师")
    ONE = 1, _("一级/高级技师")

    @classmethod
    def short_label(cls, value):
        return {5: _("初级工"), 4: _("中级工"), 3: _("高级工"), 2: _("技师"), 1: _("高级技师")}[int(value)]


class CenterKind(models.TextChoices):
    PROVINCE = "province", _("省职业技能鉴定中心")
    CITY = "city", _("地市级鉴定中心")
    COUNTY = "county", _("县级鉴定中心")
    EXPANDED_COUNTY = "expanded_county", _("扩权县鉴定中心")
    AFFILIATED_UNIT = "affiliated_unit", _("中省直单位")
    SCHOOL = "school", _("院校鉴定机构")
    ENTERPRISE = "enterprise", _("行业企业鉴定机构")


# Which kind of parent each kind of center must have (ORG-1).
PARENT_KINDS = {
    CenterKind.PROVINCE: (),
    CenterKind.CITY: (CenterKind.PROVINCE,),
    CenterKind.COUNTY: (CenterKind.CITY,),
    CenterKind.EXPANDED_COUNTY: (CenterKind.CITY,),
    CenterKind.AFFILIATED_UNIT: (CenterKind.PROVINCE,),
    CenterKind.SCHOOL: (CenterKind.PROVINCE, CenterKind.CITY),
    CenterKind.ENTERPRISE: (CenterKind.PROVINCE, CenterKind.CITY),
}
# The kinds that may hold a per-center grant of levels (ORG-5, and the approved scope of
# school and enterprise bodies), and the levels a grant may name: levels 2 and 1 belong to the
# province center for the whole province (ORG-4).
GRANTABLE_KINDS = (CenterKind.EXPANDED_COUNTY, CenterKind.SCHOOL, CenterKind.ENTERPRISE)
GRANTABLE_LEVELS = (Level.FIVE, Level.FOUR, Level.THREE)


class Center(models.Model):
    """An appraisal center or a unit in the hierarchy of ORG-1."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CenterKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        null=True,
        blank=True,
        unique=True,
        help_text=_("GB/T 2260 六位代码；院校、企业等机构可为空。"),
    )
    runs_question_sub_bank = models.BooleanField(
        _("运行国家题库地市级分库"), default=False, help_text=_("EXAM-9：运行分库的地市自行抽题组卷。")
    )
    dual_certificate_school = models.BooleanField(
        _("按“双证书”招生"),
        default=False,
        help_text=_("OTH-1：职业院校按“双证书”招生的，可在学生毕业前继续为其安排已取消职业的鉴定。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    supervision_phone = models.CharField(_("监督举报电话"), max_length=60, blank=True)
    enquiry_phone = models.CharField(_("报名咨询电话"), max_length=100, blank=True)
    duty_phone = models.CharField(_("定期鉴定日值班电话"), max_length=60, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("鉴定机构")
        verbose_name_plural = _("鉴定机构")
        ordering = ["division_code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CenterKind.PROVINCE, parent__isnull=True)
                | (~Q(kind=CenterKind.PROVINCE) & Q(parent__isnull=False)),
                name="center_parent_required_except_province",
                violation_error_message=_("除省鉴定中心外，每个机构都必须有上级机构。"),
            ),
            models.CheckConstraint(
                condition=Q(runs_question_sub_bank=False) | Q(kind=CenterKind.CITY),
                name="center_sub_bank_only_city",
                violation_error_message=_("只有地市级鉴定中心可以运行国家题库分库。"),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=CenterKind.PROVINCE),
                name="center_single_province",
                violation_error_message=_("全省只有一个省职业技能鉴定中心。"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        allowed = PARENT_KINDS.get(self.kind, ())
        if not allowed and self.parent_id:
            raise ValidationError({"parent": _("省鉴定中心没有上级机构。")})
        if allowed:
            if not self.parent_id:
                raise ValidationError({"parent": _("该类型的机构必须指定上级机构。")})
            if self.parent.kind not in allowed:
                raise ValidationError(
                    {
                        "parent": _("%(kind)s的上级必须是：%(allowed)s。")
                        % {
                            "kind": self.get_kind_display(),
                            "allowed": "、".join(str(CenterKind(k).label) for k in allowed),
                        }
                    }
                )
        if self.runs_question_sub_bank and self.kind != CenterKind.CITY:
            raise ValidationError({"runs_question_sub_bank": _("只有地市级鉴定中心可以运行国家题库分库。")})
        if self.dual_certificate_school and self.kind != CenterKind.SCHOOL:
            raise ValidationError({"dual_certificate_school": _("只有院校鉴定机构可以按“双证书”招生。")})

    @property
    def is_regional(self):
        return self.kind in (CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY)


class AuthorityGrant(models.Model):
    """A level approved for one center (ORG-5: 扩权县按批准的鉴定权限; also school/enterprise bodies)."""

    center = models.ForeignKey(
        Center, verbose_name=_("鉴定机构"), on_delete=models.CASCADE, related_name="grants"
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=Level.choices)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    document = models.CharField(_("批准文号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("批准鉴定权限")
        verbose_name_plural = _("批准鉴定权限")
        ordering = ["center", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["center", "level"], name="grant_unique_center_level"),
            models.CheckConstraint(
                condition=Q(level__gte=3, level__lte=5),
                name="grant_level_5_to_3",
                violation_error_message=_("技师、高级技师鉴定由省鉴定中心负责，不能批准给其他机构。"),
            ),
        ]

    def __str__(self):
        return f"{self.center} · {self.get_level_display()}"
