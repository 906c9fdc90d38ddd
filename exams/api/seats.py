"""A session's seats and examiners (EXAM-4, EXAM-5): actions of the session viewset
(exams.api.sessions.ExamSessionViewSet)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from appraisal.idnumbers import mask_id_number
from appraisal.models import Role, User
from exams import selectors, services
from exams.api.common import ReadOnlyModelSerializer, ScopedPrimaryKeyRelatedField, label
from exams.models import ExaminerAssignment, Room, SeatAssignment
from registration import selectors as registration_selectors
from registration.models import Application


class SeatSerializer(ReadOnlyModelSerializer):
    room_name = label("room.name")
    name = label("application.name")
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = SeatAssignment
        fields = ["id", "ticket_number", "room", "room_name", "seat_number", "application", "name", "id_number"]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.application.id_number)


class SeatCreateSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(registration_selectors.applications_for, Application)
    room = ScopedPrimaryKeyRelatedField(selectors.rooms_for, Room)
    seat_number = serializers.IntegerField(min_value=1, max_value=1000, error_messages={
        "min_value": "座位号必须是正整数。", "max_value": "座位号超出考场的考位数。", "invalid": "座位号必须是正整数。"})


SeatingResultSerializer = inline_serializer("SeatingResult", {
    "seated": serializers.IntegerField(),
    "unseated": inline_serializer("Unseated", {
        "application": serializers.IntegerField(),
        "name": serializers.CharField(),
        "reason": serializers.CharField(),
    }, many=True),
})


class ExaminerAssignmentSerializer(ReadOnlyModelSerializer):
    examiner_name = label("examiner.display_name")

    class Meta:
        model = ExaminerAssignment
        fields = ["id", "session", "examiner", "examiner_name", "assigned_at"]


class ExaminerAssignSerializer(serializers.Serializer):
    examiner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.EXAMINER))


class SeatActions:
    """自动编排考位、座位表与手工编排、考评人员指派。"""

    @extend_schema(summary="自动编排考位（不超过考场容量；列出未编排考生及原因）", request=None,
                   responses=SeatingResultSerializer)
    @action(detail=True, methods=["post"], url_path="assign-seats")
    def assign_seats(self, request, pk=None):
        result = services.assign_seats_automatically(session=self._session(), actor=request.user)
        return Response({
            "seated": result.seated,
            "unseated": [{"application": a.pk, "name": a.name, "reason": str(reason)} for a, reason in result.unseated],
        })

    @extend_schema(methods=["GET"], summary="座位表（身份证号脱敏）", responses=SeatSerializer(many=True))
    @extend_schema(methods=["POST"], summary="手工编排一个考位", request=SeatCreateSerializer,
                   responses={201: SeatSerializer})
    @action(detail=True, methods=["get", "post"])
    def seats(self, request, pk=None):
        session = self._session()

        def seat(**data):
            return selectors.seat_plan(session).get(pk=services.assign_seat(session=session, **data).pk)

        return self._list_or_create(request, listing=lambda: selectors.seat_plan(session), output=SeatSerializer,
                                    payload=SeatCreateSerializer, write=seat)

    @extend_schema(methods=["GET"], summary="本场次的考评人员", responses=ExaminerAssignmentSerializer(many=True))
    @extend_schema(methods=["POST"], summary="指派考评人员（资格、轮换、回避）", request=ExaminerAssignSerializer,
                   responses={201: ExaminerAssignmentSerializer})
    @action(detail=True, methods=["get", "post"])
    def examiners(self, request, pk=None):
        session = self._session()
        return self._list_or_create(
            request, listing=lambda: selectors.session_examiners(session), output=ExaminerAssignmentSerializer,
            payload=ExaminerAssignSerializer,
            write=lambda **data: services.assign_examiner(session=session, **data))
