"""Records the core keeps for the other parts: the task outbox (appraisal/outbox.py) and the log of
who was shown personal data. Models of the appraisal app, registered through appraisal.models."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppendOnlyModel, User


class OutboxMessage(models.Model):
    """Work that must follow a commit (a PDF to render, a report to send), written in the same
    transaction as the change that needs it and relayed to Celery afterwards (appraisal/outbox.py):
    a broker outage delays it, never loses it. One pending message per `key`."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list, blank=True)
    key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(sent_at__isnull=True) & ~Q(key=""), name="outbox_one_pending_per_key"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_pending")]

    def __str__(self):
        return f"{self.task}{self.args}"


class PersonalDataKind(models.TextChoices):
    MATERIAL_FILE = "material_file", _("申报材料文件")
    APPLICATION_FORM = "application_form", _("申报表PDF")
    APPLICATION_FORMS_BATCH = "application_forms_batch", _("批量打印申报表")
    REGISTRATION_EXPORT = "registration_export", _("报名数据导出")
    CERTIFICATE_PRINT = "certificate_print", _("证书打印批次")


class PersonalDataAccess(AppendOnlyModel):
    """Who opened full ID numbers, when, and whose (what 等保 auditors ask for): every view or
    export that shows them records one row, read by the province center."""

    user = models.ForeignKey(User, verbose_name=_("访问人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=30, choices=PersonalDataKind.choices)
    # How many applications' numbers were shown; which ones: PersonalDataRecord rows.
    record_count = models.PositiveIntegerField(_("记录数"), default=0)
    path = models.CharField(_("访问地址"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="pdaccess_user_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_kind_display()}"


class PersonalDataRecord(AppendOnlyModel):
    """One application whose full ID number an access showed (no foreign key: the core does not know
    the application model), so an auditor can ask who saw a given candidate's data."""

    access = models.ForeignKey(PersonalDataAccess, on_delete=models.PROTECT, related_name="records")
    application_id = models.PositiveBigIntegerField(_("申报编号"), db_index=True)

    class Meta:
        verbose_name = _("访问涉及的申报")
        verbose_name_plural = _("访问涉及的申报")
        constraints = [models.UniqueConstraint(fields=["access", "application_id"], name="pdrecord_once")]

    def __str__(self):
        return f"{self.access_id}: {self.application_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未完成")


class BackgroundJob(models.Model):
    """Long work a person started (an import of thousands of rows, a large export) and waits for:
    run by a Celery worker, its progress and result shown on its page (appraisal/jobs.py)."""

    kind = models.CharField(_("类型"), max_length=60)
    owner = models.ForeignKey(User, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    upload = models.FileField(_("上传的文件"), upload_to="jobs/in/%Y/%m/", blank=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    output = models.FileField(_("生成的文件"), upload_to="jobs/out/%Y/%m/", blank=True)
    output_name = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("未完成的原因"), blank=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created")]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0), name="job_done_within_total"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


# Messages and password-reset codes (appraisal/messaging/) are registered with the records.
from appraisal.messaging.models import ChannelPreference, Message, MessageKind, PasswordResetCode  # noqa: E402, F401
