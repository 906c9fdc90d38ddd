from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's wiring as an app, only so that it can hold the `load_demo` command that
    collects every app's demo part."""

    name = "config"
    label = "project"
    verbose_name = "项目配置"


class AxesConfig(AxesAppConfig):
    """django-axes (login lockout) under a Chinese name in the admin; its models' names come from
    locale/zh_Hans (axes ships no Chinese catalogue)."""

    verbose_name = "登录安全"

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        # The admin's titles and breadcrumbs show each record's str(), hard-coded in English upstream.
        AccessAttempt.__str__ = lambda record: f"登录尝试：{record.username}（{_when(record)}）"
        AccessFailureLog.__str__ = lambda record: (
            f"登录失败：{record.username}（{_when(record)}，{record.ip_address or '地址未知'}"
            f"{'，已锁定' if record.locked_out else ''}）"
        )
        AccessLog.__str__ = lambda record: f"登录日志：{record.username}（{_when(record)}）"


def _when(record) -> str:
    from django.utils import timezone

    return timezone.localtime(record.attempt_time).strftime("%Y-%m-%d %H:%M") if record.attempt_time else ""
