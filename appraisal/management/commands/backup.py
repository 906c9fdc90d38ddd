from django.core.management.base import BaseCommand

from appraisal.backup import BackupError, backup
from appraisal.management.commands._backup_options import add_target_arguments, failing, target


class Command(BaseCommand):
    help = "备份数据库与上传文件（申报材料、申报表、准考证）到一个新目录，并记录各表行数与文件哈希。"

    def add_arguments(self, parser):
        add_target_arguments(parser, verb="备份")

    def handle(self, *args, **options):
        database, media_root = target(options)
        try:
            manifest = backup(options["folder"], database=database, media_root=media_root)
        except BackupError as exc:
            raise failing(exc) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"已备份到 {options['folder']}：{len(manifest['row_counts'])} 张表 {rows} 行，{len(manifest['files'])} 个文件。"
        ))
