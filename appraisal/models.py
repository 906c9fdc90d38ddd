"""The core domain: centers, levels, occupations, the appraisal calendar, users and roles.

Every number and date of the notice is data here (editable per year), never a constant in code.
Invariants that must hold under concurrency are database constraints. The records the core keeps
for the other parts (the task outbox, the personal-data access log) are in appraisal/records.py,
imported at the end so that Django registers them with this app.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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


class CertificateBodyKind(models.TextChoices):
    """The kind of issuing body in a certificate number (CERT-4): the 7th digit of the 16."""
    GUIDANCE_CENTER = "0", _("职业技能鉴定指导中心")
    NATIONAL_STATION = "1", _("国家职业技能鉴定站")
    LOCAL_STATION = "2", _("地方职业技能鉴定站（所）")
    INDUSTRY_STATION = "3", _("行业职业技能鉴定站")
    ENTERPRISE_STATION = "4", _("企业职业技能鉴定站")


# The body kind a new center gets unless told otherwise.
DEFAULT_BODY_KINDS = {
    CenterKind.PROVINCE: CertificateBodyKind.GUIDANCE_CENTER,
    CenterKind.ENTERPRISE: CertificateBodyKind.ENTERPRISE_STATION,
}


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
    # CERT-4: the body's code in certificate numbers (地区2位 + 机构类别1位 + 机构序号3位).
    certificate_prefecture = models.CharField(_("证书编码·地区代码"), max_length=2, blank=True,
                                              validators=[RegexValidator(r"^\d{2}$", _("地区代码为两位数字。"))],
                                              help_text=_("省本级为00，各市（州）为行政区划代码第3、4位。"))
    certificate_body_kind = models.CharField(_("证书编码·机构类别"), max_length=1, blank=True,
                                             choices=CertificateBodyKind.choices)
    certificate_body_serial = models.PositiveSmallIntegerField(
        _("证书编码·机构序号"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text=_("1至999，同一地区同一类别内唯一。"))

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
                fields=["certificate_prefecture", "certificate_body_kind", "certificate_body_serial"],
                name="center_certificate_body_code_unique",
                violation_error_message=_("该证书机构代码已被其他鉴定机构使用。"),
            ),
            models.CheckConstraint(
                condition=Q(certificate_prefecture="", certificate_body_kind="", certificate_body_serial__isnull=True)
                | (~Q(certificate_prefecture="") & ~Q(certificate_body_kind="")
                   & Q(certificate_body_serial__gte=1, certificate_body_serial__lte=999)),
                name="center_certificate_body_code_complete",
                violation_error_message=_("证书机构代码的地区、类别和序号须同时填写，序号为1至999。"),
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
    def certificate_body_code(self) -> str | None:
        """The 6 digits of this body in certificate numbers, or None while they are not set."""
        if self.certificate_body_serial is None or not self.certificate_prefecture or not self.certificate_body_kind:
            return None
        return f"{self.certificate_prefecture}{self.certificate_body_kind}{self.certificate_body_serial:03d}"

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

class Role(models.TextChoices):
    CANDIDATE = "candidate", _("考生")
    CENTER_STAFF = "center_staff", _("鉴定机构工作人员")
    EXAMINER = "examiner", _("考评人员")
    HR_OFFICIAL = "hr_official", _("人社部门工作人员")
    PROVINCE_ADMIN = "province_admin", _("省级管理员")


STAFF_ROLES = (Role.CENTER_STAFF, Role.EXAMINER, Role.HR_OFFICIAL, Role.PROVINCE_ADMIN)


class User(AbstractUser):
    """Every person who logs in. Staff roles belong to a center; candidates carry their affiliation."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CANDIDATE)
    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    center = models.ForeignKey(
        Center,
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("工作人员、考评人员、人社部门人员所属的机构。"),
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, null=True, blank=True, unique=True)
    # ORG-2..ORG-7: where a candidate belongs decides which center may appraise them.
    region = models.ForeignKey(
        Center,
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": [CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY]},
        help_text=_("考生户籍或工作所在的市（州）本级或县（市）。"),
    )
    school = models.ForeignKey(
        Center,
        verbose_name=_("就读院校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": CenterKind.SCHOOL},
    )
    graduation_date = models.DateField(_("预计毕业日期"), null=True, blank=True)
    employer_body = models.ForeignKey(
        Center,
        verbose_name=_("所属企业或中省直单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": [CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT]},
    )
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.CANDIDATE, center__isnull=True)
                | (~Q(role=Role.CANDIDATE) & Q(center__isnull=False)),
                name="user_staff_roles_have_center",
                violation_error_message=_("工作人员必须属于一个机构；考生不属于任何机构。"),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_candidate(self):
        return self.role == Role.CANDIDATE

    @property
    def display_name(self):
        return self.full_name or super().get_full_name() or self.username

    def get_full_name(self):
        # Chinese names are kept whole in `full_name` (the admin's "欢迎，…" uses this).
        return self.full_name or super().get_full_name()

    def get_short_name(self):
        return self.full_name or super().get_short_name() or self.username

    def clean(self):
        super().clean()
        if self.role == Role.CANDIDATE and self.center_id:
            raise ValidationError({"center": _("考生不属于任何机构。")})
        if self.role != Role.CANDIDATE and not self.center_id:
            raise ValidationError({"center": _("工作人员必须属于一个机构。")})
        if self.role == Role.PROVINCE_ADMIN and self.center_id and self.center.kind != CenterKind.PROVINCE:
            raise ValidationError({"center": _("省级管理员必须属于省职业技能鉴定中心。")})
        if self.id_number:
            from appraisal.idnumbers import normalize_id_number

            self.id_number = normalize_id_number(self.id_number)

class AppendOnlyError(Exception):
    pass


class AppendOnlyModel(models.Model):
    """Rows are written once: saving an existing row or deleting one raises (the admin and every
    service go through here); where a migration adds one, a PostgreSQL trigger refuses UPDATE and DELETE as well."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(_("该记录只能追加，不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("该记录只能追加，不能删除。"))


# The core's records live beside the domain (appraisal/records.py); importing them here registers them.
from appraisal.records import (  # noqa: E402, F401
    BackgroundJob,
    JobStatus,
    OutboxMessage,
    PersonalDataAccess,
    PersonalDataKind,
    PersonalDataRecord,
)
