"""Exams API (DRF, EXAM-1..EXAM-11): sites, sessions, seats, examiners, papers and custody,
supervision, scores and their publication, and the candidate's tickets and scores.

Thin over exams.services and exams.selectors: every read is scoped by the authority engine
through the selectors (another center's session is a 404), every write is a service call whose
Django errors become structured 400/403 responses with Chinese messages (appraisal.errors, the API's exception handler)."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from appraisal.idnumbers import mask_id_number
from appraisal.models import (
    Center,
    Occupation,
    RetakeDay,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from exams import selectors, services
from exams.models import (
    CustodyAction,
    CustodyEntry,
    DisciplineIncident,
    ExaminerAssignment,
    ExamSession,
    IncidentKind,
    IncidentMeasure,
    Paper,
    PaperRequest,
    Room,
    Score,
    ScoreChange,
    ScoreCorrectionRequest,
    SeatAssignment,
    SessionSubject,
    Site,
    Subject,
    Supervision,
    SupervisionKind,
)
from registration import selectors as registration_selectors
from registration.models import Application

# --- Scoped lookups (the selectors decide; the API only narrows) -------------------------------


def visible_sessions(user):
    return selectors.sessions_for(user)


def seated_applications(user):
    """Applications seated in a session the user may see (scores, incidents)."""
    return Application.objects.filter(seat__session__in=visible_sessions(user).values("pk"))


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up only among the rows `scope(user)` returns: another center's rows
    do not exist for this user."""

    def __init__(self, scope, model, **kwargs):
        self.scope, self.model = scope, model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:  # schema generation
            return self.model.objects.none()
        return self.scope(request.user)


class ScopedObjectMixin:
    """A row outside the user's scope does not exist for them: a 404 with a Chinese message."""

    not_found_message = gettext_lazy("记录不存在或您无权查看。")

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as exc:
            raise NotFound(str(self.not_found_message)) from exc


class ScopedReadViewSet(ScopedObjectMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve only; writes are explicit service calls below."""


# --- Sites and rooms (EXAM-4) ---------------------------------------------------------------------


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "site", "name", "capacity", "equipment"]
        read_only_fields = fields


class SiteSerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", read_only=True)
    rooms = RoomSerializer(many=True, read_only=True)
    capacity = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = ["id", "center", "center_name", "name", "address", "is_active", "rooms", "capacity"]
        read_only_fields = fields

    def get_capacity(self, obj) -> int:
        return sum(room.capacity for room in obj.rooms.all())


class SiteCreateSerializer(serializers.Serializer):
    center = serializers.PrimaryKeyRelatedField(queryset=Center.objects.all())
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)


class RoomCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    capacity = serializers.IntegerField(help_text="考位数，1到1000。")
    equipment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="考点列表（按权限范围，含考场）"),
    retrieve=extend_schema(summary="考点详情（含考场与考位数）"),
)
class SiteViewSet(ScopedReadViewSet):
    """考点与考场（EXAM-4）：考位数与设备设施。"""

    not_found_message = gettext_lazy("考点不存在或您无权查看。")

    serializer_class = SiteSerializer
    filterset_fields = ["center", "is_active"]

    def get_queryset(self):
        return selectors.sites_for(self.request.user)

    @extend_schema(summary="新建考点", request=SiteCreateSerializer, responses={201: SiteSerializer})
    def create(self, request):
        serializer = SiteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        site = services.create_site(actor=request.user, **serializer.validated_data)
        return Response(SiteSerializer(self.get_queryset().get(pk=site.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="为考点添加考场（考位数、设备设施）", request=RoomCreateSerializer,
                   responses={201: RoomSerializer})
    @action(detail=True, methods=["post"])
    def rooms(self, request, pk=None):
        site = self.get_object()
        serializer = RoomCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        room = services.add_room(actor=request.user, site=site, **serializer.validated_data)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


# --- Sessions (EXAM-1..EXAM-5, EXAM-7) --------------------------------------------------------------


class SessionSubjectSerializer(serializers.ModelSerializer):
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)

    class Meta:
        model = SessionSubject
        fields = ["subject", "subject_display", "starts_at", "minutes", "mode"]
        read_only_fields = fields


class ExamSessionSerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    seat_count = serializers.IntegerField(read_only=True)
    subjects = SessionSubjectSerializer(many=True, read_only=True)

    class Meta:
        model = ExamSession
        fields = [
            "id", "center", "center_name", "site", "site_name", "occupation", "occupation_name", "level",
            "level_display", "unified_appraisal", "scheduled_day", "retake_day", "day", "pass_mark", "status",
            "status_display", "published_at", "seat_count", "subjects",
        ]
        read_only_fields = fields


class SessionCreateSerializer(serializers.Serializer):
    center = serializers.PrimaryKeyRelatedField(queryset=Center.objects.all())
    site = ScopedPrimaryKeyRelatedField(selectors.sites_for, Site)
    occupation = serializers.PrimaryKeyRelatedField(queryset=Occupation.objects.all())
    level = serializers.IntegerField(help_text="5 初级工 … 1 高级技师")
    unified_appraisal = serializers.PrimaryKeyRelatedField(queryset=UnifiedAppraisal.objects.all(), required=False)
    scheduled_day = serializers.PrimaryKeyRelatedField(queryset=ScheduledAppraisalDay.objects.all(), required=False)
    retake_day = serializers.PrimaryKeyRelatedField(queryset=RetakeDay.objects.all(), required=False)
    day = serializers.DateField(required=False, help_text="统一鉴定有两天时选择其一；默认第一天。")
    pass_mark = serializers.DecimalField(max_digits=4, decimal_places=1, required=False)

    def validate(self, attrs):
        targets = [attrs.pop(k) for k in ("unified_appraisal", "scheduled_day", "retake_day") if attrs.get(k)]
        if len(targets) != 1:
            raise ValidationError({"detail": [_("请选择且只选择一个鉴定批次（统一鉴定、定期鉴定日或补考日）。")]})
        attrs["target"] = targets[0]
        return attrs


class SeatSerializer(serializers.ModelSerializer):
    room_name = serializers.CharField(source="room.name", read_only=True)
    name = serializers.CharField(source="application.name", read_only=True)
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = SeatAssignment
        fields = ["id", "ticket_number", "room", "room_name", "seat_number", "application", "name", "id_number"]
        read_only_fields = fields

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.application.id_number)


class SeatCreateSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(registration_selectors.applications_for, Application)
    room = ScopedPrimaryKeyRelatedField(lambda user: Room.objects.filter(site__in=selectors.sites_for(user)), Room)
    seat_number = serializers.IntegerField()


SeatingResultSerializer = inline_serializer("SeatingResult", {
    "seated": serializers.IntegerField(),
    "unseated": inline_serializer("Unseated", {
        "application": serializers.IntegerField(),
        "name": serializers.CharField(),
        "reason": serializers.CharField(),
    }, many=True),
})


class ExaminerAssignmentSerializer(serializers.ModelSerializer):
    examiner_name = serializers.CharField(source="examiner.display_name", read_only=True)

    class Meta:
        model = ExaminerAssignment
        fields = ["id", "session", "examiner", "examiner_name", "assigned_at"]
        read_only_fields = fields


class ExaminerAssignSerializer(serializers.Serializer):
    examiner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.EXAMINER))


MissingScoresSerializer = inline_serializer("MissingScores", {
    "application": serializers.IntegerField(),
    "name": serializers.CharField(),
    "ticket_number": serializers.CharField(),
    "subjects": serializers.ListField(child=serializers.CharField()),
    "subjects_display": serializers.ListField(child=serializers.CharField()),
}, many=True)
DeadlineSerializer = inline_serializer("PublicationDeadline", {
    "deadline": serializers.DateField(),
    "working_days": serializers.IntegerField(),
    "published": serializers.BooleanField(),
    "overdue": serializers.BooleanField(),
})


# --- Papers and custody (EXAM-9, EXAM-10) --------------------------------------------------------


class PaperSerializer(serializers.ModelSerializer):
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Paper
        fields = ["id", "session", "subject", "subject_display", "source", "source_display", "code", "copies",
                  "request", "created_at"]
        read_only_fields = fields


class PaperComposeSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    copies = serializers.IntegerField()
    code = serializers.CharField(max_length=40)


class PaperRequestSerializer(serializers.ModelSerializer):
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    center_name = serializers.CharField(source="center.name", read_only=True)

    class Meta:
        model = PaperRequest
        fields = ["id", "center", "center_name", "session", "subject", "subject_display", "copies", "status",
                  "status_display", "requested_at", "fulfilled_at"]
        read_only_fields = fields


class PaperRequestCreateSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    copies = serializers.IntegerField()


class PaperFulfilSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class CustodyEntrySerializer(serializers.ModelSerializer):
    paper_code = serializers.CharField(source="paper.code", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = CustodyEntry
        fields = ["id", "paper", "paper_code", "action", "action_display", "from_person", "to_person", "copies",
                  "sealed", "note", "recorded_by_name", "at"]
        read_only_fields = fields


class CustodyCreateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CustodyAction.choices)
    from_person = serializers.CharField(max_length=60)
    to_person = serializers.CharField(max_length=60)
    copies = serializers.IntegerField()
    sealed = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- Supervision and incidents (EXAM-11) ------------------------------------------------------------


class SupervisionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "session", "kind", "kind_display", "supervisor", "notes", "at"]
        read_only_fields = fields


class SupervisionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupervisionKind.choices)
    supervisor = serializers.CharField(max_length=60)
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IncidentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="application.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    measure_display = serializers.CharField(source="get_measure_display", read_only=True)
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)

    class Meta:
        model = DisciplineIncident
        fields = ["id", "session", "application", "name", "kind", "kind_display", "measure", "measure_display",
                  "subject", "subject_display", "description", "at"]
        read_only_fields = fields


class IncidentCreateSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(seated_applications, Application)
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    measure = serializers.ChoiceField(choices=IncidentMeasure.choices)
    subject = serializers.ChoiceField(
        choices=Subject.choices, required=False, allow_blank=True, default="",
        help_text="处理措施为 subject_void（该科目成绩无效）时必填：成绩无效的科目。",
    )
    description = serializers.CharField(max_length=500)


@extend_schema_view(
    list=extend_schema(summary="考试场次列表（按权限范围；考评人员另见被指派的场次）"),
    retrieve=extend_schema(summary="考试场次详情（含科目与时间）"),
)
class ExamSessionViewSet(ScopedReadViewSet):
    """考试场次（EXAM-1..EXAM-11）：编排考位、指派考评人员、试卷、督导、成绩发布。"""

    not_found_message = gettext_lazy("场次不存在或您无权查看。")

    serializer_class = ExamSessionSerializer
    filterset_fields = ["status", "center", "site", "occupation", "level", "day"]

    def get_queryset(self):
        return visible_sessions(self.request.user).prefetch_related("subjects")

    def _session(self, pk):
        return selectors.session_for(self.request.user, pk)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _session_data(self, session, code=status.HTTP_200_OK):
        session = self.get_queryset().get(pk=session.pk)
        return Response(ExamSessionSerializer(session).data, status=code)

    @extend_schema(summary="安排考试场次（科目按等级生成）", request=SessionCreateSerializer,
                   responses={201: ExamSessionSerializer})
    def create(self, request):
        data = self._input(SessionCreateSerializer)
        session = services.schedule_session(actor=request.user, **data)
        return self._session_data(session, status.HTTP_201_CREATED)

    @extend_schema(summary="自动编排考位（不超过考场容量；列出未编排考生及原因）", request=None,
                   responses=SeatingResultSerializer)
    @action(detail=True, methods=["post"], url_path="assign-seats")
    def assign_seats(self, request, pk=None):
        session = self._session(pk)
        result = services.assign_seats_automatically(session=session, actor=request.user)
        return Response({
            "seated": result.seated,
            "unseated": [{"application": a.pk, "name": a.name, "reason": str(reason)} for a, reason in result.unseated],
        })

    @extend_schema(methods=["GET"], summary="座位表（身份证号脱敏）", responses=SeatSerializer(many=True))
    @extend_schema(methods=["POST"], summary="手工编排一个考位", request=SeatCreateSerializer,
                   responses={201: SeatSerializer})
    @action(detail=True, methods=["get", "post"])
    def seats(self, request, pk=None):
        session = self._session(pk)
        if request.method == "GET":
            return Response(SeatSerializer(selectors.seat_plan(session), many=True).data)
        seat = services.assign_seat(session=session, actor=request.user,
                            **self._input(SeatCreateSerializer))
        seat = selectors.seat_plan(session).get(pk=seat.pk)
        return Response(SeatSerializer(seat).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="本场次的考评人员", responses=ExaminerAssignmentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="指派考评人员（资格、轮换、回避）", request=ExaminerAssignSerializer,
                   responses={201: ExaminerAssignmentSerializer})
    @action(detail=True, methods=["get", "post"])
    def examiners(self, request, pk=None):
        session = self._session(pk)
        if request.method == "GET":
            assignments = session.examiners.select_related("examiner").order_by("assigned_at", "pk")
            return Response(ExaminerAssignmentSerializer(assignments, many=True).data)
        assignment = services.assign_examiner(session=session, actor=request.user,
                                  **self._input(ExaminerAssignSerializer))
        return Response(ExaminerAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="尚缺成绩的考生与科目", responses=MissingScoresSerializer)
    @action(detail=True, methods=["get"], url_path="missing-scores")
    def missing_scores(self, request, pk=None):
        session = self._session(pk)
        tickets = dict(SeatAssignment.objects.filter(session=session).values_list("application_id", "ticket_number"))
        return Response([
            {"application": application.pk, "name": application.name, "ticket_number": tickets.get(application.pk, ""),
             "subjects": list(subjects), "subjects_display": [str(Subject(s).label) for s in subjects]}
            for application, subjects in services.missing_scores(session)
        ])

    @extend_schema(summary="发布本场次成绩（成绩须录入完整）", request=None, responses=ExamSessionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        session = self._session(pk)
        services.publish_session(session=session, actor=request.user)
        return self._session_data(session)

    @extend_schema(summary="成绩发布期限（EXAM-7：定期鉴定15个工作日，统一鉴定20个工作日）",
                   responses=DeadlineSerializer)
    @action(detail=True, methods=["get"])
    def deadline(self, request, pk=None):
        session = self._session(pk)
        deadline = services.publication_deadline(session)
        return Response({
            "deadline": deadline,
            "working_days": services.PUBLICATION_WORKING_DAYS["unified" if session.is_unified else "daily"],
            "published": session.is_published,
            "overdue": not session.is_published and timezone.localdate() > deadline,
        })

    @extend_schema(methods=["GET"], summary="本场次的试卷", responses=PaperSerializer(many=True))
    @extend_schema(methods=["POST"], summary="抽题组卷（运行地市级分库的地区及省中心）", request=PaperComposeSerializer,
                   responses={201: PaperSerializer})
    @action(detail=True, methods=["get", "post"])
    def papers(self, request, pk=None):
        session = self._session(pk)
        if request.method == "GET":
            return Response(PaperSerializer(session.papers.order_by("subject"), many=True).data)
        paper = services.compose_paper(session=session, actor=request.user,
                             **self._input(PaperComposeSerializer))
        return Response(PaperSerializer(paper).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="向省鉴定中心申请试卷（未运行分库的地区）", request=PaperRequestCreateSerializer,
                   responses={201: PaperRequestSerializer})
    @action(detail=True, methods=["post"], url_path="paper-requests")
    def paper_requests(self, request, pk=None):
        session = self._session(pk)
        paper_request = services.request_papers(session=session, actor=request.user,
                                     **self._input(PaperRequestCreateSerializer))
        return Response(PaperRequestSerializer(paper_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="督导记录", responses=SupervisionSerializer(many=True))
    @extend_schema(methods=["POST"], summary="记录现场督导或远程视频监控", request=SupervisionCreateSerializer,
                   responses={201: SupervisionSerializer})
    @action(detail=True, methods=["get", "post"])
    def supervisions(self, request, pk=None):
        session = self._session(pk)
        if request.method == "GET":
            return Response(SupervisionSerializer(session.supervisions.order_by("at", "pk"), many=True).data)
        supervision = services.record_supervision(session=session, actor=request.user,
                                   **self._input(SupervisionCreateSerializer))
        return Response(SupervisionSerializer(supervision).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="违纪记录", responses=IncidentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="记录违纪情况及处理措施", request=IncidentCreateSerializer,
                   responses={201: IncidentSerializer})
    @action(detail=True, methods=["get", "post"])
    def incidents(self, request, pk=None):
        session = self._session(pk)
        if request.method == "GET":
            incidents = session.incidents.select_related("application").order_by("at", "pk")
            return Response(IncidentSerializer(incidents, many=True).data)
        incident = services.record_incident(session=session, actor=request.user,
                                **self._input(IncidentCreateSerializer))
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="试卷列表（按权限范围）"),
    retrieve=extend_schema(summary="试卷详情"),
)
class PaperViewSet(ScopedReadViewSet):
    """试卷（EXAM-9）与保密材料交接记录（EXAM-10，只能追加）。"""

    not_found_message = gettext_lazy("试卷不存在或您无权查看。")

    serializer_class = PaperSerializer
    filterset_fields = ["session", "subject", "source"]

    def get_queryset(self):
        return Paper.objects.filter(session__in=visible_sessions(self.request.user).values("pk")).order_by(
            "session", "subject")

    @extend_schema(methods=["GET"], summary="试卷交接记录（只读，按时间顺序）", responses=CustodyEntrySerializer(many=True))
    @extend_schema(methods=["POST"], summary="追加一条交接记录（责任到人）", request=CustodyCreateSerializer,
                   responses={201: CustodyEntrySerializer})
    @action(detail=True, methods=["get", "post"])
    def custody(self, request, pk=None):
        paper = self.get_object()
        if request.method == "GET":
            return Response(CustodyEntrySerializer(selectors.custody_log(paper), many=True).data)
        serializer = CustodyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.record_custody(paper=paper, actor=request.user, **serializer.validated_data)
        return Response(CustodyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="保密材料交接记录（只读：不能修改或删除）"),
    retrieve=extend_schema(summary="一条交接记录"),
)
class CustodyEntryViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """交接记录只能追加（EXAM-10）：没有修改和删除接口（405）。"""

    serializer_class = CustodyEntrySerializer
    filterset_fields = ["paper", "action"]

    def get_queryset(self):
        return CustodyEntry.objects.filter(
            paper__session__in=visible_sessions(self.request.user).values("pk")
        ).select_related("paper", "recorded_by").order_by("paper", "at", "id")


@extend_schema_view(
    list=extend_schema(summary="试卷申请列表（省鉴定中心处理）"),
    retrieve=extend_schema(summary="试卷申请详情"),
)
class PaperRequestViewSet(ScopedReadViewSet):
    """向省鉴定中心申请的试卷（EXAM-9）。"""

    not_found_message = gettext_lazy("试卷申请不存在或您无权查看。")

    serializer_class = PaperRequestSerializer
    filterset_fields = ["status", "center", "session", "subject"]

    def get_queryset(self):
        return PaperRequest.objects.filter(session__in=visible_sessions(self.request.user).values("pk")).select_related(
            "center").order_by("-requested_at", "-pk")

    @extend_schema(summary="省鉴定中心提供试卷（组卷并密封移交）", request=PaperFulfilSerializer,
                   responses={201: PaperSerializer})
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        paper_request = self.get_object()
        serializer = PaperFulfilSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        paper = services.fulfil_paper_request(request=paper_request, actor=request.user,
                             code=serializer.validated_data["code"])
        return Response(PaperSerializer(paper).data, status=status.HTTP_201_CREATED)


# --- Scores, publication and corrections (EXAM-6..EXAM-8) -------------------------------------------


class ScoreChangeSerializer(serializers.ModelSerializer):
    changed_by_name = serializers.CharField(source="changed_by.display_name", read_only=True)

    class Meta:
        model = ScoreChange
        fields = ["old_value", "new_value", "changed_by_name", "at", "reason"]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="application.name", read_only=True)
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "application", "name", "session", "subject", "subject_display", "value", "passed",
                  "pass_valid_until", "pass_expired", "entered_at", "updated_at"]
        read_only_fields = fields


class ScoreDetailSerializer(ScoreSerializer):
    changes = ScoreChangeSerializer(many=True, read_only=True)

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "changes"]
        read_only_fields = fields


class ScoreEntrySerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(seated_applications, Application)
    subject = serializers.ChoiceField(choices=Subject.choices)
    value = serializers.CharField(max_length=20, help_text="0到100，最多一位小数。")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                   help_text="修改已录入的成绩时必填。")


class ScoreChangeRequestSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=20, help_text="0到100，最多一位小数。")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CorrectionSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    name = serializers.CharField(source="score.application.name", read_only=True)
    subject = serializers.CharField(source="score.subject", read_only=True)
    old_value = serializers.DecimalField(source="score.value", max_digits=4, decimal_places=1, read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.display_name", read_only=True, default="")

    class Meta:
        model = ScoreCorrectionRequest
        fields = ["id", "score", "name", "subject", "old_value", "new_value", "reason", "status", "status_display",
                  "requested_by_name", "requested_at", "decided_by_name", "decided_at", "decision_reason"]
        read_only_fields = fields


class CorrectionCreateSerializer(serializers.Serializer):
    new_value = serializers.CharField(max_length=20, help_text="更正后的成绩，0到100。")
    reason = serializers.CharField(max_length=300)


class CorrectionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                   help_text="不予批准时必填。")


@extend_schema_view(
    list=extend_schema(summary="成绩列表（工作人员按权限范围；考评人员看被指派场次；考生只看已发布的本人成绩）"),
    retrieve=extend_schema(summary="成绩详情（含修改记录）"),
)
class ScoreViewSet(ScopedReadViewSet):
    """成绩（EXAM-6..EXAM-8）：录入、修改留痕、发布后经上级审批更正。"""

    not_found_message = gettext_lazy("成绩不存在或您无权查看。")

    filterset_fields = ["session", "subject", "application", "passed"]

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False):
            return Score.objects.none()
        if user.role == Role.CANDIDATE:
            queryset = selectors.candidate_scores(user)
        else:
            queryset = Score.objects.filter(session__in=visible_sessions(user).values("pk"))
            if user.role == Role.EXAMINER:
                queryset = queryset.filter(session__examiners__examiner=user)
            queryset = queryset.select_related("application").order_by("session", "application", "subject")
        if self.action == "retrieve" and user.role != Role.CANDIDATE:
            queryset = queryset.prefetch_related("changes__changed_by")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve" and getattr(self.request.user, "role", None) != Role.CANDIDATE:
            return ScoreDetailSerializer
        return ScoreSerializer

    def _detail(self, score, code=status.HTTP_200_OK):
        score = Score.objects.prefetch_related("changes__changed_by").select_related("application").get(pk=score.pk)
        return Response(ScoreDetailSerializer(score).data, status=code)

    @extend_schema(summary="录入或修改一科成绩（发布前；修改须填写原因）", request=ScoreEntrySerializer,
                   responses={201: ScoreDetailSerializer})
    def create(self, request):
        serializer = ScoreEntrySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        score = services.enter_score(actor=request.user, **serializer.validated_data)
        return self._detail(score, status.HTTP_201_CREATED)

    @extend_schema(summary="修改一科成绩（发布前，须填写原因）", request=ScoreChangeRequestSerializer,
                   responses=ScoreDetailSerializer)
    def partial_update(self, request, pk=None):
        score = self.get_object()
        serializer = ScoreChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = services.enter_score(application=score.application, subject=score.subject,
                             actor=request.user, **serializer.validated_data)
        return self._detail(score)

    @extend_schema(summary="申请更正已发布的成绩（由上级鉴定机构审批）", request=CorrectionCreateSerializer,
                   responses={201: CorrectionSerializer})
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None):
        score = self.get_object()
        serializer = CorrectionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.request_score_correction(score=score, actor=request.user,
                                  **serializer.validated_data)
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="成绩更正申请（按权限范围）"),
    retrieve=extend_schema(summary="成绩更正申请详情"),
)
class CorrectionViewSet(ScopedReadViewSet):
    """成绩更正申请（EXAM-6）：发布后的成绩只能经上级审批更正。"""

    not_found_message = gettext_lazy("更正申请不存在或您无权查看。")

    serializer_class = CorrectionSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return ScoreCorrectionRequest.objects.filter(
            score__session__in=visible_sessions(self.request.user).values("pk")
        ).select_related("score__application", "requested_by", "decided_by").order_by("-requested_at", "-pk")

    @extend_schema(summary="审批成绩更正（上级鉴定机构；不予批准须填写理由）", request=CorrectionDecisionSerializer,
                   responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        correction = self.get_object()
        serializer = CorrectionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.decide_score_correction(request=correction, actor=request.user,
                     **serializer.validated_data)
        return Response(CorrectionSerializer(self.get_queryset().get(pk=correction.pk)).data)


# --- The candidate's own tickets and scores ----------------------------------------------------------


class TicketSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="application.name", read_only=True)
    id_number = serializers.CharField(source="application.id_number", read_only=True)
    occupation_name = serializers.CharField(source="session.occupation.name", read_only=True)
    level_display = serializers.CharField(source="session.get_level_display", read_only=True)
    day = serializers.DateField(source="session.day", read_only=True)
    site_name = serializers.CharField(source="session.site.name", read_only=True)
    site_address = serializers.CharField(source="session.site.address", read_only=True)
    room_name = serializers.CharField(source="room.name", read_only=True)
    subjects = SessionSubjectSerializer(source="session.subjects", many=True, read_only=True)

    class Meta:
        model = SeatAssignment
        fields = ["ticket_number", "application", "name", "id_number", "occupation_name", "level_display", "day",
                  "site_name", "site_address", "room_name", "seat_number", "subjects"]
        read_only_fields = fields


class MyScoreSerializer(serializers.ModelSerializer):
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)

    class Meta:
        model = Score
        fields = ["subject", "subject_display", "value", "passed", "pass_valid_until", "pass_expired"]
        read_only_fields = fields


MyResultSerializer = inline_serializer("MyResult", {
    "application": serializers.IntegerField(),
    "occupation_name": serializers.CharField(),
    "level": serializers.IntegerField(),
    "level_display": serializers.CharField(),
    "day": serializers.DateField(),
    "published_at": serializers.DateTimeField(),
    "scores": MyScoreSerializer(many=True),
    "outcome": serializers.CharField(help_text="qualified 合格 / not_qualified 不合格"),
    "outcome_display": serializers.CharField(),
}, many=True)

OUTCOME_LABELS = {"qualified": gettext_lazy("合格"), "not_qualified": gettext_lazy("不合格")}


@extend_schema_view(list=extend_schema(summary="我的准考证（考生本人）"))
class MyTicketViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """考生本人的准考证：考点、考场、座位号、各科目时间。"""

    serializer_class = TicketSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.candidate_seats(self.request.user)


class MyScoreViewSet(viewsets.GenericViewSet):
    """考生本人已发布的成绩及鉴定结果（发布前不可见，EXAM-7）。"""

    pagination_class = None

    def get_queryset(self):
        return selectors.candidate_scores(self.request.user)

    @extend_schema(summary="我的成绩（仅已发布，含鉴定结果）", responses=MyResultSerializer)
    def list(self, request):
        results = {}
        for score in self.get_queryset().select_related("session__occupation", "application"):
            entry = results.get(score.application_id)
            if entry is None:
                application, session = score.application, score.session
                outcome = services.application_outcome(application)
                entry = results[score.application_id] = {
                    "application": application.pk, "occupation_name": session.occupation.name,
                    "level": session.level, "level_display": session.get_level_display(), "day": session.day,
                    "published_at": session.published_at, "scores": [], "outcome": outcome,
                    "outcome_display": str(OUTCOME_LABELS[outcome]) if outcome else "",
                }
            entry["scores"].append(MyScoreSerializer(score).data)
        return Response(list(results.values()))


__all__ = [
    "CorrectionViewSet", "CustodyEntryViewSet", "ExamSessionViewSet", "MyScoreViewSet",
    "MyTicketViewSet", "PaperRequestViewSet", "PaperViewSet", "ScoreViewSet", "SiteViewSet",
]
