"""Backup and restore: one command backs up the database and the stored files, one restores them
into a fresh database and folder, and the check compares row counts and file hashes."""

import io
import secrets
import sqlite3

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from appraisal.backup import BackupError, backup, read_manifest, restore, verify


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save("materials/2026/photo.jpg", ContentFile(b"\xff\xd8 a photo"))
    default_storage.save("forms/申报表-1.pdf", ContentFile(b"%PDF-1.4 a form"))
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_postgres():
    """The URL of a database that does not exist yet, dropped afterwards."""
    settings_dict = connection.settings_dict
    name = f"test_appraisal_restore_{secrets.token_hex(4)}"
    user = settings_dict.get("USER") or "postgres"
    url = f"postgres://{user}@{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/{name}"
    yield url
    import psycopg

    with psycopg.connect(host=settings_dict.get("HOST") or "127.0.0.1", port=settings_dict.get("PORT") or 5432,
                         user=user, password=settings_dict.get("PASSWORD") or None, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_round_trip_of_the_demo_data_on_postgresql(on_postgres, db, media, tmp_path, fresh_postgres):
    folder = tmp_path / "backup"
    call_command("backup", str(folder), media_root=str(media), stdout=io.StringIO())
    manifest = read_manifest(folder)
    assert manifest["row_counts"]["appraisal_center"] > 50  # the demo's centers
    assert manifest["row_counts"]["appraisal_user"] >= 8
    assert set(manifest["files"]) == {"materials/2026/photo.jpg", "forms/申报表-1.pdf"}
    restored_media = tmp_path / "restored-media"
    call_command("restore", str(folder), database_url=fresh_postgres, media_root=str(restored_media),
                 stdout=io.StringIO())
    call_command("verify_backup", str(folder), database_url=fresh_postgres, media_root=str(restored_media),
                 stdout=io.StringIO())
    # The check is not vacuous: a changed file and a second restore into a used database are caught.
    (restored_media / "forms" / "申报表-1.pdf").write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(CommandError, match="申报表-1.pdf：内容不同"):
        call_command("verify_backup", str(folder), database_url=fresh_postgres, media_root=str(restored_media))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(folder), database_url=fresh_postgres, media_root=str(tmp_path / "other"))


def test_round_trip_on_sqlite_and_a_missing_row_is_reported(tmp_path, media):
    source = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "source.sqlite3")}
    with sqlite3.connect(source["NAME"]) as conn:
        conn.execute("CREATE TABLE appraisal_center (id INTEGER PRIMARY KEY, name TEXT)")
        conn.executemany("INSERT INTO appraisal_center (name) VALUES (?)", [("长春市",), ("农安县",)])
    manifest = backup(tmp_path / "backup", database=source, media_root=media)
    assert manifest["row_counts"] == {"appraisal_center": 2} and manifest["engine"] == "sqlite"
    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
    restore(tmp_path / "backup", database=target, media_root=tmp_path / "restored-media")
    assert verify(tmp_path / "backup", database=target, media_root=tmp_path / "restored-media") == []
    with sqlite3.connect(target["NAME"]) as conn:
        conn.execute("DELETE FROM appraisal_center WHERE name = '农安县'")
    assert verify(tmp_path / "backup", database=target, media_root=tmp_path / "restored-media") == [
        "表 appraisal_center：备份 2 行，现有 1"
    ]


def test_a_backup_never_overwrites_and_a_restore_refuses_the_other_engine(tmp_path, media):
    source = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "source.sqlite3")}
    sqlite3.connect(source["NAME"]).close()
    backup(tmp_path / "backup", database=source, media_root=media)
    with pytest.raises(BackupError, match="不是空的"):
        backup(tmp_path / "backup", database=source, media_root=media)
    with pytest.raises(BackupError, match="不能恢复到另一种数据库"):
        restore(tmp_path / "backup", database={"ENGINE": "django.db.backends.postgresql", "NAME": "x"},
                media_root=tmp_path / "m")
    with pytest.raises(BackupError, match="不是有效的备份"):
        verify(tmp_path, database=source, media_root=media)
