"""Sites and rooms (EXAM-4)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from appraisal.models import Center
from exams import selectors, services
from exams.api.common import ReadOnlyModelSerializer, ScopedReadViewSet, label
from exams.models import Room, Site


class RoomSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "site", "name", "capacity", "equipment"]


class SiteSerializer(ReadOnlyModelSerializer):
    center_name = label("center.name")
    rooms = RoomSerializer(many=True, read_only=True)
    capacity = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = ["id", "center", "center_name", "name", "address", "is_active", "rooms", "capacity"]

    def get_capacity(self, obj) -> int:
        return sum(room.capacity for room in obj.rooms.all())


class SiteCreateSerializer(serializers.Serializer):
    center = serializers.PrimaryKeyRelatedField(queryset=Center.objects.all())
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)


CAPACITY_ERROR = "考位数必须是1到1000之间的整数。"


class RoomCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    capacity = serializers.IntegerField(min_value=1, max_value=1000, help_text="考位数，1到1000。",
                                        error_messages={"min_value": CAPACITY_ERROR, "max_value": CAPACITY_ERROR,
                                                        "invalid": CAPACITY_ERROR})
    equipment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="考点列表（按权限范围，含考场）"),
    retrieve=extend_schema(summary="考点详情（含考场与考位数）"),
)
class SiteViewSet(ScopedReadViewSet):
    """考点与考场（EXAM-4）：考位数与设备设施。"""

    serializer_class = SiteSerializer
    filterset_fields = ["center", "is_active"]

    def get_queryset(self):
        return selectors.sites_for(self.request.user)

    @extend_schema(summary="新建考点", request=SiteCreateSerializer, responses={201: SiteSerializer})
    def create(self, request):
        site = services.create_site(actor=request.user, **self._input(SiteCreateSerializer))
        return Response(SiteSerializer(self.get_queryset().get(pk=site.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="为考点添加考场（考位数、设备设施）", request=RoomCreateSerializer,
                   responses={201: RoomSerializer})
    @action(detail=True, methods=["post"])
    def rooms(self, request, pk=None):
        site = self.get_object()
        room = services.add_room(actor=request.user, site=site, **self._input(RoomCreateSerializer))
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)
