"""Certificates (CERT-2..CERT-4): one per qualified application, its number, its life from issue to
delivery (one transition table in certificates/services/lifecycle.py, every change audited), the
blanks it was printed on, the print batches of a printing center and the delivery alerts.

The database holds what must hold whoever acts at the same time: one valid certificate per
application, a number used once (never again after revocation), a running number within 1..99,999
per body, level and year, a blank serial used once, a certificate in one open print batch at most.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppendOnlyModel, BackgroundJob, Center, Level, Occupation
from registration.models import Application, Gender

MAX_RUNNING_NUMBER = 99_999


class State(models.TextChoices):
    ISSUED = "issued", _("已核发待打印")
    PRINTED = "printed", _("已打印待发放")
    DELIVERED = "delivered", _("已发放")
    REISSUED = "reissued", _("补发待打印")
    REVOKED = "revoked", _("已撤销")


# What waits in a printing center's queue.
PRINTABLE_STATES = (State.ISSUED, State.REISSUED)
_VALID = ~Q(state=State.REVOKED)


class NumberCounter(models.Model):
    """The last running number used per body, level and year (certificates/numbering.py). Never
    goes down: a revoked certificate's number is not given again."""

    body = models.ForeignKey(Center, verbose_name=_("鉴定机构"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.PositiveSmallIntegerField(_("等级"), choices=Level.choices)
    last = models.PositiveIntegerField(_("已用至"))

    class Meta:
        verbose_name = _("证书编号计数器")
        verbose_name_plural = _("证书编号计数器")
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "level"], name="certificate_counter_unique"),
            models.CheckConstraint(condition=Q(last__gte=0, last__lte=MAX_RUNNING_NUMBER),
                                   name="certificate_counter_within_five_digits"),
        ]

    def __str__(self):
        return f"{self.body} {self.year} {self.level}: {self.last}"


class Certificate(models.Model):
    """国家职业资格证书 of one qualified application. The holder's particulars are copied at issue:
    the certificate says what it said when it was issued."""

    not_found_message = _("证书不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    application = models.ForeignKey(Application, verbose_name=_("申报"), on_delete=models.PROTECT,
                                    related_name="certificates")
    number = models.CharField(_("证书编号"), max_length=16, unique=True)
    body = models.ForeignKey(Center, verbose_name=_("鉴定机构"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("证书编号中的机构：组织鉴定的机构。"))
    year = models.PositiveSmallIntegerField(_("发证年度"))
    level = models.PositiveSmallIntegerField(_("等级"), choices=Level.choices)
    running_number = models.PositiveIntegerField(_("顺序号"))
    printing_center = models.ForeignKey(Center, verbose_name=_("打印机构"), on_delete=models.PROTECT,
                                        related_name="certificates_to_print")
    issuing_authority = models.CharField(_("发证机关"), max_length=100)

    holder_name = models.CharField(_("姓名"), max_length=40)
    holder_gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    holder_id_number = models.CharField(_("身份证号"), max_length=18)
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT)

    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ISSUED)
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核发人"), on_delete=models.PROTECT,
                                  related_name="+")
    published_on = models.DateField(_("成绩发布日期"))
    due_on = models.DateField(_("发放期限"), null=True, blank=True,
                              help_text=_("CERT-3：成绩发布后15个工作日内；该年度工作日历未公布时暂空。"))
    blank_serial = models.CharField(_("证书流水码"), max_length=20, blank=True)
    replacement_count = models.PositiveSmallIntegerField(_("补发次数"), default=0)
    delivered_on = models.DateField(_("发放日期"), null=True, blank=True)
    delivered_to = models.CharField(_("领取人"), max_length=100, blank=True)
    delivered_to_unit = models.BooleanField(_("由单位集体领取"), default=False)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    revocation_document = models.CharField(_("撤销文号"), max_length=100, blank=True)
    pdf = models.FileField(_("电子证书PDF"), upload_to="certificates/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("职业资格证书")
        verbose_name_plural = _("职业资格证书")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=_VALID, name="certificate_one_valid_per_application",
                                    violation_error_message=_("该申报已核发证书。")),
            models.UniqueConstraint(fields=["body", "year", "level", "running_number"],
                                    name="certificate_running_number_unique"),
            models.CheckConstraint(condition=Q(running_number__gte=1, running_number__lte=MAX_RUNNING_NUMBER),
                                   name="certificate_running_number_five_digits"),
            models.CheckConstraint(condition=~Q(state=State.REVOKED) | Q(revoked_on__isnull=False),
                                   name="certificate_revoked_has_date"),
            models.CheckConstraint(condition=~Q(state=State.DELIVERED) | Q(delivered_on__isnull=False),
                                   name="certificate_delivered_has_date"),
        ]
        indexes = [models.Index(fields=["printing_center", "state"], name="certificate_print_queue")]

    def __str__(self):
        return f"{self.number} {self.holder_name}"

    @property
    def is_valid(self) -> bool:
        return self.state != State.REVOKED

    @property
    def is_overdue(self) -> bool:
        """CERT-3: past its delivery deadline and not yet handed over."""
        return (self.state in (State.ISSUED, State.PRINTED) and self.due_on is not None
                and self.due_on < timezone.localdate())


class CertificateTransition(AppendOnlyModel):
    """Every change of a certificate's state: who, when, from, to, why."""

    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.PROTECT,
                                    related_name="transitions")
    from_state = models.CharField(_("原状态"), max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书状态变更记录")
        verbose_name_plural = _("证书状态变更记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.certificate_id}: {self.from_state or '—'} → {self.to_state}"


class BatchStatus(models.TextChoices):
    OPEN = "open", _("待确认")
    CONFIRMED = "confirmed", _("已确认打印")
    CANCELLED = "cancelled", _("已取消")


class PrintBatch(models.Model):
    """Certificates a printing center prints as one PDF (a background job); printed only when staff
    confirm the blanks came out right."""

    not_found_message = _("打印批次不存在或您无权查看。")

    printing_center = models.ForeignKey(Center, verbose_name=_("打印机构"), on_delete=models.PROTECT,
                                        related_name="print_batches")
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    job = models.ForeignKey(BackgroundJob, verbose_name=_("生成任务"), on_delete=models.SET_NULL, null=True,
                            blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证书打印批次")
        verbose_name_plural = _("证书打印批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.printing_center} #{self.pk}"


class PrintBatchItem(models.Model):
    batch = models.ForeignKey(PrintBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="items")
    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.PROTECT,
                                    related_name="print_items")
    position = models.PositiveIntegerField(_("顺序"))
    is_open = models.BooleanField(_("批次未确认"), default=True)

    class Meta:
        verbose_name = _("打印批次明细")
        verbose_name_plural = _("打印批次明细")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=Q(is_open=True),
                                    name="certificate_in_one_open_batch",
                                    violation_error_message=_("该证书已在另一个待确认的打印批次中。")),
            models.UniqueConstraint(fields=["batch", "position"], name="print_item_position_unique"),
        ]

    def __str__(self):
        return f"{self.batch_id}/{self.position}: {self.certificate_id}"


class BlankUse(models.TextChoices):
    PRINTED = "printed", _("已打印")
    DESTROYED = "destroyed", _("已作废销毁")


class CertificateBlank(AppendOnlyModel):
    """A numbered certificate blank (证书流水码) used once: printed on, or spoiled and destroyed."""

    serial = models.CharField(_("证书流水码"), max_length=20, db_index=True)
    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.PROTECT,
                                    related_name="blanks")
    printing_center = models.ForeignKey(Center, verbose_name=_("打印机构"), on_delete=models.PROTECT,
                                        related_name="+")
    use = models.CharField(_("用途"), max_length=10, choices=BlankUse.choices)
    reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书空白件使用记录")
        verbose_name_plural = _("证书空白件使用记录")
        ordering = ["at", "id"]
        # A blank is printed on once, and destroyed once (possibly after it was printed on).
        constraints = [
            models.UniqueConstraint(fields=["serial"], condition=Q(use=BlankUse.PRINTED),
                                    name="certificate_blank_printed_once"),
            models.UniqueConstraint(fields=["serial"], condition=Q(use=BlankUse.DESTROYED),
                                    name="certificate_blank_destroyed_once"),
        ]

    def __str__(self):
        return f"{self.serial} {self.get_use_display()}"


class AlertKind(models.TextChoices):
    APPROACHING = "approaching", _("临近发放期限")
    OVERDUE = "overdue", _("逾期未发放")


class DeliveryAlert(models.Model):
    """CERT-3: raised once per certificate and kind, to the printing and the appraising center."""

    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.CASCADE,
                                    related_name="alerts")
    kind = models.CharField(_("类型"), max_length=12, choices=AlertKind.choices)
    due_on = models.DateField(_("发放期限"))
    raised_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)
    notified_centers = models.ManyToManyField(Center, verbose_name=_("通知机构"), related_name="+")

    class Meta:
        verbose_name = _("证书发放提醒")
        verbose_name_plural = _("证书发放提醒")
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["certificate", "kind"], name="delivery_alert_once")]

    def __str__(self):
        return f"{self.certificate} {self.get_kind_display()}"
