from django.core.management.base import BaseCommand, CommandError

from appraisal.backup import BackupError, restore, verify
from appraisal.management.commands._backup_options import add_target_arguments, failing, target


class Command(BaseCommand):
    help = "把备份恢复到新的空数据库和空文件目录，然后核对行数与文件哈希。"

    def add_arguments(self, parser):
        add_target_arguments(parser, verb="恢复到")

    def handle(self, *args, **options):
        database, media_root = target(options)
        try:
            restore(options["folder"], database=database, media_root=media_root)
            problems = verify(options["folder"], database=database, media_root=media_root)
        except BackupError as exc:
            raise failing(exc) from exc
        if problems:
            raise CommandError("恢复后核对不一致：\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS(f"已恢复并核对一致：数据库 {database['NAME']}，文件目录 {media_root}。"))
