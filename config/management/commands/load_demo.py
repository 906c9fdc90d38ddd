"""`manage.py load_demo`: every installed app loads its own demo part, in the order of
INSTALLED_APPS (which is the order of dependency), through its `demo.load(stdout, quiet)`."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule


def demo_loaders():
    """The `load` of each app that has a `demo` module, in dependency order."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            yield app_config.label, import_module(f"{app_config.name}.demo").load


class Command(BaseCommand):
    help = "载入演示数据（幂等）：吉林省鉴定机构、鉴定职业、日历、各角色演示账号，以及各业务模块的演示数据。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不打印演示账号")

    def handle(self, *args, quiet=False, **options):
        for _label, load in demo_loaders():
            load(stdout=self.stdout, quiet=quiet)
