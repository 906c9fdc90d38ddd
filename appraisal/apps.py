from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "鉴定基础数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from appraisal import signals  # noqa: F401
