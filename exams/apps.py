from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考务管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # FEE-1: a seated candidate stays paid. Registration cannot import exams (DESIGN: one direction),
        # so exams hands it the check.
        from exams.services import seated_guard
        from registration import services as registration_services

        registration_services.UNPAY_GUARDS.append(seated_guard)
