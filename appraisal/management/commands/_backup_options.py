"""Options the backup commands share: which database and which file folder."""

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import CommandError

from appraisal.backup import BackupError


def add_target_arguments(parser, *, verb: str):
    parser.add_argument("folder", type=Path, help="备份目录")
    parser.add_argument("--database-url", help=f"{verb}的数据库（默认：当前配置的数据库），如 postgres://user@host/db")
    parser.add_argument("--media-root", type=Path, help=f"{verb}的文件目录（默认：当前的 MEDIA_ROOT）")


def target(options) -> tuple[dict, Path]:
    database = (
        environ.Env.db_url_config(options["database_url"]) if options.get("database_url")
        else settings.DATABASES["default"]
    )
    return database, options.get("media_root") or Path(settings.MEDIA_ROOT)


def failing(exc: BackupError) -> CommandError:
    return CommandError(str(exc))
