"""Exam administration (考务管理, EXAM-1..EXAM-11): sessions and their subjects, sites, rooms and
seats, examiners, papers and their custody, supervision, scores and their publication.

Invariants that must hold under concurrency are in the database: one seat per application, one
candidate per seat, one score per application and subject, one overdue alert per session.
Custody entries and score changes are append-only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import (  # noqa: F401  (AppendOnlyError: re-exported for callers of exams.models)
    AppendOnlyError,
    AppendOnlyModel,
    Center,
    Level,
    Occupation,
    RetakeDay,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)
from registration.models import Application


class Subject(models.TextChoices):
    THEORY = "theory", _("理论知识")
    SKILL = "skill", _("操作技能")
    REVIEW = "review", _("综合评审")


def subjects_for_level(level) -> list[str]:
    """EXAM-1..EXAM-3: theory and skill for every level; levels 2 and 1 add the comprehensive review."""
    subjects = [Subject.THEORY, Subject.SKILL]
    if int(level) <= Level.TWO:
        subjects.append(Subject.REVIEW)
    return subjects


class Site(models.Model):
    """An exam site (考点) of a center (EXAM-4)."""

    not_found_message = _("考点不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    center = models.ForeignKey(Center, verbose_name=_("鉴定机构"), on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("考点名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("考点")
        verbose_name_plural = _("考点")
        ordering = ["center", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="site_unique_name_per_center")]

    def __str__(self):
        return self.name


class RoomPurpose(models.TextChoices):
    # Rooms recorded before rooms said what they are for: they take any session, as before.
    GENERAL = "general", _("综合考场")
    THEORY = "theory", _("理论考场")
    SKILL = "skill", _("技能考核场地")


class Room(models.Model):
    """A room of a site with its seats and equipment (EXAM-4), and what it is for (EXAM-2): a skill
    workshop takes only the occupations it is equipped for; a theory room every occupation whose
    skill exam is not practical (实际操作); a general room (综合考场) every session."""

    site = models.ForeignKey(Site, verbose_name=_("考点"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("考场"), max_length=60)
    capacity = models.PositiveIntegerField(_("考位数"))
    equipment = models.CharField(_("设备设施"), max_length=300, blank=True)
    purpose = models.CharField(_("用途"), max_length=10, choices=RoomPurpose.choices, default=RoomPurpose.GENERAL)
    occupations = models.ManyToManyField(
        Occupation, verbose_name=_("服务职业"), blank=True, related_name="skill_rooms",
        help_text=_("技能考核场地为哪些职业的操作技能考核配备了设备。"),
    )

    class Meta:
        verbose_name = _("考场")
        verbose_name_plural = _("考场")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_unique_name_per_site"),
            models.CheckConstraint(condition=Q(capacity__gt=0, capacity__lte=1000), name="room_capacity_1_to_1000"),
        ]

    def __str__(self):
        return f"{self.site.name} {self.name}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    PUBLISHED = "published", _("成绩已发布")


class ExamSession(models.Model):
    """One occupation and level examined at one site on one appraisal (unified, scheduled, extra or retake)."""

    not_found_message = _("场次不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    center = models.ForeignKey(Center, verbose_name=_("鉴定机构"), on_delete=models.PROTECT, related_name="sessions")
    site = models.ForeignKey(Site, verbose_name=_("考点"), on_delete=models.PROTECT, related_name="sessions")
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(_("等级"), choices=Level.choices)
    unified_appraisal = models.ForeignKey(
        UnifiedAppraisal, verbose_name=_("统一鉴定"), on_delete=models.PROTECT, null=True, blank=True
    )
    scheduled_day = models.ForeignKey(
        ScheduledAppraisalDay, verbose_name=_("定期鉴定日"), on_delete=models.PROTECT, null=True, blank=True
    )
    retake_day = models.ForeignKey(RetakeDay, verbose_name=_("补考日"), on_delete=models.PROTECT, null=True, blank=True)
    day = models.DateField(_("考试日期"))
    pass_mark = models.DecimalField(_("合格分数线"), max_digits=4, decimal_places=1, default=60)
    status = models.CharField(_("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    published_at = models.DateTimeField(_("成绩发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考试场次")
        verbose_name_plural = _("考试场次")
        ordering = ["-day", "center", "occupation"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unified_appraisal__isnull=False, scheduled_day__isnull=True, retake_day__isnull=True)
                    | Q(unified_appraisal__isnull=True, scheduled_day__isnull=False, retake_day__isnull=True)
                    | Q(unified_appraisal__isnull=True, scheduled_day__isnull=True, retake_day__isnull=False)
                ),
                name="session_exactly_one_appraisal",
            ),
            models.CheckConstraint(condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="session_pass_mark_0_100"),
            models.CheckConstraint(
                condition=Q(status=SessionStatus.PLANNED) | Q(published_at__isnull=False),
                name="session_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.occupation} {self.get_level_display()} @ {self.site}"

    @property
    def appraisal(self):
        return self.unified_appraisal or self.scheduled_day or self.retake_day

    @property
    def is_unified(self):
        """EXAM-7: unified appraisals (and their retakes) publish within 20 working days, daily ones 15."""
        if self.unified_appraisal_id:
            return True
        return bool(self.retake_day_id and self.retake_day.kind == "unified")

    @property
    def is_published(self):
        return self.status == SessionStatus.PUBLISHED


class SessionSubject(models.Model):
    """A subject of a session with its time (EXAM-1..EXAM-3)."""

    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="subjects")
    subject = models.CharField(_("科目"), max_length=10, choices=Subject.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"))
    mode = models.CharField(_("考核方式"), max_length=40)

    class Meta:
        verbose_name = _("考试科目")
        verbose_name_plural = _("考试科目")
        ordering = ["session", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "subject"], name="session_subject_unique"),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="session_subject_positive_minutes"),
        ]

    def __str__(self):
        return f"{self.get_subject_display()} {self.starts_at:%H:%M} {self.minutes}分钟"


class SeatAssignment(models.Model):
    """A candidate's seat and admission ticket number. The unique constraints make a seat of a room
    hold one candidate a day (across the site's sessions of that day) and an application one seat,
    whoever assigns at the same time. `day` repeats the session's day for that constraint."""

    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="seats")
    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="seat"
    )
    room = models.ForeignKey(Room, verbose_name=_("考场"), on_delete=models.PROTECT, related_name="seats")
    day = models.DateField(_("考试日期"), help_text=_("与场次的考试日期相同：同一考场同一天的座位只能编排一次。"))
    seat_number = models.PositiveIntegerField(_("座位号"))
    ticket_number = models.CharField(_("准考证号"), max_length=24, unique=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编排人"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("编排时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考位编排")
        verbose_name_plural = _("考位编排")
        ordering = ["session", "room", "seat_number"]
        constraints = [
            # EXAM-4: a room's seat holds one candidate a day, whichever session of the site seats them.
            models.UniqueConstraint(fields=["room", "day", "seat_number"], name="seat_one_candidate_per_room_day"),
            models.CheckConstraint(condition=Q(seat_number__gte=1), name="seat_number_positive"),
        ]

    def __str__(self):
        return f"{self.ticket_number} {self.room} {self.seat_number}号"

    def save(self, *args, **kwargs):
        if self.day is None and self.session_id:
            self.day = self.session.day  # the services set it; this covers a row made by hand
        super().save(*args, **kwargs)


class ExaminerQualification(models.Model):
    """EXAM-5: an examiner's qualification for an occupation up to a level, valid until a date."""

    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考评人员"), on_delete=models.CASCADE, related_name="qualifications"
    )
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.CASCADE)
    highest_level = models.PositiveSmallIntegerField(
        _("最高可考评等级"), choices=Level.choices, help_text=_("可考评该等级及以下等级。")
    )
    certificate_number = models.CharField(_("考评员证号"), max_length=40)
    valid_until = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("考评员资格")
        verbose_name_plural = _("考评员资格")
        ordering = ["examiner", "occupation"]
        constraints = [
            models.UniqueConstraint(fields=["examiner", "occupation"], name="qualification_unique_per_occupation"),
        ]

    def __str__(self):
        return f"{self.examiner} · {self.occupation} · {self.get_highest_level_display()}"

    def covers(self, level, on_date):
        return self.highest_level <= int(level) and self.valid_until >= on_date


class DeclaredRelation(models.Model):
    """EXAM-5 回避: an examiner's declared relation to a candidate."""

    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考评人员"), on_delete=models.CASCADE, related_name="declared_relations"
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考生"), on_delete=models.CASCADE, related_name="+"
    )
    relation = models.CharField(_("关系"), max_length=60)

    class Meta:
        verbose_name = _("回避关系申报")
        verbose_name_plural = _("回避关系申报")
        constraints = [models.UniqueConstraint(fields=["examiner", "candidate"], name="relation_unique_pair")]

    def __str__(self):
        return f"{self.examiner} — {self.candidate}（{self.relation}）"


class ExaminerAssignment(models.Model):
    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="examiners")
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考评人员"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指派人"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考评人员指派")
        verbose_name_plural = _("考评人员指派")
        constraints = [models.UniqueConstraint(fields=["session", "examiner"], name="examiner_once_per_session")]

    def __str__(self):
        return f"{self.session} · {self.examiner}"


class PaperSource(models.TextChoices):
    SUB_BANK = "sub_bank", _("地市级分库自行组卷")
    PROVINCE = "province", _("省鉴定中心提供")


class PaperRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    FULFILLED = "fulfilled", _("已提供")


class PaperRequest(models.Model):
    """EXAM-9: a center without a sub-bank asks the province center for papers for its region's trades."""

    not_found_message = _("试卷申请不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    center = models.ForeignKey(Center, verbose_name=_("申请机构"), on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(_("科目"), max_length=10, choices=Subject.choices)
    copies = models.PositiveIntegerField(_("份数"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PaperRequestStatus.choices, default=PaperRequestStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    fulfilled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提供人"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    fulfilled_at = models.DateTimeField(_("提供时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("试卷申请")
        verbose_name_plural = _("试卷申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "subject"], name="paper_request_once_per_subject"),
            models.CheckConstraint(condition=Q(copies__gt=0), name="paper_request_positive_copies"),
        ]

    def __str__(self):
        return f"{self.session} {self.get_subject_display()} {self.copies}份"


class Paper(models.Model):
    """A paper (试卷) for one subject of one session: secret material (EXAM-10)."""

    not_found_message = _("试卷不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="papers")
    subject = models.CharField(_("科目"), max_length=10, choices=Subject.choices)
    source = models.CharField(_("来源"), max_length=10, choices=PaperSource.choices)
    code = models.CharField(_("试卷编号"), max_length=40, unique=True)
    copies = models.PositiveIntegerField(_("份数"))
    request = models.OneToOneField(PaperRequest, verbose_name=_("试卷申请"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="paper")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("组卷人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("组卷时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["session", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["session", "subject"], name="paper_once_per_subject"),
            models.CheckConstraint(condition=Q(copies__gt=0), name="paper_positive_copies"),
        ]

    def __str__(self):
        return self.code


class CustodyAction(models.TextChoices):
    COMPOSED = "composed", _("组卷封存")
    TRANSFERRED = "transferred", _("密封移交")
    RECEIVED = "received", _("接收")
    HANDED_OUT = "handed_out", _("分发")
    OPENED = "opened", _("启封")
    COLLECTED = "collected", _("回收")
    RETURNED = "returned", _("交回")
    DESTROYED = "destroyed", _("销毁")


class CustodyEntry(AppendOnlyModel):
    """EXAM-10: every transfer and hand-out of exam material, with the person responsible."""

    paper = models.ForeignKey(Paper, verbose_name=_("试卷"), on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(_("环节"), max_length=12, choices=CustodyAction.choices)
    from_person = models.CharField(_("交出人"), max_length=60)
    to_person = models.CharField(_("接收人"), max_length=60)
    copies = models.PositiveIntegerField(_("份数"))
    sealed = models.BooleanField(_("密封完好"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("保密材料交接记录")
        verbose_name_plural = _("保密材料交接记录")
        ordering = ["paper", "at", "id"]

    def __str__(self):
        return f"{self.paper} {self.get_action_display()} {self.from_person}→{self.to_person}"


class SupervisionKind(models.TextChoices):
    ON_SITE = "on_site", _("现场督导")
    VIDEO = "video", _("远程视频监控")


class Supervision(models.Model):
    """EXAM-11: who supervised a session, on site or by remote video."""

    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE,
                                related_name="supervisions")
    kind = models.CharField(_("方式"), max_length=10, choices=SupervisionKind.choices)
    supervisor = models.CharField(_("督导人员"), max_length=60)
    notes = models.CharField(_("情况记录"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考场督导")
        verbose_name_plural = _("考场督导")
        ordering = ["session", "at"]

    def __str__(self):
        return f"{self.session} {self.get_kind_display()} {self.supervisor}"


class IncidentKind(models.TextChoices):
    CRIBBING = "cribbing", _("夹带")
    COPYING = "copying", _("抄袭")
    IMPERSONATION = "impersonation", _("替考")
    DEVICE = "device", _("使用通讯工具")
    DISORDER = "disorder", _("扰乱考场秩序")
    OTHER = "other", _("其他")


class IncidentMeasure(models.TextChoices):
    WARNING = "warning", _("警告")
    SUBJECT_VOID = "subject_void", _("该科目成绩无效")
    DISQUALIFIED = "disqualified", _("取消本次鉴定资格")


class DisciplineIncident(models.Model):
    """EXAM-11: a discipline incident, the candidate and the measure taken."""

    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="incidents")
    application = models.ForeignKey(Application, verbose_name=_("考生申报"), on_delete=models.PROTECT,
                                    related_name="incidents")
    kind = models.CharField(_("违纪类型"), max_length=14, choices=IncidentKind.choices)
    measure = models.CharField(_("处理措施"), max_length=14, choices=IncidentMeasure.choices)
    subject = models.CharField(
        _("涉及科目"), max_length=10, choices=Subject.choices, blank=True, default="",
        help_text=_("处理措施为“该科目成绩无效”时必填。"),
    )
    description = models.CharField(_("情况说明"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("违纪记录")
        verbose_name_plural = _("违纪记录")
        ordering = ["session", "at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(measure="subject_void") | ~Q(subject=""),
                name="incident_subject_void_names_subject",
            ),
        ]

    def __str__(self):
        return f"{self.application.name} {self.get_kind_display()} {self.get_measure_display()}"


class Score(models.Model):
    """EXAM-6: one subject's score of one application. A pass is retained for a year (EXAM-8)."""

    not_found_message = _("成绩不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    application = models.ForeignKey(Application, verbose_name=_("申报"), on_delete=models.PROTECT,
                                    related_name="scores")
    session = models.ForeignKey(ExamSession, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="scores")
    subject = models.CharField(_("科目"), max_length=10, choices=Subject.choices)
    value = models.DecimalField(_("成绩"), max_digits=4, decimal_places=1)
    passed = models.BooleanField(_("合格"))
    pass_valid_until = models.DateField(_("合格成绩保留至"), null=True, blank=True)
    pass_expired = models.BooleanField(_("保留期已过"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("成绩")
        verbose_name_plural = _("成绩")
        ordering = ["session", "application", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["application", "subject"], name="score_once_per_subject"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="score_0_to_100",
                                   violation_error_message=_("成绩必须在0到100之间。")),
        ]

    def __str__(self):
        return f"{self.application.name} {self.get_subject_display()} {self.value}"


class ScoreChange(AppendOnlyModel):
    """EXAM-6: every score written or changed: who, when, old and new value, why."""

    score = models.ForeignKey(Score, verbose_name=_("成绩"), on_delete=models.PROTECT, related_name="changes")
    old_value = models.DecimalField(_("原成绩"), max_digits=4, decimal_places=1, null=True, blank=True)
    new_value = models.DecimalField(_("新成绩"), max_digits=4, decimal_places=1)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT,
                                   related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("成绩变更记录")
        verbose_name_plural = _("成绩变更记录")
        ordering = ["score", "at", "id"]

    def __str__(self):
        return f"{self.score}: {self.old_value} → {self.new_value}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")


class ScoreCorrectionRequest(models.Model):
    """EXAM-6: after publication a score changes only through a correction the upper level approves."""

    not_found_message = _("更正申请不存在或您无权查看。")  # the API's 404 (appraisal.errors)

    score = models.ForeignKey(Score, verbose_name=_("成绩"), on_delete=models.PROTECT, related_name="corrections")
    new_value = models.DecimalField(_("更正后成绩"), max_digits=4, decimal_places=1)
    reason = models.CharField(_("更正理由"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("成绩更正申请")
        verbose_name_plural = _("成绩更正申请")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(new_value__gte=0, new_value__lte=100), name="correction_0_to_100"),
            models.UniqueConstraint(fields=["score"], condition=Q(status="pending"),
                                    name="correction_one_pending_per_score"),
        ]

    def __str__(self):
        return f"{self.score} → {self.new_value}（{self.get_status_display()}）"


class OverdueAlert(models.Model):
    """EXAM-7: raised once when a session's results are not published by the deadline."""

    session = models.OneToOneField(ExamSession, verbose_name=_("场次"), on_delete=models.CASCADE,
                                   related_name="overdue_alert")
    deadline = models.DateField(_("发布期限"))
    raised_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)
    notified_centers = models.ManyToManyField(Center, verbose_name=_("通知机构"), related_name="+")

    class Meta:
        verbose_name = _("成绩发布逾期提醒")
        verbose_name_plural = _("成绩发布逾期提醒")
        ordering = ["-raised_at"]

    def __str__(self):
        return f"{self.session} 逾期（期限 {self.deadline}）"
