"""Backup and restore of everything the system keeps: the database and the stored files (uploads,
申报表 and ticket PDFs).

A backup is a folder: `database.dump` (PostgreSQL, pg_dump's custom format) or `database.sqlite3`,
`media.tar`, and `manifest.json` with every table's row count and every file's SHA-256, taken from
the same snapshot as the dump. `restore` puts a backup into a fresh, empty database and folder;
`verify` compares a database and folder with a backup's manifest (row counts, file hashes).
The commands: `manage.py backup DIR`, `manage.py restore DIR`, `manage.py verify_backup DIR`."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A backup, restore or check that cannot go on, with the reason in Chinese."""


def is_postgres(database: dict) -> bool:
    return "postgresql" in database["ENGINE"]


# --- Files ------------------------------------------------------------------------------------------


def file_hashes(media_root: Path) -> dict[str, str]:
    hashes = {}
    root = Path(media_root)
    if not root.exists():
        return hashes
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda f=f: f.read(1 << 20), b""):
                digest.update(chunk)
        hashes[path.relative_to(root).as_posix()] = digest.hexdigest()
    return hashes


def _pack_media(media_root: Path, destination: Path) -> None:
    with tarfile.open(destination / MEDIA_TAR, "w") as tar:
        if Path(media_root).exists():
            tar.add(media_root, arcname=".")


def _unpack_media(source: Path, media_root: Path) -> None:
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"文件目录 {media_root} 不是空的：只能恢复到新的空目录。")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_TAR) as tar:
        tar.extractall(media_root, filter="data")  # no absolute paths, links out or device files


# --- Databases --------------------------------------------------------------------------------------


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_args(database: dict) -> list[str]:
    args = ["--host", str(database.get("HOST") or "127.0.0.1"), "--port", str(database.get("PORT") or 5432)]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    return args


def _pg_connect(database: dict, dbname: str | None = None, **kwargs):
    import psycopg

    return psycopg.connect(
        host=database.get("HOST") or "127.0.0.1", port=database.get("PORT") or 5432,
        user=database.get("USER") or None, password=database.get("PASSWORD") or None,
        dbname=dbname or database["NAME"], connect_timeout=5, **kwargs,
    )


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _count(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _run(command: list[str], env: dict | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{(result.stderr or result.stdout).strip()[:2000]}")


def _backup_postgres(database: dict, destination: Path) -> dict[str, int]:
    """Counts and dump from one snapshot: the counts describe exactly what the dump holds."""
    with _pg_connect(database) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor, _pg_tables(cursor), _quote)
            _run(["pg_dump", *_pg_args(database), "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={destination / PG_DUMP}", database["NAME"]],
                 env=_pg_env(database))
        conn.rollback()
    return counts


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _backup_sqlite(database: dict, destination: Path) -> dict[str, int]:
    source = sqlite3.connect(database["NAME"], timeout=20)
    target = sqlite3.connect(destination / SQLITE_COPY)
    try:
        source.backup(target)  # a consistent copy while others keep writing
    finally:
        source.close()
    try:
        return _count(target.cursor(), _sqlite_tables(target.cursor()), _quote)
    finally:
        target.close()


def _restore_postgres(source: Path, database: dict) -> None:
    import psycopg
    from psycopg import sql

    with _pg_connect(database, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
    try:
        with _pg_connect(database) as conn, conn.cursor() as cursor:
            if _pg_tables(cursor):
                raise BackupError(f"数据库 {database['NAME']} 不是空的：只能恢复到新的空数据库。")
    except psycopg.Error as exc:
        raise BackupError(f"无法连接数据库 {database['NAME']}：{exc}") from exc
    _run(["pg_restore", *_pg_args(database), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={database['NAME']}", str(source / PG_DUMP)], env=_pg_env(database))


def _restore_sqlite(source: Path, database: dict) -> None:
    target = Path(database["NAME"])
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"数据库文件 {target} 已存在：只能恢复到新的数据库。")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / SQLITE_COPY, target)


def row_counts(database: dict) -> dict[str, int]:
    if is_postgres(database):
        with _pg_connect(database) as conn, conn.cursor() as cursor:
            return _count(cursor, _pg_tables(cursor), _quote)
    with contextlib.closing(sqlite3.connect(database["NAME"])) as conn:
        return _count(conn.cursor(), _sqlite_tables(conn.cursor()), _quote)


# --- The three operations ---------------------------------------------------------------------------


def backup(destination: Path, *, database: dict, media_root: Path) -> dict:
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"备份目录 {destination} 不是空的。")
    destination.mkdir(parents=True, exist_ok=True)
    os.chmod(destination, 0o700)  # the backup holds every ID number
    counts = _backup_postgres(database, destination) if is_postgres(database) else _backup_sqlite(database, destination)
    _pack_media(media_root, destination)
    manifest = {
        "format": 1,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "engine": "postgresql" if is_postgres(database) else "sqlite",
        "row_counts": counts,
        "files": file_hashes(media_root),
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def read_manifest(source: Path) -> dict:
    try:
        return json.loads((Path(source) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} 不是有效的备份（缺少或无法读取 {MANIFEST}）。") from exc


def restore(source: Path, *, database: dict, media_root: Path) -> None:
    source = Path(source)
    manifest = read_manifest(source)
    if manifest["engine"] != ("postgresql" if is_postgres(database) else "sqlite"):
        raise BackupError(f"该备份来自 {manifest['engine']} 数据库，不能恢复到另一种数据库。")
    _unpack_media(source, media_root)
    if is_postgres(database):
        _restore_postgres(source, database)
    else:
        _restore_sqlite(source, database)


def verify(source: Path, *, database: dict, media_root: Path) -> list[str]:
    """The differences between a backup's manifest and a database and folder (none: they match)."""
    manifest = read_manifest(source)
    problems = []
    counts = row_counts(database)
    for table, expected in sorted(manifest["row_counts"].items()):
        if counts.get(table) != expected:
            problems.append(f"表 {table}：备份 {expected} 行，现有 {counts.get(table, '无此表')}")
    hashes = file_hashes(media_root)
    for name, digest in sorted(manifest["files"].items()):
        if hashes.get(name) != digest:
            problems.append(f"文件 {name}：{'缺失' if name not in hashes else '内容不同'}")
    problems += [f"文件 {name}：备份中没有" for name in sorted(set(hashes) - set(manifest["files"]))]
    return problems
