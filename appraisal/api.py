"""Read API of the core (DRF). Thin: scoping by the authority engine, reads by selectors."""

from types import SimpleNamespace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from appraisal import authority, selectors
from appraisal.models import (
    Center,
    CenterKind,
    Level,
    Occupation,
    OccupationLevel,
    RetakeDay,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)
from appraisal.views import locked_out
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, registration_deadline


class CenterSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    granted_levels = serializers.SerializerMethodField()

    class Meta:
        model = Center
        fields = [
            "id", "name", "kind", "kind_display", "parent", "division_code", "runs_question_sub_bank",
            "dual_certificate_school", "granted_levels", "supervision_phone", "enquiry_phone", "duty_phone",
            "is_active",
        ]

    def get_granted_levels(self, center) -> list[int]:
        return sorted((g.level for g in center.grants.all()), reverse=True)


@extend_schema_view(
    list=extend_schema(summary="鉴定机构列表（按权限范围）"),
    retrieve=extend_schema(summary="鉴定机构详情（含核准的鉴定等级）"),
)
class CenterViewSet(viewsets.ReadOnlyModelViewSet):
    """鉴定机构：按当前用户的权限范围过滤（县看本县，市看本地区，省看全部）。"""

    serializer_class = CenterSerializer
    filterset_fields = ["kind", "parent", "is_active"]
    search_fields = ["name", "division_code"]
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends, SearchFilter]

    def get_queryset(self):
        return authority.visible_centers(self.request.user).select_related("parent").prefetch_related("grants")


class OccupationLevelSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    skill_mode_display = serializers.CharField(source="get_skill_mode_display", read_only=True)

    class Meta:
        model = OccupationLevel
        fields = ["level", "level_display", "theory_minutes", "skill_mode", "skill_mode_display", "skill_minutes"]


class OccupationSerializer(serializers.ModelSerializer):
    levels = OccupationLevelSerializer(many=True, read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Occupation
        fields = [
            "id", "code", "name", "category", "category_display", "status", "cancelled_on",
            "cancelled_by_state_council", "levels",
        ]


@extend_schema_view(
    list=extend_schema(summary="鉴定职业目录"),
    retrieve=extend_schema(summary="鉴定职业详情（各等级的考试方式与时长）"),
)
class OccupationViewSet(viewsets.ReadOnlyModelViewSet):
    """鉴定职业目录（OCC-1..OCC-4），含各等级的考试方式与时长。"""

    serializer_class = OccupationSerializer
    queryset = selectors.occupations()
    filterset_fields = ["category", "status"]
    search_fields = ["name", "code"]
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends, SearchFilter]


class UnifiedAppraisalSerializer(serializers.ModelSerializer):
    half_display = serializers.CharField(source="get_half_display", read_only=True)

    class Meta:
        model = UnifiedAppraisal
        fields = [
            "id", "year", "half", "half_display", "first_day", "second_day", "registration_opens",
            "registration_closes",
        ]


@extend_schema_view(
    list=extend_schema(summary="统一鉴定日期列表"),
    retrieve=extend_schema(summary="统一鉴定日期详情"),
)
class UnifiedAppraisalViewSet(viewsets.ReadOnlyModelViewSet):
    """全国、全省统一鉴定日期与报名时间（CAL-1、CAL-2）。"""

    serializer_class = UnifiedAppraisalSerializer
    queryset = UnifiedAppraisal.objects.order_by("year", "half")
    filterset_fields = ["year", "half"]


class RetakeDaySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = RetakeDay
        fields = ["id", "year", "kind", "kind_display", "day", "failed_in_year"]


@extend_schema_view(
    list=extend_schema(summary="补考日列表"),
    retrieve=extend_schema(summary="补考日详情"),
)
class RetakeDayViewSet(viewsets.ReadOnlyModelViewSet):
    """国务院取消职业的补考日（CAL-5）。"""

    serializer_class = RetakeDaySerializer
    queryset = RetakeDay.objects.order_by("year", "day")
    filterset_fields = ["year", "kind"]


class ScheduledAppraisalDaySerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", read_only=True)
    registration_deadline = serializers.SerializerMethodField()

    class Meta:
        model = ScheduledAppraisalDay
        fields = ["id", "center", "center_name", "day", "registration_extension_days", "registration_deadline", "note"]

    def get_registration_deadline(self, obj) -> str | None:
        calendar = self.context.setdefault("workday_calendar", WorkdayCalendar())
        try:
            return registration_deadline(obj.day, obj.registration_extension_days, calendar=calendar).isoformat()
        except CalendarUnknown:
            return None


@extend_schema_view(
    list=extend_schema(summary="定期鉴定日列表（含报名截止日）"),
    retrieve=extend_schema(summary="定期鉴定日详情"),
)
class ScheduledAppraisalDayViewSet(viewsets.ReadOnlyModelViewSet):
    """定期鉴定日及报名截止日（CAL-3），按权限范围过滤。"""

    serializer_class = ScheduledAppraisalDaySerializer
    filterset_fields = {"center": ["exact"], "day": ["gte", "lte", "exact"]}

    def get_queryset(self):
        # The schema generator calls this with an anonymous user; the selector scopes that to nothing.
        return selectors.appraisal_days_for(self.request.user)


class DeadlineSerializer(serializers.Serializer):
    appraisal_day = serializers.DateField()
    # 0-2 is the rule's (workdays.registration_deadline refuses in Chinese); this bounds the integer only.
    extension_days = serializers.IntegerField(default=0, min_value=-1000, max_value=1000)
    registration_deadline = serializers.DateField(read_only=True)


@extend_schema(
    summary="计算日常鉴定报名截止日（CAL-3）",
    description="给定鉴定日和延长的工作日数（0–2），按工作日历计算报名截止日（鉴定日前10个工作日，"
    "节假日与调休上班日按当年安排）。无需登录。",
    parameters=[
        OpenApiParameter("appraisal_day", OpenApiTypes.DATE, description="鉴定日 YYYY-MM-DD", required=True),
        OpenApiParameter("extension_days", OpenApiTypes.INT, description="延长工作日 0、1 或 2", enum=[0, 1, 2]),
    ],
    responses=DeadlineSerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def deadline(request):
    serializer = DeadlineSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    day, extension = serializer.validated_data["appraisal_day"], serializer.validated_data["extension_days"]
    try:
        result = registration_deadline(day, extension)
    except DjangoValidationError as exc:
        raise ValidationError({"detail": exc.messages}) from exc
    return Response({"appraisal_day": day, "extension_days": extension, "registration_deadline": result})


class AuthorityQuerySerializer(serializers.Serializer):
    occupation = serializers.PrimaryKeyRelatedField(queryset=Occupation.objects.prefetch_related("levels"))
    level = serializers.ChoiceField(choices=Level.choices)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Center.objects.filter(kind__in=[CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY]),
        required=False, allow_null=True,
    )
    school = serializers.PrimaryKeyRelatedField(
        queryset=Center.objects.filter(kind=CenterKind.SCHOOL), required=False, allow_null=True
    )
    employer_body = serializers.PrimaryKeyRelatedField(
        queryset=Center.objects.filter(kind__in=[CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT]),
        required=False, allow_null=True,
    )
    retake = serializers.BooleanField(default=False)


class AuthorityDecisionSerializer(serializers.Serializer):
    center = serializers.IntegerField()
    center_name = serializers.CharField()
    allowed = serializers.BooleanField()
    rule = serializers.CharField()
    reason = serializers.CharField()


@extend_schema(
    summary="鉴定权限判定（ORG-2..ORG-8）：哪些鉴定机构可以受理该考生的该职业、等级",
    description="按考生所在地区、院校或单位，逐一列出可能受理的鉴定机构及判定结果、依据的规则和原因。",
    request=AuthorityQuerySerializer,
    responses=AuthorityDecisionSerializer(many=True),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def authority_check(request):
    query = AuthorityQuerySerializer(data=request.data)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    candidate = SimpleNamespace(
        region=data.get("region"), school=data.get("school"), employer_body=data.get("employer_body"),
        graduation_date=None,
    )
    decisions = [
        {
            "center": center.pk, "center_name": center.name, "allowed": decision.allowed,
            "rule": decision.rule, "reason": decision.reason,
        }
        for center in authority.candidate_centers(candidate)
        for decision in [
            authority.can_appraise(
                center, candidate, data["occupation"], data["level"], retake=data["retake"],
                on_date=timezone.localdate(),
            )
        ]
    ]
    return Response(decisions)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    center = serializers.IntegerField(source="center_id", allow_null=True)
    center_name = serializers.CharField(source="center.name", default=None, allow_null=True)
    scope = serializers.SerializerMethodField()

    def get_scope(self, user) -> str:
        return authority.scope_description(user)


@extend_schema(summary="当前用户及其权限范围",
               description="当前登录用户的姓名、角色、所属鉴定机构，以及可查看和办理的范围。",
               responses=MeSerializer)
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)


class TokenView(ObtainAuthToken):
    """POST username and password for an API token. A locked account (django-axes, after repeated
    wrong passwords) gets 429 and the reason, not the generic wrong-password answer."""

    @extend_schema(summary="获取API令牌（多次密码错误后账号暂时锁定）",
                   description="以用户名和密码换取令牌，之后在请求头中携带 Authorization: Token <令牌>。"
                   "连续多次密码错误后账号暂时锁定，返回429及原因。")
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # axes marks the request it was given: DRF's request, the one this view holds.
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            raise
