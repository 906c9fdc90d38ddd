from django.core.management.base import BaseCommand, CommandError

from appraisal.backup import BackupError, verify
from appraisal.management.commands._backup_options import add_target_arguments, failing, target


class Command(BaseCommand):
    help = "核对数据库与文件目录是否与备份一致（各表行数、每个文件的SHA-256）。"

    def add_arguments(self, parser):
        add_target_arguments(parser, verb="核对")

    def handle(self, *args, **options):
        database, media_root = target(options)
        try:
            problems = verify(options["folder"], database=database, media_root=media_root)
        except BackupError as exc:
            raise failing(exc) from exc
        if problems:
            raise CommandError("与备份不一致：\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("与备份一致。"))
