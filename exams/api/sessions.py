"""Sessions (EXAM-1..EXAM-11): scheduling, and every action on one session, gathered from the
modules of their concern (seats and examiners, papers and supervision, scores)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from appraisal.models import Center, Occupation, RetakeDay, ScheduledAppraisalDay, UnifiedAppraisal
from exams import selectors, services
from exams.api.common import (
    ReadOnlyModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedReadViewSet,
    display,
    label,
    scoped_get,
)
from exams.api.papers import PaperActions
from exams.api.scores import SessionScoreActions
from exams.api.seats import SeatActions
from exams.models import ExamSession, SessionSubject, Site


class SessionSubjectSerializer(ReadOnlyModelSerializer):
    subject_display = display("subject")

    class Meta:
        model = SessionSubject
        fields = ["subject", "subject_display", "starts_at", "minutes", "mode"]


class ExamSessionSerializer(ReadOnlyModelSerializer):
    center_name = label("center.name")
    site_name = label("site.name")
    occupation_name = label("occupation.name")
    level_display = display("level")
    status_display = display("status")
    seat_count = serializers.IntegerField(read_only=True)
    subjects = SessionSubjectSerializer(many=True, read_only=True)

    class Meta:
        model = ExamSession
        fields = [
            "id", "center", "center_name", "site", "site_name", "occupation", "occupation_name", "level",
            "level_display", "unified_appraisal", "scheduled_day", "retake_day", "day", "pass_mark", "status",
            "status_display", "published_at", "seat_count", "subjects",
        ]


class SessionCreateSerializer(serializers.Serializer):
    center = serializers.PrimaryKeyRelatedField(queryset=Center.objects.all())
    site = ScopedPrimaryKeyRelatedField(selectors.sites_for, Site)
    occupation = serializers.PrimaryKeyRelatedField(queryset=Occupation.objects.all())
    level = serializers.IntegerField(min_value=1, max_value=5, help_text="5 初级工 … 1 高级技师",
                                     error_messages={"min_value": "等级应为1到5。", "max_value": "等级应为1到5。"})
    unified_appraisal = serializers.PrimaryKeyRelatedField(queryset=UnifiedAppraisal.objects.all(), required=False)
    scheduled_day = serializers.PrimaryKeyRelatedField(queryset=ScheduledAppraisalDay.objects.all(), required=False)
    retake_day = serializers.PrimaryKeyRelatedField(queryset=RetakeDay.objects.all(), required=False)
    day = serializers.DateField(required=False, help_text="统一鉴定有两天时选择其一；默认第一天。")
    pass_mark = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100, required=False,
                                         error_messages={"min_value": "合格分数线必须在0到100之间。",
                                                         "max_value": "合格分数线必须在0到100之间。"})
    past = serializers.BooleanField(
        default=False, help_text="确需为已过的鉴定日安排场次（补录已举行的鉴定）时设为true；否则已过的鉴定日被拒绝。")

    def validate(self, attrs):
        attrs["allow_past"] = attrs.pop("past", False)
        targets = [attrs.pop(k) for k in ("unified_appraisal", "scheduled_day", "retake_day") if attrs.get(k)]
        if len(targets) != 1:
            raise ValidationError({"detail": [_("请选择且只选择一个鉴定批次（统一鉴定、定期鉴定日或补考日）。")]})
        attrs["target"] = targets[0]
        return attrs


@extend_schema_view(
    list=extend_schema(summary="考试场次列表（按权限范围；考评人员另见被指派的场次）"),
    retrieve=extend_schema(summary="考试场次详情（含科目与时间）"),
)
class ExamSessionViewSet(SeatActions, PaperActions, SessionScoreActions, ScopedReadViewSet):
    """考试场次（EXAM-1..EXAM-11）：编排考位、指派考评人员、试卷、督导、成绩发布。"""

    serializer_class = ExamSessionSerializer
    filterset_fields = ["status", "center", "site", "occupation", "level", "day"]

    def get_queryset(self):
        return selectors.sessions_for(self.request.user).prefetch_related("subjects")

    def _session(self) -> ExamSession:
        """The session of the URL among those the user sees (404 with the session's message)."""
        return scoped_get(selectors.sessions_for(self.request.user), self.kwargs["pk"])

    def _session_data(self, session, code=status.HTTP_200_OK):
        session = self.get_queryset().get(pk=session.pk)
        return Response(ExamSessionSerializer(session).data, status=code)

    @extend_schema(summary="安排考试场次（科目按等级生成）", request=SessionCreateSerializer,
                   responses={201: ExamSessionSerializer})
    def create(self, request):
        session = services.schedule_session(actor=request.user, **self._input(SessionCreateSerializer))
        return self._session_data(session, status.HTTP_201_CREATED)

    @extend_schema(summary="发布本场次成绩（成绩须录入完整）", request=None, responses=ExamSessionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        session = self._session()
        services.publish_session(session=session, actor=request.user)
        return self._session_data(session)
