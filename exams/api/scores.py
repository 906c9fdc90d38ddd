"""Scores, their publication and corrections (EXAM-6..EXAM-8). A session's own score actions are
mixed into exams.api.sessions.ExamSessionViewSet."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from appraisal.gates import CANDIDATES, has_role
from exams import selectors, services
from exams.api.common import (
    ReadOnlyModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedReadViewSet,
    display,
    label,
)
from exams.models import Score, ScoreChange, ScoreCorrectionRequest, Subject
from registration.models import Application

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


class ScoreChangeSerializer(ReadOnlyModelSerializer):
    changed_by_name = label("changed_by.display_name")

    class Meta:
        model = ScoreChange
        fields = ["old_value", "new_value", "changed_by_name", "at", "reason"]


class ScoreSerializer(ReadOnlyModelSerializer):
    name = label("application.name")
    subject_display = display("subject")

    class Meta:
        model = Score
        fields = ["id", "application", "name", "session", "subject", "subject_display", "value", "passed",
                  "pass_valid_until", "pass_expired", "entered_at", "updated_at"]


class ScoreDetailSerializer(ScoreSerializer):
    changes = ScoreChangeSerializer(many=True, read_only=True)

    class Meta(ScoreSerializer.Meta):
        fields = [*ScoreSerializer.Meta.fields, "changes"]


class ScoreEntrySerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(selectors.seated_applications, Application)
    subject = serializers.ChoiceField(choices=Subject.choices)
    value = serializers.CharField(max_length=20, help_text="0到100，最多一位小数。")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                   help_text="修改已录入的成绩时必填。")


class ScoreChangeRequestSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=20, help_text="0到100，最多一位小数。")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CorrectionSerializer(ReadOnlyModelSerializer):
    status_display = display("status")
    name = label("score.application.name")
    subject = label("score.subject")
    old_value = serializers.DecimalField(source="score.value", max_digits=4, decimal_places=1, read_only=True)
    requested_by_name = label("requested_by.display_name")
    decided_by_name = serializers.CharField(source="decided_by.display_name", read_only=True, default="")

    class Meta:
        model = ScoreCorrectionRequest
        fields = ["id", "score", "name", "subject", "old_value", "new_value", "reason", "status", "status_display",
                  "requested_by_name", "requested_at", "decided_by_name", "decided_at", "decision_reason"]


class CorrectionCreateSerializer(serializers.Serializer):
    new_value = serializers.CharField(max_length=20, help_text="更正后的成绩，0到100。")
    reason = serializers.CharField(max_length=300)


class CorrectionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                   help_text="不予批准时必填。")


class SessionScoreActions:
    """A session's missing scores and its publication deadline."""

    @extend_schema(summary="尚缺成绩的考生与科目", responses=MissingScoresSerializer)
    @action(detail=True, methods=["get"], url_path="missing-scores")
    def missing_scores(self, request, pk=None):
        session = self._session()
        tickets = selectors.ticket_numbers(session)
        return Response([
            {"application": application.pk, "name": application.name, "ticket_number": tickets.get(application.pk, ""),
             "subjects": list(subjects), "subjects_display": [str(Subject(s).label) for s in subjects]}
            for application, subjects in services.missing_scores(session)
        ])

    @extend_schema(summary="成绩发布期限（EXAM-7：定期鉴定15个工作日，统一鉴定20个工作日）",
                   responses=DeadlineSerializer)
    @action(detail=True, methods=["get"])
    def deadline(self, request, pk=None):
        session = self._session()
        deadline = services.publication_deadline(session)
        return Response({
            "deadline": deadline,
            "working_days": services.PUBLICATION_WORKING_DAYS["unified" if session.is_unified else "daily"],
            "published": session.is_published,
            "overdue": not session.is_published and timezone.localdate() > deadline,
        })


def _score_detail(score, code=status.HTTP_200_OK):
    return Response(ScoreDetailSerializer(selectors.score_with_history(score.pk)).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="成绩列表（工作人员按权限范围；考评人员看被指派场次；考生只看已发布的本人成绩）"),
    retrieve=extend_schema(summary="成绩详情（含修改记录）"),
)
class ScoreViewSet(ScopedReadViewSet):
    """成绩（EXAM-6..EXAM-8）：录入、修改留痕、发布后经上级审批更正。"""

    filterset_fields = ["session", "subject", "application", "passed"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Score.objects.none()
        queryset = selectors.scores_for(self.request.user)
        if self.action == "retrieve" and not has_role(self.request.user, CANDIDATES):
            queryset = queryset.prefetch_related("changes__changed_by")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve" and not has_role(self.request.user, CANDIDATES):
            return ScoreDetailSerializer
        return ScoreSerializer

    @extend_schema(summary="录入或修改一科成绩（发布前；修改须填写原因）", request=ScoreEntrySerializer,
                   responses={201: ScoreDetailSerializer})
    def create(self, request):
        score = services.enter_score(actor=request.user, **self._input(ScoreEntrySerializer))
        return _score_detail(score, status.HTTP_201_CREATED)

    @extend_schema(summary="修改一科成绩（发布前，须填写原因）", request=ScoreChangeRequestSerializer,
                   responses=ScoreDetailSerializer)
    def partial_update(self, request, pk=None):
        score = self.get_object()
        score = services.enter_score(application=score.application, subject=score.subject,
                                     actor=request.user, **self._input(ScoreChangeRequestSerializer))
        return _score_detail(score)

    @extend_schema(summary="申请更正已发布的成绩（由上级鉴定机构审批）", request=CorrectionCreateSerializer,
                   responses={201: CorrectionSerializer})
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None):
        correction = services.request_score_correction(score=self.get_object(), actor=request.user,
                                                       **self._input(CorrectionCreateSerializer))
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="成绩更正申请（按权限范围）"),
    retrieve=extend_schema(summary="成绩更正申请详情"),
)
class CorrectionViewSet(ScopedReadViewSet):
    """成绩更正申请（EXAM-6）：发布后的成绩只能经上级审批更正。"""

    serializer_class = CorrectionSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.corrections_for(self.request.user)

    @extend_schema(summary="审批成绩更正（上级鉴定机构；不予批准须填写理由）", request=CorrectionDecisionSerializer,
                   responses=CorrectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        correction = self.get_object()
        services.decide_score_correction(request=correction, actor=request.user,
                                         **self._input(CorrectionDecisionSerializer))
        return Response(CorrectionSerializer(self.get_queryset().get(pk=correction.pk)).data)
