"""Response headers every page carries, beside Django's own security headers and the
Content-Security-Policy (django-csp)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the browser features no page of this site uses are switched off, so a
    script that got in somehow could not turn on the camera, the microphone or the location."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (CONTENT_SECURITY_POLICY), with one allowance: the admin and the API docs
    are third-party pages that set inline style attributes, so there styles may be inline. Scripts
    stay same-origin everywhere."""

    INLINE_STYLE_PREFIXES = ("/admin/", "/api/docs/")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith(self.INLINE_STYLE_PREFIXES):
            parts.replace = {**(parts.replace or {}), "style-src": [SELF, UNSAFE_INLINE]}
        return parts
