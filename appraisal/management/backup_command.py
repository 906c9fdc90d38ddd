"""What the backup commands share: which folder, database and file folder, and how a refusal reads."""

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appraisal.backup import BackupError


class BackupCommand(BaseCommand):
    """`run(folder, database, media_root)` returns the line to print; a BackupError or a list of
    differences ends the command with its message in Chinese."""

    verb = ""

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="备份目录")
        parser.add_argument("--database-url", help=f"{self.verb}的数据库（默认：当前配置的数据库），如 postgres://user@host/db")
        parser.add_argument("--media-root", type=Path, help=f"{self.verb}的文件目录（默认：当前的 MEDIA_ROOT）")

    def handle(self, *args, folder, database_url=None, media_root=None, **options):
        database = environ.Env.db_url_config(database_url) if database_url else settings.DATABASES["default"]
        try:
            done = self.run(folder, database, media_root or Path(settings.MEDIA_ROOT))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(done))

    def run(self, folder: Path, database: dict, media_root: Path) -> str:
        raise NotImplementedError

    @staticmethod
    def refuse_differences(problems: list[str], heading: str) -> None:
        if problems:
            raise CommandError(heading + "\n" + "\n".join(problems))
