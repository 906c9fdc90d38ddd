"""The national exchange feed (CERT-1) for a national system to pull: what the province accepted,
after a cursor, a page at a time (format: docs/national-exchange.md). Token or session auth; the
province center's staff only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from appraisal import authority
from appraisal.gates import CLERKS, HasRole
from certificates import services


class FeedQuery(serializers.Serializer):
    after = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**63 - 1)
    limit = serializers.IntegerField(required=False, default=500, min_value=1, max_value=services.exchange.MAX_PAGE)


class ExchangeFeed(APIView):
    permission_classes = [HasRole(CLERKS)]

    @extend_schema(
        summary="全国数据交换：省级已接收的证书数据（游标分页，仅省鉴定中心）",
        description="全国系统按游标拉取省级已接收的证书数据：每次带上次读到的游标 after，"
        "直到 has_more 为 false。仅限省职业技能鉴定中心工作人员。",
        parameters=[OpenApiParameter("after", int, description="上次读到的游标（不含），首次为0"),
                    OpenApiParameter("limit", int, description="每页条数，1–1000，默认500")],
        responses=inline_serializer("ExchangePage", {
            "format": serializers.CharField(), "records": serializers.ListField(child=serializers.DictField()),
            "next_after": serializers.IntegerField(), "has_more": serializers.BooleanField()}),
    )
    def get(self, request):
        if not authority.is_province_staff(request.user):
            raise PermissionDenied("全国数据交换仅限省职业技能鉴定中心。")
        query = FeedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(services.feed(**query.validated_data))
