from appraisal.backup import backup
from appraisal.management.backup_command import BackupCommand


class Command(BackupCommand):
    help = "备份数据库与上传文件（申报材料、申报表、准考证）到一个新目录，并记录各表行数与文件哈希。"
    verb = "备份"

    def run(self, folder, database, media_root):
        manifest = backup(folder, database=database, media_root=media_root)
        rows = sum(manifest["row_counts"].values())
        return f"已备份到 {folder}：{len(manifest['row_counts'])} 张表 {rows} 行，{len(manifest['files'])} 个文件。"
