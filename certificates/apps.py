from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "证书管理"
    default_auto_field = "django.db.models.BigAutoField"
