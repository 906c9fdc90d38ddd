from appraisal.backup import verify
from appraisal.management.backup_command import BackupCommand


class Command(BackupCommand):
    help = "核对数据库与文件目录是否与备份一致（各表行数、每个文件的SHA-256）。"
    verb = "核对"

    def run(self, folder, database, media_root):
        self.refuse_differences(verify(folder, database=database, media_root=media_root), "与备份不一致：")
        return "与备份一致。"
