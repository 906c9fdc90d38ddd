"""django-axes' admin in Chinese: its list columns computed by methods ("status", "expiration") and
its clean-up action (English message, and a 500 from the admin) are re-declared here."""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description="状态")
    def status(self, obj):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"剩余 {remaining} 次尝试机会" if remaining > 0 else "已锁定"

    @admin.display(description="过期时间")
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.action(description="清理已过期的尝试记录")
    def cleanup_expired_attempts(self, request, queryset):
        # Upstream reads the time of the login being checked from the request, which an admin
        # request never has (AttributeError, a 500): the clean-up's "now" is the admin's click.
        if getattr(request, "axes_attempt_time", None) is None:
            request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清理 {count} 条过期的登录尝试记录。")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
