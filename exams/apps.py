from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考务管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registration cannot import exams (DESIGN: dependencies go one way), so exams hands it what
        # it must know: a seated candidate stays paid (FEE-1), and the 申报表 shows the published
        # scores in its 鉴定成绩 cells (REG-1).
        from exams.services import published_scores_for_forms, seated_guard
        from registration import pdf as registration_pdf
        from registration import services as registration_services

        registration_services.UNPAY_GUARDS.append(seated_guard)
        registration_pdf.FORM_FILLERS.append(published_scores_for_forms)
