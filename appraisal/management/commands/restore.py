from appraisal.backup import restore, verify
from appraisal.management.backup_command import BackupCommand


class Command(BackupCommand):
    help = "把备份恢复到新的空数据库和空文件目录，然后核对行数与文件哈希。"
    verb = "恢复到"

    def run(self, folder, database, media_root):
        restore(folder, database=database, media_root=media_root)
        self.refuse_differences(verify(folder, database=database, media_root=media_root), "恢复后核对不一致：")
        return f"已恢复并核对一致：数据库 {database['NAME']}，文件目录 {media_root}。"
