from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考务管理"
    default_auto_field = "django.db.models.BigAutoField"
