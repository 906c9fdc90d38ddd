"""Django's error pages (404, 403, 500 and 400), answered in JSON under /api/ so that an API client
gets the body the schema documents even for a URL no route matches; elsewhere the site's pages."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "接口或记录不存在。"}, status=404)
    return defaults.page_not_found(request, exception)


def forbidden(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": str(exception or "") or "您没有权限执行此操作。"}, status=403)
    return defaults.permission_denied(request, exception)


def bad_request(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "请求有误。"}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if _api(request):
        return JsonResponse({"detail": "服务器内部错误，请稍后再试。"}, status=500)
    return defaults.server_error(request)
