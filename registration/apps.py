from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "报名管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from registration import signals  # noqa: F401  (connects the receivers)
