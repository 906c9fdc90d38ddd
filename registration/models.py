"""Applications (申报表, REG-1), their materials (REG-2), the audit of every state change, fees
(FEE-1) and requests for extra appraisal sessions (CAL-6).

An application targets exactly one appraisal: a unified appraisal (CAL-1), a center's scheduled
appraisal day (CAL-3, extra sessions included) or a retake day (CAL-5). The database enforces one
live application per person, occupation, level and appraisal (REG-5).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import (
    AppendOnlyModel,
    Center,
    Level,
    Occupation,
    RetakeDay,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    JUNIOR = "junior", _("初中及以下")
    SENIOR = "senior", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核不通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("逾期未提交")


# A live application blocks another one for the same person, occupation, level and appraisal.
LIVE_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED)
_LIVE = Q(status__in=[s.value for s in LIVE_STATUSES])


class Application(models.Model):
    """吉林省职业技能鉴定申报表 (attachment 4 of the notice)."""

    # What the API answers when a scoped read finds no application (appraisal.errors).
    not_found_message = "申报不存在或您无权查看。"

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考生"), on_delete=models.PROTECT, related_name="applications"
    )
    center = models.ForeignKey(
        Center, verbose_name=_("鉴定机构"), on_delete=models.PROTECT, related_name="applications"
    )
    occupation = models.ForeignKey(Occupation, verbose_name=_("申报职业"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(_("申报等级"), choices=Level.choices)
    unified_appraisal = models.ForeignKey(
        UnifiedAppraisal, verbose_name=_("统一鉴定"), on_delete=models.PROTECT, null=True, blank=True
    )
    scheduled_day = models.ForeignKey(
        ScheduledAppraisalDay, verbose_name=_("定期鉴定日"), on_delete=models.PROTECT, null=True, blank=True
    )
    retake_day = models.ForeignKey(
        RetakeDay, verbose_name=_("补考日"), on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)

    # REG-1: the fields of the form, as the candidate states them.
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_month = models.DateField(_("出生年月"), help_text=_("只比较年、月；日为1日。"))
    education = models.CharField(_("文化程度"), max_length=12, choices=Education.choices)
    id_number = models.CharField(_("身份证号"), max_length=18)
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True)
    current_occupation = models.CharField(_("现职业"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20)
    held_certificate = models.CharField(_("现已持何种职业资格证书"), max_length=60, blank=True)
    held_certificate_level = models.PositiveSmallIntegerField(
        _("已持证书等级"), choices=Level.choices, null=True, blank=True
    )
    held_certificate_issuer = models.CharField(_("颁证机构"), max_length=100, blank=True)
    held_certificate_date = models.DateField(_("颁证时间"), null=True, blank=True)
    professional_title = models.CharField(_("专业技术职称"), max_length=60, blank=True)
    years_in_occupation = models.PositiveSmallIntegerField(_("已从事本职业工作年限"))
    work_history = models.TextField(_("工作简历"), max_length=2000)

    # CAL-5 / REG-4: a retake of an occupation cancelled by the State Council.
    is_retake = models.BooleanField(_("补考"), default=False)
    retake_original_year = models.PositiveSmallIntegerField(_("原鉴定年度"), null=True, blank=True)
    retake_original_ticket = models.CharField(_("原准考证号"), max_length=40, blank=True)
    retake_subjects = models.CharField(_("补考科目"), max_length=60, blank=True)

    # FEE-1
    fee_due = models.DecimalField(_("应缴鉴定费（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    fee_paid = models.BooleanField(_("已缴费"), default=False)
    fee_paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)

    # REG-1: filled later by the center and the HR bureau.
    center_opinion = models.CharField(_("职业技能鉴定中心意见"), max_length=200, blank=True)
    center_opinion_date = models.DateField(_("鉴定中心意见日期"), null=True, blank=True)
    hr_opinion = models.CharField(_("人力资源社会保障行政部门意见"), max_length=200, blank=True)
    hr_opinion_date = models.DateField(_("人社部门意见日期"), null=True, blank=True)
    hr_opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人社部门意见填写人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    eligibility = models.JSONField(_("资格审核结果"), default=list, blank=True, help_text=_("提交时自动核验的结果。"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代录人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("REG-3：由鉴定机构代为录入时的工作人员。"),
    )
    form_pdf = models.FileField(_("申报表PDF"), upload_to="forms/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("鉴定申报")
        verbose_name_plural = _("鉴定申报")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["center", "status"], name="application_center_status"),
            models.Index(fields=["id_number"], name="application_id_number"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unified_appraisal__isnull=False, scheduled_day__isnull=True, retake_day__isnull=True)
                    | Q(unified_appraisal__isnull=True, scheduled_day__isnull=False, retake_day__isnull=True)
                    | Q(unified_appraisal__isnull=True, scheduled_day__isnull=True, retake_day__isnull=False)
                ),
                name="application_exactly_one_appraisal",
                violation_error_message=_("申报必须对应且只对应一次鉴定。"),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="application_level_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(is_retake=False, retake_day__isnull=True) | Q(is_retake=True, retake_day__isnull=False),
                name="application_retake_on_retake_day",
                violation_error_message=_("补考申报必须且只能对应补考日。"),
            ),
            models.UniqueConstraint(
                fields=["candidate", "occupation", "level", "unified_appraisal"],
                condition=_LIVE & Q(unified_appraisal__isnull=False),
                name="application_one_live_per_unified",
                violation_error_message=_("您已申报过本次鉴定的该职业、等级，不能重复申报。"),
            ),
            models.UniqueConstraint(
                fields=["candidate", "occupation", "level", "scheduled_day"],
                condition=_LIVE & Q(scheduled_day__isnull=False),
                name="application_one_live_per_day",
                violation_error_message=_("您已申报过本次鉴定的该职业、等级，不能重复申报。"),
            ),
            models.UniqueConstraint(
                fields=["candidate", "occupation"],
                condition=_LIVE & Q(is_retake=True),
                name="application_one_live_retake",
                violation_error_message=_("同一职业只能申报一次补考。"),
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.occupation} · {self.get_level_display()}"

    @property
    def appraisal(self):
        return self.unified_appraisal or self.scheduled_day or self.retake_day

    @property
    def appraisal_label(self):
        if self.unified_appraisal_id:
            return str(self.unified_appraisal)
        if self.scheduled_day_id:
            return f"{self.scheduled_day.center.name} {self.scheduled_day.day:%Y-%m-%d} 定期鉴定"
        return str(self.retake_day)

    @property
    def appraisal_date(self):
        if self.unified_appraisal_id:
            return self.unified_appraisal.first_day
        if self.scheduled_day_id:
            return self.scheduled_day.day
        return self.retake_day.day

    @property
    def is_editable(self):
        return self.status in (Status.DRAFT, Status.RETURNED)


class MaterialKind(models.TextChoices):
    ID_CARD = "id_card", _("身份证复印件")
    EDUCATION = "education", _("学历证书复印件")
    PHOTO = "photo", _("小二寸彩色免冠照片")
    WORK_PROOF = "work_proof", _("工作年限证明")
    LOWER_CERTIFICATE = "lower_certificate", _("下一等级职业资格证书")
    TITLE_CERTIFICATE = "title_certificate", _("专业技术职称证书")
    ACHIEVEMENTS_REPORT = "achievements", _("书面业绩成果报告")


def material_path(instance, filename):
    # Random names: a stored file's path reveals nothing and cannot be guessed.
    return f"materials/{uuid.uuid4().hex}"


class Material(models.Model):
    """An uploaded file of REG-2, checked by content, size and (photos) dimensions."""

    # What a page says when a scoped read finds no such file (views/common.py).
    not_found_message = "文件不存在或您无权查看。"

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=MaterialKind.choices)
    file = models.FileField(_("文件"), upload_to=material_path)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    width = models.PositiveIntegerField(_("宽（像素）"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高（像素）"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # REG-2: for certificates, the center checks the original and keeps the copy.
    original_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("原件核验人"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )
    original_checked_at = models.DateTimeField(_("原件核验时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="material_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.application_id} · {self.get_kind_display()}"


class ApplicationTransition(models.Model):
    """Audit of every state change: who, when, from, to, why. Append-only."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("为空表示系统自动操作。"),
    )
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报状态变更记录")
        verbose_name_plural = _("申报状态变更记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_status or '—'} → {self.to_status}"


class PaymentRecord(AppendOnlyModel):
    """FEE-1: each time a center records a payment or withdraws the record: who, when, how much.
    Append-only, so the fee a candidate paid can always be traced."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="payments"
    )
    paid = models.BooleanField(_("登记为已缴费"), help_text=_("否表示撤销缴费登记。"))
    amount = models.DecimalField(_("应缴鉴定费（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("缴费登记记录")
        verbose_name_plural = _("缴费登记记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {'缴费' if self.paid else '撤销缴费'} {self.amount or ''}"


class FeeSchedule(models.Model):
    """FEE-1: the appraisal fee per occupation and level (吉省价收字〔2001〕24号)."""

    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.CASCADE, related_name="fees")
    level = models.PositiveSmallIntegerField(_("等级"), choices=Level.choices)
    amount = models.DecimalField(_("鉴定费（元）"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("执行日期"))
    document = models.CharField(_("收费依据"), max_length=100, default="吉省价收字〔2001〕24号")

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["occupation", "-level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "level", "effective_from"], name="fee_unique_per_date"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.occupation} {self.get_level_display()} {self.amount}元"


class ExtraSessionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class ExtraSessionRequest(models.Model):
    """CAL-6: a center asks its upper level for an additional appraisal day for a large group."""

    center = models.ForeignKey(
        Center, verbose_name=_("申请机构"), on_delete=models.PROTECT, related_name="extra_session_requests"
    )
    day = models.DateField(_("申请鉴定日期"))
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT)
    expected_candidates = models.PositiveIntegerField(_("预计人数"))
    reason = models.CharField(_("申请理由"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExtraSessionStatus.choices, default=ExtraSessionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审批意见"), max_length=500, blank=True)
    scheduled_day = models.OneToOneField(
        ScheduledAppraisalDay, verbose_name=_("安排的鉴定日"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="extra_session_request",
    )

    class Meta:
        verbose_name = _("增加鉴定场次申请")
        verbose_name_plural = _("增加鉴定场次申请")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expected_candidates__gt=0), name="extra_session_positive_count"),
            # CAL-6: one pending request per center and day, even when two clerks submit at once.
            models.UniqueConstraint(fields=["center", "day"], condition=Q(status="pending"),
                                    name="extra_session_one_pending_per_center_day"),
        ]

    def __str__(self):
        return f"{self.center} {self.day:%Y-%m-%d} {self.get_status_display()}"
