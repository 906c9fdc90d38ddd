"""The public verification endpoint (CERT-4): no login, JSON in and out. The same service and the
same limits as the page (certificates.services.verification, certificates/throttle.py): 429 with
the reason when a limit is reached; 403 with a new captcha (key and image URL) once an address
failed too often, answered by sending captcha_key and captcha_value with the next request. POST
keeps names and ID numbers out of URLs and logs."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import throttle
from certificates.services import verification

NULL = "不能包含空字符等控制字符。"
REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")  # what DRF's CharField validators refuse


class VerifyQuery(serializers.Serializer):
    """Generous bounds only; clean_query checks the content with the page's Chinese messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # DRF's own null-character check ignores error_messages
            for validator in field.validators:
                if isinstance(validator, ProhibitNullCharactersValidator):
                    validator.message = NULL

    number = serializers.CharField(max_length=40, help_text="证书编号，16位数字", error_messages={
        "required": "请填写证书编号。", "blank": "请填写证书编号。", "max_length": "证书编号为16位数字。",
        "null_characters_not_allowed": NULL})
    name = serializers.CharField(max_length=200, help_text="持证人姓名（最多40个字）", error_messages={
        "required": "请填写持证人姓名。", "blank": "请填写持证人姓名。", "max_length": "姓名最多40个字。",
        "null_characters_not_allowed": NULL})
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                      help_text="身份证号（选填，作为第二重核对）", error_messages={
                                          "max_length": "身份证号为18位。", "null_characters_not_allowed": NULL})
    captcha_key = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                        help_text="验证码编号（多次未查到后，403答复中给出）")
    captcha_value = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                          help_text="验证码图中的字母")


def _plain(data) -> dict | None:
    """VerifyQuery's validated data without the serializer when every field is a string within its
    bounds, the usual case (building the serializer's fields cost ≈0.3 ms, a tenth of a verification);
    None sends anything else through VerifyQuery, for its messages."""
    if not isinstance(data, dict):
        return None
    plain = {}
    for name, field in VerifyQuery._declared_fields.items():
        value = data.get(name, "")
        if not isinstance(value, str) or REFUSED_CHARACTERS.search(value):
            return None
        value = value.strip()
        if len(value) > field.max_length or (field.required and not value):
            return None
        plain[name] = value
    return plain


ANSWER = inline_serializer("CertificateVerification", {
    "status": serializers.ChoiceField(choices=[verification.VALID, verification.REVOKED, verification.NOT_FOUND],
                                      help_text="valid 有效；revoked 已吊销；not_found 未查到（编号或姓名不符）"),
    "number": serializers.CharField(), "holder_name": serializers.CharField(),
    "masked_id_number": serializers.CharField(help_text="身份证号，仅显示前6位和后4位"),
    "occupation": serializers.CharField(), "level": serializers.CharField(),
    "issued_on": serializers.DateField(allow_null=True), "issuing_authority": serializers.CharField(),
    "body": serializers.CharField(help_text="鉴定机构"),
    "revoked_on": serializers.DateField(allow_null=True, help_text="吊销日期（仅已吊销时）"),
})


REFUSED = inline_serializer("VerificationRefused", {
    "detail": serializers.CharField(help_text="拒绝原因（中文）"),
    "captcha_key": serializers.CharField(required=False, help_text="需要验证码时：新验证码的编号"),
    "captcha_image_url": serializers.CharField(required=False, help_text="需要验证码时：验证码图片地址"),
})


def _refused(refusal: throttle.Refusal) -> Response:
    body = {"detail": refusal.message}
    if refusal.captcha:
        body.update(throttle.new_captcha())
    return Response(body, status=refusal.status)


class JsonAnswers(DefaultContentNegotiation):
    """JSON whatever the Accept header asks: matching it against the renderers cost ≈0.1 ms a request."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class VerifyCertificate(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # anyone, and no session: no CSRF token to fetch first
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonAnswers

    @extend_schema(
        summary="证书查验（公开，无需登录）：证书编号＋持证人姓名（可加身份证号）",
        description="返回有效、已吊销（含吊销日期）或未查到。姓名不符与编号不存在的答复完全相同。"
                    "只答复省鉴定中心已接收的证书数据；身份证号只显示前6位和后4位。",
        request=VerifyQuery, auth=[],
        responses={200: ANSWER, 403: OpenApiResponse(REFUSED, "多次未查到：需先输入验证码（附新验证码）"),
                   429: OpenApiResponse(REFUSED, "查验过于频繁（按网络地址或证书编号限制）")},
        examples=[OpenApiExample("查验", request_only=True,
                                 value={"number": "2622010500001026", "name": "张三", "id_number": ""})],
    )
    def post(self, request):
        # The input is checked before the limits are counted, so that one round trip to Redis counts
        # them all (throttle.admit); the answers stay in the same order: address, input, captcha, number.
        data, query = _plain(request.data), None
        if data is None:
            query = VerifyQuery(data=request.data)
            data = query.validated_data if query.is_valid() else None
        cleaned = problem = None
        if data is not None:
            try:
                cleaned = verification.clean_query(data["number"], data["name"], data["id_number"])
            except DjangoValidationError as exc:
                problem = exc
        admission = throttle.admit(request, cleaned.number if cleaned else None)
        if admission.refusal:
            return _refused(admission.refusal)
        try:
            if data is None:
                raise ValidationError(query.errors)
            if admission.captcha:
                if not data["captcha_value"]:
                    throttle.record_failure(request)
                    return _refused(throttle.captcha_refusal())
                throttle.check_captcha(data["captcha_key"], data["captcha_value"])
            if problem:
                raise problem
        except (ValidationError, DjangoValidationError):
            throttle.record_failure(request)
            raise
        if admission.captcha:  # the number was not counted before the captcha was answered
            refusal = throttle.check_number(request, cleaned.number)
            if refusal:
                return _refused(refusal)
        answer = verification.verify(cleaned)
        if not answer.found:
            throttle.record_failure(request)
        return Response(answer.as_json())
