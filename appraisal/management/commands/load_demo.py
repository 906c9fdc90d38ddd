import io

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from appraisal.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据（幂等）：吉林省鉴定机构、鉴定职业、2017年及当年日历、各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不打印演示账号")

    def handle(self, *args, quiet=False, **options):
        this_year = timezone.localdate().year
        years = sorted({2017, this_year, this_year + 1})
        users = load_demo(years=years)
        # Fees (registration) and exam sites (exams) are the apps' own demo data: called by name, never imported.
        call_command("load_fee_schedule", verbosity=0)
        call_command("load_exam_demo", verbosity=0)
        if quiet:
            call_command("load_demo_applications", stdout=io.StringIO())
            return
        self.stdout.write(self.style.SUCCESS("演示数据已载入 (demo data loaded)。演示账号 / demo logins:"))
        for user in users:
            where = user.center.name if user.center else (user.region.name if user.region else "")
            self.stdout.write(
                f"  {user.get_role_display():<12} 用户名 {user.username:<18} 密码 {DEMO_PASSWORD}   {user.display_name} · {where}"
            )
        # Applications in each state, so the review queue has something to show (registration's own).
        call_command("load_demo_applications", stdout=self.stdout)
