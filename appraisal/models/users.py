"""Users and roles: every person who logs in."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models.centers import Center, CenterKind


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
