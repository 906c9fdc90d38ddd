"""The candidate's own admission tickets and published scores (EXAM-4, EXAM-7)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from exams import selectors, services
from exams.api.common import ReadOnlyModelSerializer, display, label
from exams.api.sessions import SessionSubjectSerializer
from exams.models import Score, SeatAssignment


class TicketSerializer(ReadOnlyModelSerializer):
    name = label("application.name")
    id_number = label("application.id_number")
    occupation_name = label("session.occupation.name")
    level_display = label("session.get_level_display")
    day = serializers.DateField(source="session.day", read_only=True)
    site_name = label("session.site.name")
    site_address = label("session.site.address")
    room_name = label("room.name")
    subjects = SessionSubjectSerializer(source="session.subjects", many=True, read_only=True)

    class Meta:
        model = SeatAssignment
        fields = ["ticket_number", "application", "name", "id_number", "occupation_name", "level_display", "day",
                  "site_name", "site_address", "room_name", "seat_number", "subjects"]


class MyScoreSerializer(ReadOnlyModelSerializer):
    subject_display = display("subject")

    class Meta:
        model = Score
        fields = ["subject", "subject_display", "value", "passed", "pass_valid_until", "pass_expired"]


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
                entry = results[score.application_id] = _result(score)
            entry["scores"].append(MyScoreSerializer(score).data)
        return Response(list(results.values()))


def _result(score) -> dict:
    """One application's published result, without its scores yet."""
    application, session = score.application, score.session
    outcome = services.application_outcome(application)
    return {
        "application": application.pk, "occupation_name": session.occupation.name,
        "level": session.level, "level_display": session.get_level_display(), "day": session.day,
        "published_at": session.published_at, "scores": [], "outcome": outcome,
        "outcome_display": str(OUTCOME_LABELS[outcome]) if outcome else "",
    }
