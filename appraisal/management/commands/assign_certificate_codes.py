"""`manage.py assign_certificate_codes`: give every center without one its certificate body code
(CERT-4), once after upgrading a database that had centers before certificates existed. Codes set
by hand (admin, 鉴定机构 → 证书编码) are kept."""

from django.core.management.base import BaseCommand

from appraisal.services import assign_certificate_body_codes


class Command(BaseCommand):
    help = "为尚无证书机构代码的鉴定机构分配代码（地区+类别+序号），已有代码的保持不变。"

    def handle(self, *args, **options):
        count = assign_certificate_body_codes()
        self.stdout.write(f"已为 {count} 个鉴定机构分配证书机构代码。")
