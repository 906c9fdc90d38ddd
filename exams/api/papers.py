"""Papers, paper requests and the custody log (EXAM-9, EXAM-10); supervision and discipline
incidents (EXAM-11). The session's own actions are mixed into exams.api.sessions.ExamSessionViewSet."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exams import selectors, services
from exams.api.common import (
    ReadOnlyModelSerializer,
    ScopedObjectMixin,
    ScopedPrimaryKeyRelatedField,
    ScopedReadViewSet,
    display,
    label,
)
from exams.models import (
    CustodyAction,
    CustodyEntry,
    DisciplineIncident,
    IncidentKind,
    IncidentMeasure,
    Paper,
    PaperRequest,
    Subject,
    Supervision,
    SupervisionKind,
)
from exams.services.papers import MAX_COPIES
from registration.models import Application


class PaperSerializer(ReadOnlyModelSerializer):
    subject_display = display("subject")
    source_display = display("source")

    class Meta:
        model = Paper
        fields = ["id", "session", "subject", "subject_display", "source", "source_display", "code", "copies",
                  "request", "created_at"]


COPIES_ERRORS = {"invalid": "份数必须是正整数。", "min_value": "份数必须是正整数。",
                 "max_value": f"份数不能超过{MAX_COPIES}份。", "max_string_length": "份数必须是正整数。"}


class PaperComposeSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES, error_messages=COPIES_ERRORS)
    code = serializers.CharField(max_length=40)


class PaperRequestSerializer(ReadOnlyModelSerializer):
    subject_display = display("subject")
    status_display = display("status")
    center_name = label("center.name")

    class Meta:
        model = PaperRequest
        fields = ["id", "center", "center_name", "session", "subject", "subject_display", "copies", "status",
                  "status_display", "requested_at", "fulfilled_at"]


class PaperRequestCreateSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices)
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES, error_messages=COPIES_ERRORS)


class PaperFulfilSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class CustodyEntrySerializer(ReadOnlyModelSerializer):
    paper_code = label("paper.code")
    action_display = display("action")
    recorded_by_name = label("recorded_by.display_name")

    class Meta:
        model = CustodyEntry
        fields = ["id", "paper", "paper_code", "action", "action_display", "from_person", "to_person", "copies",
                  "sealed", "note", "recorded_by_name", "at"]


class CustodyCreateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=CustodyAction.choices)
    from_person = serializers.CharField(max_length=60)
    to_person = serializers.CharField(max_length=60)
    copies = serializers.IntegerField(min_value=1, max_value=MAX_COPIES, error_messages=COPIES_ERRORS)
    sealed = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SupervisionSerializer(ReadOnlyModelSerializer):
    kind_display = display("kind")

    class Meta:
        model = Supervision
        fields = ["id", "session", "kind", "kind_display", "supervisor", "notes", "at"]


class SupervisionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupervisionKind.choices)
    supervisor = serializers.CharField(max_length=60)
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IncidentSerializer(ReadOnlyModelSerializer):
    name = label("application.name")
    kind_display = display("kind")
    measure_display = display("measure")
    subject_display = display("subject")

    class Meta:
        model = DisciplineIncident
        fields = ["id", "session", "application", "name", "kind", "kind_display", "measure", "measure_display",
                  "subject", "subject_display", "description", "at"]


class IncidentCreateSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(selectors.seated_applications, Application)
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    measure = serializers.ChoiceField(choices=IncidentMeasure.choices)
    subject = serializers.ChoiceField(
        choices=Subject.choices, required=False, allow_blank=True, default="",
        help_text="处理措施为 subject_void（该科目成绩无效）时必填：成绩无效的科目。",
    )
    description = serializers.CharField(max_length=500)


class PaperActions:
    """A session's papers and paper requests; its supervision and incidents."""

    @extend_schema(methods=["GET"], summary="本场次的试卷", responses=PaperSerializer(many=True))
    @extend_schema(methods=["POST"], summary="抽题组卷（运行地市级分库的地区及省中心）", request=PaperComposeSerializer,
                   responses={201: PaperSerializer})
    @action(detail=True, methods=["get", "post"])
    def papers(self, request, pk=None):
        session = self._session()
        return self._list_or_create(
            request, listing=lambda: selectors.session_papers(session), output=PaperSerializer,
            payload=PaperComposeSerializer, write=lambda **data: services.compose_paper(session=session, **data))

    @extend_schema(summary="向省鉴定中心申请试卷（未运行分库的地区）", request=PaperRequestCreateSerializer,
                   responses={201: PaperRequestSerializer})
    @action(detail=True, methods=["post"], url_path="paper-requests")
    def paper_requests(self, request, pk=None):
        paper_request = services.request_papers(session=self._session(), actor=request.user,
                                                **self._input(PaperRequestCreateSerializer))
        return Response(PaperRequestSerializer(paper_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="督导记录", responses=SupervisionSerializer(many=True))
    @extend_schema(methods=["POST"], summary="记录现场督导或远程视频监控", request=SupervisionCreateSerializer,
                   responses={201: SupervisionSerializer})
    @action(detail=True, methods=["get", "post"])
    def supervisions(self, request, pk=None):
        session = self._session()
        return self._list_or_create(
            request, listing=lambda: selectors.session_supervisions(session), output=SupervisionSerializer,
            payload=SupervisionCreateSerializer,
            write=lambda **data: services.record_supervision(session=session, **data))

    @extend_schema(methods=["GET"], summary="违纪记录", responses=IncidentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="记录违纪情况及处理措施", request=IncidentCreateSerializer,
                   responses={201: IncidentSerializer})
    @action(detail=True, methods=["get", "post"])
    def incidents(self, request, pk=None):
        session = self._session()
        return self._list_or_create(
            request, listing=lambda: selectors.session_incidents(session), output=IncidentSerializer,
            payload=IncidentCreateSerializer, write=lambda **data: services.record_incident(session=session, **data))


@extend_schema_view(
    list=extend_schema(summary="试卷列表（按权限范围）"),
    retrieve=extend_schema(summary="试卷详情"),
)
class PaperViewSet(ScopedReadViewSet):
    """试卷（EXAM-9）与保密材料交接记录（EXAM-10，只能追加）。"""

    serializer_class = PaperSerializer
    filterset_fields = ["session", "subject", "source"]

    def get_queryset(self):
        return selectors.papers_for(self.request.user)

    @extend_schema(methods=["GET"], summary="试卷交接记录（只读，按时间顺序）", responses=CustodyEntrySerializer(many=True))
    @extend_schema(methods=["POST"], summary="追加一条交接记录（责任到人）", request=CustodyCreateSerializer,
                   responses={201: CustodyEntrySerializer})
    @action(detail=True, methods=["get", "post"])
    def custody(self, request, pk=None):
        paper = self.get_object()
        return self._list_or_create(
            request, listing=lambda: selectors.custody_log(paper), output=CustodyEntrySerializer,
            payload=CustodyCreateSerializer, write=lambda **data: services.record_custody(paper=paper, **data))


@extend_schema_view(
    list=extend_schema(summary="保密材料交接记录（只读：不能修改或删除）"),
    retrieve=extend_schema(summary="一条交接记录"),
)
class CustodyEntryViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """交接记录只能追加（EXAM-10）：没有修改和删除接口（405）。"""

    serializer_class = CustodyEntrySerializer
    filterset_fields = ["paper", "action"]

    def get_queryset(self):
        return selectors.custody_entries_for(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="试卷申请列表（省鉴定中心处理）"),
    retrieve=extend_schema(summary="试卷申请详情"),
)
class PaperRequestViewSet(ScopedReadViewSet):
    """向省鉴定中心申请的试卷（EXAM-9）。"""

    serializer_class = PaperRequestSerializer
    filterset_fields = ["status", "center", "session", "subject"]

    def get_queryset(self):
        return selectors.paper_requests_for(self.request.user)

    @extend_schema(summary="省鉴定中心提供试卷（组卷并密封移交）", request=PaperFulfilSerializer,
                   responses={201: PaperSerializer})
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        paper = services.fulfil_paper_request(request=self.get_object(), actor=request.user,
                                              **self._input(PaperFulfilSerializer))
        return Response(PaperSerializer(paper).data, status=status.HTTP_201_CREATED)
