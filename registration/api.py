"""Registration API (DRF): the same flows as the pages, thin over services and selectors."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from appraisal.api_common import BuiltOnceFieldsMixin
from appraisal.idnumbers import mask_id_number, sees_full_id_numbers
from appraisal.models import Level, Occupation, RetakeDay, Role, ScheduledAppraisalDay, UnifiedAppraisal
from registration import selectors, services
from registration.models import (
    Application,
    ApplicationTransition,
    Material,
    MaterialKind,
    PaymentRecord,
    Status,
)
from registration.services import opinions


class TransitionSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationTransition
        fields = ["from_status", "to_status", "actor_name", "reason", "at"]

    def get_actor_name(self, obj) -> str:
        return obj.actor.display_name if obj.actor else "系统"


class MaterialSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Material
        fields = ["id", "kind", "kind_display", "content_type", "size", "width", "height", "uploaded_at"]


class ApplicationSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    center_name = serializers.CharField(source="center.name", read_only=True)
    appraisal_label = serializers.CharField(read_only=True)
    appraisal_date = serializers.DateField(read_only=True)
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "status", "status_display", "candidate", "center", "center_name", "occupation", "occupation_name",
            "level", "level_display", "unified_appraisal", "scheduled_day", "retake_day", "appraisal_label",
            "appraisal_date", "is_retake", *services.FORM_FIELDS, "fee_due", "fee_paid", "fee_paid_at", "eligibility",
            "submitted_at", "created_at",
        ]
        read_only_fields = fields

    def get_id_number(self, obj) -> str:
        # Personal data: lists show the number masked; the detail shows it to whoever may act on it.
        if self.context.get("mask_ids", True):
            return mask_id_number(obj.id_number)
        return obj.id_number


class PaymentRecordSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True)

    class Meta:
        model = PaymentRecord
        fields = ["paid", "amount", "actor_name", "at"]


class ApplicationDetailSerializer(ApplicationSerializer):
    materials = MaterialSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    payments = PaymentRecordSerializer(many=True, read_only=True)
    required_materials = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    hr_opinion_by_name = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "materials", "transitions", "payments", "required_materials",
                  "allowed_transitions", "hr_opinion", "hr_opinion_date", "hr_opinion_by_name"]
        read_only_fields = fields

    def get_required_materials(self, obj) -> list[str]:
        return [str(kind) for kind in services.required_materials(obj)]

    def get_allowed_transitions(self, obj) -> list[str]:
        return [str(s) for s in services.allowed_targets(obj.status)]

    def get_hr_opinion_by_name(self, obj) -> str:
        return obj.hr_opinion_by.display_name if obj.hr_opinion_by_id else ""


class ApplicationCreateSerializer(serializers.Serializer):
    candidate = serializers.PrimaryKeyRelatedField(
        queryset=selectors.candidates(), required=False,
        help_text="工作人员代录时必填；考生本人申报时省略。",
    )
    occupation = serializers.PrimaryKeyRelatedField(queryset=Occupation.objects.all())
    level = serializers.ChoiceField(choices=Level.choices)
    unified_appraisal = serializers.PrimaryKeyRelatedField(queryset=UnifiedAppraisal.objects.all(), required=False)
    scheduled_day = serializers.PrimaryKeyRelatedField(
        queryset=ScheduledAppraisalDay.objects.select_related("center"), required=False
    )
    retake_day = serializers.PrimaryKeyRelatedField(queryset=RetakeDay.objects.all(), required=False)
    name = serializers.CharField(max_length=40)
    gender = serializers.ChoiceField(choices=Application._meta.get_field("gender").choices)
    birth_month = serializers.DateField(help_text="YYYY-MM-01")
    education = serializers.ChoiceField(choices=Application._meta.get_field("education").choices)
    id_number = serializers.CharField(max_length=18)
    employer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    current_occupation = serializers.CharField(max_length=60, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20)
    held_certificate = serializers.CharField(max_length=60, required=False, allow_blank=True)
    held_certificate_level = serializers.ChoiceField(choices=Level.choices, required=False, allow_null=True)
    held_certificate_issuer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    held_certificate_date = serializers.DateField(required=False, allow_null=True)
    professional_title = serializers.CharField(max_length=60, required=False, allow_blank=True)
    years_in_occupation = serializers.IntegerField(min_value=0, max_value=60)
    work_history = serializers.CharField(max_length=2000)
    retake_original_year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)
    retake_original_ticket = serializers.CharField(max_length=40, required=False, allow_blank=True)
    retake_subjects = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def validate(self, attrs):
        targets = [attrs.get(k) for k in ("unified_appraisal", "scheduled_day", "retake_day") if attrs.get(k)]
        if len(targets) != 1:
            raise ValidationError({"detail": ["请选择且只选择一次鉴定（统一鉴定、定期鉴定日或补考日）。"]})
        attrs["target"] = targets[0]
        return attrs


class ApplicationUpdateSerializer(ApplicationCreateSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("candidate", "occupation", "level", "unified_appraisal", "scheduled_day", "retake_day"):
            self.fields.pop(name)
        for field in self.fields.values():
            field.required = False

    def validate(self, attrs):
        return attrs


class SubmitResultSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "status", "status_display", "submitted_at", "fee_due", "eligibility"]
        read_only_fields = fields


class ApplicationStatusSerializer(serializers.Serializer):
    """The status poll's answer: what changes after a submit, nothing that needs a join."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class HrOpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=f"人力资源社会保障行政部门意见（必填，不超过{opinions.HR_OPINION_MAX_LENGTH}字）。",
    )


class PaymentSerializer(serializers.Serializer):
    paid = serializers.BooleanField(default=True)


class MaterialUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    file = serializers.FileField()


@extend_schema_view(
    list=extend_schema(summary="申报列表（考生看本人；工作人员按权限范围）"),
    retrieve=extend_schema(summary="申报详情"),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """鉴定申报（REG-1..REG-6）：申报、上传材料、提交、审核、缴费、人社部门意见。"""

    filterset_fields = ["status", "occupation", "level", "center", "scheduled_day", "unified_appraisal", "retake_day"]

    def get_queryset(self):
        return selectors.api_applications(
            self.request.user, search=self.request.query_params.get("search"), detail=self.action == "retrieve"
        )

    def filter_queryset(self, queryset):
        # A detail read without query parameters has nothing to filter: no filterset and its form
        # built for each read (the candidate's registration-day read, benchmarks/README.md).
        if self.action == "retrieve" and not self.request.query_params:
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action != "list" else ApplicationSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        # Full ID numbers: the candidate's own, and for staff who act on applications, in the detail.
        context["mask_ids"] = not (
            user.role == Role.CANDIDATE or (self.action != "list" and sees_full_id_numbers(user))
        )
        return context

    def _detail(self, application, code=status.HTTP_200_OK):
        application = selectors.application_for(self.request.user, application.pk)
        context = {**self.get_serializer_context(), "mask_ids": False}
        return Response(ApplicationDetailSerializer(application, context=context).data, status=code)

    @extend_schema(summary="新建申报（草稿）", request=ApplicationCreateSerializer, responses=ApplicationDetailSerializer)
    def create(self, request):
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = request.user
        candidate = data.pop("candidate", None)
        if user.role == Role.CANDIDATE:
            candidate = user
        elif candidate is None:
            raise ValidationError({"candidate": ["工作人员代录时请指定考生。"]})
        for key in ("unified_appraisal", "scheduled_day", "retake_day"):
            data.pop(key, None)
        application = services.create_application(candidate=candidate, actor=user, **data)
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(summary="修改申报（草稿或退回修改时）", request=ApplicationUpdateSerializer,
                   responses=ApplicationDetailSerializer)
    def partial_update(self, request, pk=None):
        application = selectors.application_for(request.user, pk)
        serializer = ApplicationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_application(application, actor=request.user, **serializer.validated_data)
        return self._detail(application)

    @extend_schema(summary="上传材料（按内容校验）", request=MaterialUploadSerializer, responses=MaterialSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def materials(self, request, pk=None):
        application = selectors.application_for(request.user, pk)
        serializer = MaterialUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        material = services.attach_material(application, kind=serializer.validated_data["kind"],
            uploaded=serializer.validated_data["file"], actor=request.user,
        )
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="资格核验结果（REG-5、REG-6）", responses={200: dict})
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        application = selectors.application_for(request.user, pk)
        return Response(services.check_eligibility(application))

    @extend_schema(summary="提交申报（返回提交结果；详情另行 GET）", request=None, responses=SubmitResultSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        # The busiest write of the season: a light scoped lookup, the service, a short answer.
        application = selectors.application_ref_for(request.user, pk)
        submitted = services.submit_application(application, actor=request.user)
        return Response(SubmitResultSerializer(submitted).data)

    @extend_schema(summary="申报状态（轮询用，轻量）", responses=ApplicationStatusSerializer)
    @action(detail=True, methods=["get"], url_path="status")
    def status_poll(self, request, pk=None):
        # Polled every few seconds after a submit: one narrow query, no relations, no detail serializer.
        row = selectors.application_status_for(request.user, pk)
        return Response(ApplicationStatusSerializer({**row, "status_display": Status(row["status"]).label}).data)

    def _decide(self, request, pk, fn, reason_kw="reason"):
        application = selectors.application_for(request.user, pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fn(application, actor=request.user, **{reason_kw: serializer.validated_data["reason"]})
        return self._detail(application)

    @extend_schema(summary="审核通过", request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, pk, services.approve_application, reason_kw="opinion")

    @extend_schema(summary="审核不通过（须填写原因）", request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, services.reject_application)

    @extend_schema(summary="退回修改（须填写原因）", request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_correction(self, request, pk=None):
        return self._decide(request, pk, services.return_application)

    @extend_schema(summary="撤回申报", request=ReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._decide(request, pk, services.withdraw_application)

    @extend_schema(summary="登记缴费（FEE-1）", request=PaymentSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def payment(self, request, pk=None):
        application = selectors.application_for(request.user, pk)
        serializer = PaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.record_payment(application, actor=request.user, paid=serializer.validated_data["paid"])
        return self._detail(application)

    @extend_schema(summary="填写人社部门意见（REG-1，审核通过后由管辖范围内的人社部门工作人员填写）",
                   request=HrOpinionSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="hr-opinion")
    def hr_opinion(self, request, pk=None):
        application = selectors.application_for(request.user, pk)  # 404 outside the user's scope
        serializer = HrOpinionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opinions.record_hr_opinion(application, actor=request.user,
                     opinion=serializer.validated_data["opinion"])
        # Not _detail(): HR officials read ID numbers masked (the context's rule), never in full.
        application = selectors.application_for(request.user, pk)
        return Response(ApplicationDetailSerializer(application, context=self.get_serializer_context()).data)


__all__ = ["ApplicationViewSet", "Status"]
