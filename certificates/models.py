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


# --- Reporting up the chain (CERT-1: 一次一报, 逐级上报) ----------------------------------------------


class ReportKind(models.TextChoices):
    ORIGINAL = "original", _("首次上报")
    CORRECTION = "correction", _("更正上报")


class ReportState(models.TextChoices):
    SENT = "sent", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")


# A report item in one of these states holds its certificate's place at its hop.
LIVE_REPORT_STATES = (ReportState.SENT, ReportState.ACCEPTED)


class CorrectionKind(models.TextChoices):
    REVOCATION = "revocation", _("撤销")
    REISSUE = "reissue", _("补发")
    AMENDMENT = "amendment", _("信息更正")


class CertificateCorrection(AppendOnlyModel):
    """A change to a certificate already reported: it travels up the chain as a correction report
    that refers to the original, never as a second report of the same issuance."""

    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.PROTECT,
                                    related_name="corrections")
    kind = models.CharField(_("更正类型"), max_length=12, choices=CorrectionKind.choices)
    detail = models.CharField(_("更正内容"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书更正")
        verbose_name_plural = _("证书更正")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.certificate} {self.get_kind_display()}"


class Report(models.Model):
    """One batch sent from a center to the next level up, accepted or returned as a whole. A report
    accepted below the province is forwarded as a new report (its `origin`), once."""

    not_found_message = _("上报批次不存在或您无权查看。")

    identifier = models.CharField(_("批次号"), max_length=40, unique=True)
    sender = models.ForeignKey(Center, verbose_name=_("上报机构"), on_delete=models.PROTECT, related_name="reports_sent")
    receiver = models.ForeignKey(Center, verbose_name=_("接收机构"), on_delete=models.PROTECT,
                                 related_name="reports_received")
    hop = models.PositiveSmallIntegerField(_("层级"), help_text=_("0：鉴定机构向上一级上报；依次递增。"))
    kind = models.CharField(_("类型"), max_length=12, choices=ReportKind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.SENT)
    origin = models.OneToOneField("self", verbose_name=_("转报自"), on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="forwarded")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上报人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+", help_text=_("为空表示系统自动转报。"))
    sent_at = models.DateTimeField(_("上报时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("证书数据上报批次")
        verbose_name_plural = _("证书数据上报批次")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(state=ReportState.RETURNED) | ~Q(return_reason=""),
                                   name="report_returned_has_reason"),
        ]

    def __str__(self):
        return self.identifier


class ReportItem(models.Model):
    """A certificate (or a correction of one) in a report. Its hop, kind and state repeat the
    report's so that the database can hold: one live report per certificate and hop (per
    correction and hop for corrections), whoever sends at the same time."""

    report = models.ForeignKey(Report, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="items")
    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.PROTECT,
                                    related_name="report_items")
    correction = models.ForeignKey(CertificateCorrection, verbose_name=_("更正"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="report_items")
    hop = models.PositiveSmallIntegerField(_("层级"))
    kind = models.CharField(_("类型"), max_length=12, choices=ReportKind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.SENT)

    class Meta:
        verbose_name = _("上报明细")
        verbose_name_plural = _("上报明细")
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "hop"], name="report_original_once_per_hop",
                                    condition=Q(kind=ReportKind.ORIGINAL, state__in=LIVE_REPORT_STATES),
                                    violation_error_message=_("该证书已在本层级上报。")),
            models.UniqueConstraint(fields=["correction", "hop"], name="report_correction_once_per_hop",
                                    condition=Q(kind=ReportKind.CORRECTION, state__in=LIVE_REPORT_STATES)),
            models.CheckConstraint(condition=Q(kind=ReportKind.ORIGINAL, correction__isnull=True)
                                   | Q(kind=ReportKind.CORRECTION, correction__isnull=False),
                                   name="report_item_correction_iff_correction_kind"),
        ]

    def __str__(self):
        return f"{self.report} {self.certificate_id}"


class PublishedRecord(AppendOnlyModel):
    """What the province accepted, in order: the national exchange's feed (its id is the cursor)
    and what public verification answers for."""

    certificate = models.ForeignKey(Certificate, verbose_name=_("证书"), on_delete=models.PROTECT,
                                    related_name="published_records")
    kind = models.CharField(_("类型"), max_length=12, choices=ReportKind.choices)
    correction = models.ForeignKey(CertificateCorrection, verbose_name=_("更正"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    report = models.ForeignKey(Report, verbose_name=_("接收批次"), on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField(_("数据"))
    published_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("省级已接收证书数据")
        verbose_name_plural = _("省级已接收证书数据")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=Q(kind=ReportKind.ORIGINAL),
                                    name="published_original_once"),
            models.UniqueConstraint(fields=["correction"], condition=Q(kind=ReportKind.CORRECTION),
                                    name="published_correction_once"),
        ]

    def __str__(self):
        return f"{self.pk}: {self.certificate_id} {self.kind}"


class NationalExport(models.Model):
    """An incremental file for the national data exchange: the published records after the last
    export's cursor, as CSV with a SHA-256 manifest (docs/national-exchange.md)."""

    after_cursor = models.PositiveBigIntegerField(_("起始游标（不含）"))
    last_cursor = models.PositiveBigIntegerField(_("截止游标"))
    rows = models.PositiveIntegerField(_("记录数"))
    file = models.FileField(_("数据文件"), upload_to="exchange/")
    manifest = models.JSONField(_("清单"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("全国数据交换文件")
        verbose_name_plural = _("全国数据交换文件")
        ordering = ["-last_cursor"]
        constraints = [models.UniqueConstraint(fields=["after_cursor"], name="national_export_after_cursor_once")]

    def __str__(self):
        return f"{self.after_cursor}–{self.last_cursor}"


class ReportReminder(models.Model):
    """CERT-1: a center reminded, once a day at most, of certificates it has not reported."""

    center = models.ForeignKey(Center, verbose_name=_("鉴定机构"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    unreported = models.PositiveIntegerField(_("未上报证书数"))

    class Meta:
        verbose_name = _("证书上报提醒")
        verbose_name_plural = _("证书上报提醒")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="report_reminder_once_a_day")]

    def __str__(self):
        return f"{self.center} {self.day}: {self.unreported}"
