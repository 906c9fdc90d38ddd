"""The messages people get when something they wait for happens, their channel choices, and the
candidates' password-reset codes. Models of the appraisal app, registered through appraisal.models."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import User


class MessageKind(models.TextChoices):
    APPLICATION_SUBMITTED = "application_submitted", _("申报已提交")
    APPLICATION_RETURNED = "application_returned", _("申报被退回修改")
    APPLICATION_REJECTED = "application_rejected", _("申报审核不通过")
    APPLICATION_APPROVED = "application_approved", _("申报审核通过")
    TICKET_READY = "ticket_ready", _("准考证可打印")
    SCORES_PUBLISHED = "scores_published", _("成绩已发布")
    CERTIFICATE_ISSUED = "certificate_issued", _("证书已核发")
    CERTIFICATE_READY = "certificate_ready", _("证书可领取")
    QUEUE_NEW_APPLICATION = "queue_new_application", _("待审核的新申报")
    EXTRA_SESSION_DECIDED = "extra_session_decided", _("增加鉴定场次已审批")
    OVERDUE_ALERT = "overdue_alert", _("逾期提醒")
    QUARTER_STATISTICS = "quarter_statistics", _("季度统计报送")


class Message(models.Model):
    """One message to one person about one event. `event` names the event (for example
    "application:12:transition:40"); the database keeps one message per person and event, so a
    service run twice, or a task redelivered, never tells anyone twice."""

    recipient = models.ForeignKey(User, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("类型"), max_length=40, choices=MessageKind.choices)
    event = models.CharField(_("事件"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # SMS and e-mail go out once each, after the commit (appraisal.deliver_messages): each channel is
    # marked as soon as it went out, so a retry after the other channel failed skips it;
    # delivered_at is set once every channel the person chose is done.
    delivered_at = models.DateTimeField(_("短信/邮件处理时间"), null=True, blank=True)
    channels = models.CharField(_("已发送渠道"), max_length=40, blank=True)
    sms_sent_at = models.DateTimeField(_("短信发送时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="message_one_per_recipient_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="message_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="message_unread"),
            models.Index(fields=["event"], condition=Q(delivered_at__isnull=True), name="message_undelivered"),
        ]

    def __str__(self):
        return self.title


class ChannelPreference(models.Model):
    """Which channels a person wants besides the in-app message (always on). No row: SMS on,
    e-mail off (most candidates give a phone, few an e-mail address)."""

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="channel_preference")
    sms = models.BooleanField(_("短信通知"), default=True)
    email = models.BooleanField(_("电子邮件通知"), default=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息接收方式")
        verbose_name_plural = _("消息接收方式")

    def __str__(self):
        return str(self.user)


class PasswordResetCode(models.Model):
    """One request of 忘记密码. A row is written whether or not the ID number and phone match an
    account (`user` is then empty), so the pages do the same work either way; only a matching one
    gets an SMS. The code is stored hashed; a code is good for RESET_CODE_MINUTES and a few tries."""

    token = models.CharField(_("请求标识"), max_length=64, unique=True)
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    code_hash = models.CharField(_("验证码摘要"), max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("找回密码验证码")
        verbose_name_plural = _("找回密码验证码")
        indexes = [models.Index(fields=["created_at"], name="reset_code_created")]

    def __str__(self):
        return self.token[:8]
