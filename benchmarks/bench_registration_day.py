"""Registration day under load (REG-1): the candidates' mix against gunicorn + PostgreSQL + Redis +
a Celery worker, beside the two floors measured in the same run.

    .venv/bin/python benchmarks/bench_registration_day.py                 # worker running, 50 and 200 users
    .venv/bin/python benchmarks/bench_registration_day.py --no-worker     # worker stopped during the mix
    .venv/bin/python benchmarks/bench_registration_day.py --users 50 --seconds 20 --json benchmarks/results/day.json

Needs PostgreSQL and Redis on 127.0.0.1, wrk (scripts/setup.sh installs it) and locust (the [dev]
extras). Everything listens on 127.0.0.1 only. Steps:

1. a scratch database (BENCH_DB, dropped at the end unless --keep) with the demo data and
   --candidates complete drafts per phase, each with its own API token and logged-in session;
2. gunicorn with 5 workers; a Celery worker (the 申报表 renders), at a lower CPU priority unless
   --worker-nice 0; with --no-worker it is started only after the mix, to drain the queue;
3. the floors with wrk (50 connections): `/healthz/` (a minimal view) and `/api/me/` with a
   different candidate's token each request (the authenticated no-op);
4. the mix with locust headless (locust_registration_day.py), one phase per --users value, each
   at most --seconds (≤ 60) long: /api/me/, the application (API), its page (HTML), submit, then
   three status polls 0.5 s apart;
5. the drain: the outbox relayed, the worker given --drain-timeout seconds; then every submitted
   application must have its form rendered or its render task still queued (nothing lost).

Reported per step: throughput, p50/p99, errors, and the ratios against the authenticated no-op.
Goals (issue 9): mix throughput at 200 users ≥ 0.3 of the no-op, each step's p99 ≤ 10× the
no-op's p99, zero errors, zero lost submissions.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
PORT = int(os.environ.get("BENCH_PORT", "8766"))
sys.path.insert(0, str(HERE))
from common import postgres_server  # noqa: E402

PG = postgres_server()
DB_NAME = os.environ.get("BENCH_DB", "appraisal_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
GUNICORN_WORKERS = 5
FLOOR_CONNECTIONS = 50
MEDIA = Path(tempfile.mkdtemp(prefix="bench-day-media-"))

ME_LUA = r"""
local tokens = {}
local next_index = 1
function init(args)
  for line in io.lines(args[1]) do
    local _, token = line:match("(%d+) (%w+)")
    table.insert(tokens, token)
  end
  next_index = math.random(#tokens)
end
function request()
  next_index = next_index % #tokens + 1
  return wrk.format("GET", "/api/me/", {["Authorization"] = "Token " .. tokens[next_index]}, "")
end
"""


def server_env():
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"{PG}/{DB_NAME}", "REDIS_URL": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_DEBUG": "false", "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_MEDIA_ROOT": str(MEDIA), "DJANGO_LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT),
    })
    return env


def psql(sql):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_exists(name) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def prepare(count: int, rebuild: bool) -> Path:
    """The scratch database, cloned from a template built once (demo data and `count` complete
    drafts, each with a token and a session): loading the demo costs a minute of CPU, cloning a second."""
    template = f"{DB_NAME}_template"
    os.environ.update(server_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    if rebuild or not database_exists(template):
        psql(f"DROP DATABASE IF EXISTS {template}")
        psql(f"CREATE DATABASE {DB_NAME}")
        build(count)
        connections.close_all()
        psql(f"ALTER DATABASE {DB_NAME} RENAME TO {template}")
    psql(f"CREATE DATABASE {DB_NAME} TEMPLATE {template}")
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from registration.models import Application

    store = SessionStore()
    by_user = {store.decode(data)[SESSION_KEY]: key
               for key, data in Session.objects.values_list("session_key", "session_data")}
    rows = Application.objects.filter(candidate__username__startswith="day").order_by("pk").values_list(
        "pk", "candidate_id", "candidate__auth_token__key")
    lines = Path(tempfile.mkstemp(prefix="bench-day-candidates-", suffix=".txt")[1])
    lines.write_text("".join(f"{pk} {token} {by_user[str(user)]}\n" for pk, user, token in rows))
    if len(rows) < count:
        raise SystemExit(f"the template has {len(rows)} candidates, {count} asked: --rebuild")
    store_material_files()
    # As after their login: each session read once through the configured engine, which puts it in
    # the cache when the engine is cache-backed (cached_db), as logging in would.
    engine = import_module(settings.SESSION_ENGINE)
    for key in by_user.values():
        engine.SessionStore(key).load()
    connections.close_all()
    return lines


def store_material_files():
    """The drafts' files in this run's media folder (the template's were in the folder of the run
    that built it): a 330×480 JPEG for every photo, a small PDF for the rest, so the worker renders
    each form with its photo, as in production."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from registration.models import Material, MaterialKind

    storage = Material._meta.get_field("file").storage
    photo = io.BytesIO()
    Image.new("RGB", (330, 480), (200, 210, 220)).save(photo, "JPEG", quality=85)
    photo_name = storage.save("materials/bench-photo.jpg", ContentFile(photo.getvalue()))
    Material.objects.filter(kind=MaterialKind.PHOTO).update(file=photo_name, content_type="image/jpeg",
                                                            size=len(photo.getvalue()))
    for name in Material.objects.exclude(kind=MaterialKind.PHOTO).values_list("file", flat=True).distinct():
        if not storage.exists(name):
            storage.save(name, ContentFile(b"%PDF-1.4\n%%EOF\n"))


def build(count: int):
    """Demo data and `count` complete drafts, each with its own API token and logged-in session."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from rest_framework.authtoken.models import Token
    from stdnum.cn import ric

    from appraisal.demo import load_demo
    from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User, WorkdayOverride
    from appraisal.workdays import library_knows
    from registration import services
    from registration.models import Application, Material

    call_command("migrate", verbosity=0)
    load_demo(years=(2017, timezone.localdate().year))
    nongan = Center.objects.get(division_code="220122")
    day_date = timezone.localdate() + datetime.timedelta(days=45)
    for year in {timezone.localdate().year, day_date.year}:
        if not library_knows(year):
            WorkdayOverride.objects.get_or_create(day=datetime.date(year, 1, 1), defaults={"is_working_day": False})
    day, _ = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=day_date)
    occupation = Occupation.objects.get(name="汽车维修工")

    users = []
    for i in range(count):
        # Born from 1985 (农安县 has had its code since 1983; of working age, as REG-5 checks), one ID each.
        body = f"220122{datetime.date(1985, 1, 1) + datetime.timedelta(days=i // 10):%Y%m%d}{i % 10:02d}1"
        users.append(User(username=f"day{i}", role=Role.CANDIDATE, full_name=f"压测{i}", region=nongan,
                          id_number=body + ric.calc_check_digit(body + "0"), password="!"))
    users = User.objects.bulk_create(users, batch_size=1000)
    Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users], batch_size=1000)
    # Logged-in browser sessions, written as the login view would (the engine reads them from the
    # database; a cached_db engine fills its cache on the first read).
    store = SessionStore()
    expire = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = [Session(session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"),
                        session_data=store.encode({SESSION_KEY: str(u.pk), HASH_SESSION_KEY: u.get_session_auth_hash(),
                                                   BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1]}),
                        expire_date=expire) for u in users]
    Session.objects.bulk_create(sessions, batch_size=1000)
    apps = Application.objects.bulk_create([
        Application(candidate=u, center=nongan, occupation=occupation, level=5, scheduled_day=day, name=u.full_name,
                    gender="M", birth_month=datetime.date(int(u.id_number[6:10]), int(u.id_number[10:12]), 1),
                    education="senior", id_number=u.id_number, phone="13800000000", years_in_occupation=5,
                    work_history="压测数据") for u in users
    ], batch_size=1000)
    # One stored file serves every material row: the benchmark measures the day, not uploading.
    stored = Material._meta.get_field("file").storage.save("materials/bench", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    kinds = services.required_materials(apps[0])
    Material.objects.bulk_create([
        Material(application=a, kind=k, file=stored, content_type="application/pdf", size=15, sha256="0" * 64,
                 uploaded_by=a.candidate, width=330 if k == "photo" else None, height=480 if k == "photo" else None)
        for a in apps for k in kinds
    ], batch_size=2000)


def wait_for_http(url, process, what):
    for _ in range(150):
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


def start_gunicorn():
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(GUNICORN_WORKERS), "--log-level", "warning"],
        cwd=ROOT, env=server_env(), start_new_session=True,
    )
    wait_for_http(f"http://127.0.0.1:{PORT}/healthz/", process, "gunicorn")
    return process


def start_worker(nice: int):
    # The same command as docker-compose's worker, niced as DEPLOY.md advises: renders yield the CPU
    # to the web tier during the peak and use what is left.
    command = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "-l", "warning", "--without-heartbeat",
               "--without-gossip", "--without-mingle"]
    if nice:
        command = ["nice", "-n", str(nice), *command]
    return subprocess.Popen(command, cwd=ROOT, env=server_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL)


def stop(process):
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def seconds_of(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:  # no request finished (wrk prints -nan)
        return float("nan")
    value, unit = match.groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]


def wrk(url, seconds, script=None, *script_args):
    with_script = ["-s", str(script), url, "--", *map(str, script_args)] if script else [url]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{FLOOR_CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency", *with_script],
        capture_output=True, text=True, check=True,
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": seconds_of(re.search(r"50%\s+(\S+)", out).group(1)) * 1000,
        "p99_ms": seconds_of(re.search(r"99%\s+(\S+)", out).group(1)) * 1000,
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }


def locust(users, seconds, candidates: Path, status_path: str):
    prefix = Path(tempfile.mkdtemp(prefix="bench-day-locust-")) / "run"
    env = {**os.environ, "BENCH_CANDIDATES": str(candidates), "BENCH_STATUS_PATH": status_path}
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(HERE / "locust_registration_day.py"), "--headless",
         "--host", f"http://127.0.0.1:{PORT}", "-u", str(users), "-r", str(max(users // 2, 1)), "-t", f"{seconds}s",
         "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5"],
        env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    steps = {}
    with open(f"{prefix}_stats.csv", newline="") as rows:
        for row in csv.DictReader(rows):
            steps[row["Name"]] = {
                "rps": float(row["Requests/s"]), "requests": int(row["Request Count"]),
                "p50_ms": float(row["50%"]), "p99_ms": float(row["99%"]), "errors": int(row["Failure Count"]),
            }
    failures = Path(f"{prefix}_failures.csv").read_text() if Path(f"{prefix}_failures.csv").exists() else ""
    shutil.rmtree(prefix.parent, ignore_errors=True)
    return steps, failures


def drain(timeout: float):
    """Relay what the outbox still holds, then give the worker `timeout` seconds; then account for
    every submitted application: its form rendered, or its render task still waiting (in the
    broker's queue, taken by the worker but not acknowledged, or in the outbox). Anything else is lost."""
    from appraisal import outbox
    from appraisal.models import OutboxMessage
    from registration.models import Application, Status
    from registration.services.forms_pdf import RENDER_TASK

    started = time.monotonic()
    while outbox.relay():
        pass
    submitted = Application.objects.filter(status=Status.SUBMITTED)
    rendered = submitted.exclude(form_pdf="")
    total = submitted.count()
    while time.monotonic() - started < timeout:
        done = rendered.count()
        if done >= total:
            break
        time.sleep(1)
    took = time.monotonic() - started
    waiting = queued_renders(RENDER_TASK) | {
        args[0] for args in OutboxMessage.objects.filter(task=RENDER_TASK, sent_at__isnull=True)
        .values_list("args", flat=True)}
    missing = set(submitted.values_list("pk", flat=True)) - set(rendered.values_list("pk", flat=True))
    return {"submitted": total, "rendered": len(rendered), "waiting": len(missing & waiting),
            "lost": len(missing - waiting), "seconds": round(took, 1)}


def queued_renders(task: str) -> set[int]:
    """The applications whose render task is in the Redis broker: queued, or delivered to the
    worker and not yet acknowledged (late acknowledgement)."""
    import base64

    import redis

    broker = redis.Redis.from_url(REDIS)
    raw = [*broker.lrange("celery", 0, -1), *(json.loads(v)[0] for v in broker.hvals("unacked"))]
    ids = set()
    for item in raw:
        message = json.loads(item) if isinstance(item, bytes | str) else item
        if message.get("headers", {}).get("task") == task:
            args = json.loads(base64.b64decode(message["body"]))[0]
            ids.add(int(args[0]))
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="50,200", help="simulated candidates per phase, comma-separated")
    parser.add_argument("--seconds", type=int, default=30, help="length of each phase (at most 60)")
    parser.add_argument("--floor-seconds", type=int, default=10, help="length of each wrk floor")
    parser.add_argument("--candidates", type=int, default=2500, help="complete drafts per phase")
    parser.add_argument("--no-worker", action="store_true", help="the Celery worker is stopped during the mix")
    parser.add_argument("--worker-nice", type=int, default=10, help="CPU niceness of the worker (0: none)")
    parser.add_argument("--status-path", default="/api/registration/applications/{id}/status/",
                        help="what a status poll reads")
    parser.add_argument("--drain-timeout", type=int, default=300)
    parser.add_argument("--json", type=Path, help="write the figures here as well")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the template database")
    args = parser.parse_args()
    phases = [int(u) for u in args.users.split(",")]
    seconds = min(args.seconds, 60)
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: bash scripts/setup.sh (as root) or apt-get install {tool}")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    print(f"preparing {args.candidates * len(phases)} candidates in {DB_NAME} ...", flush=True)
    started = time.monotonic()
    candidates = prepare(args.candidates * len(phases), args.rebuild)
    print(f"prepared in {time.monotonic() - started:.0f} s", flush=True)
    all_lines = candidates.read_text().splitlines(keepends=True)
    me_lua = Path(tempfile.mkstemp(prefix="bench-day-me-", suffix=".lua")[1])
    me_lua.write_text(ME_LUA)
    server = worker = None
    results = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "phases": {},
               "gunicorn_workers": GUNICORN_WORKERS, "worker": "stopped during the mix" if args.no_worker
               else f"running, nice {args.worker_nice}", "seconds": seconds}
    try:
        server = start_gunicorn()
        if not args.no_worker:
            worker = start_worker(args.worker_nice)
        base = f"http://127.0.0.1:{PORT}"
        wrk(f"{base}/healthz/", 2)  # warm-up: workers, connections
        results["healthz"] = wrk(f"{base}/healthz/", args.floor_seconds)
        results["me"] = wrk(base, args.floor_seconds, me_lua, candidates)
        for index, users in enumerate(phases):
            phase_file = Path(tempfile.mkstemp(prefix=f"bench-day-{users}-", suffix=".txt")[1])
            phase_file.write_text("".join(all_lines[index * args.candidates:(index + 1) * args.candidates]))
            print(f"mix, {users} users, {seconds} s ...", flush=True)
            steps, failures = locust(users, seconds, phase_file, args.status_path)
            results["phases"][users] = {"steps": steps, "failures": failures, "uptime": uptime()}
            phase_file.unlink()
        results["uptime"] = uptime()
        stop(server)
        server = None
        if worker is None:
            worker = start_worker(args.worker_nice)
        results["drain"] = drain(args.drain_timeout)
    finally:
        stop(server)
        stop(worker)
        me_lua.unlink(missing_ok=True)
        candidates.unlink(missing_ok=True)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        redis.Redis.from_url(REDIS).flushdb()
        shutil.rmtree(MEDIA, ignore_errors=True)
    report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def report(results):
    me = results["me"]
    print(f"\n{results['date']}  gunicorn {results['gunicorn_workers']} workers, PostgreSQL, Redis; "
          f"Celery worker {results['worker']}; phases {results['seconds']} s")
    print(f"load during the run: {results['uptime']}")
    header = f"{'run / step':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'× no-op rps':>13}{'p99 × no-op':>13}"
    print(header)
    print("-" * len(header))

    def line(name, row):
        print(f"{name:<34}{row['rps']:>9.1f}{row['p50_ms']:>9.0f}{row['p99_ms']:>9.0f}{row['errors']:>8}"
              f"{row['rps'] / me['rps']:>13.2f}{row['p99_ms'] / me['p99_ms']:>13.1f}")

    line("wrk /healthz/ (floor)", results["healthz"])
    line("wrk /api/me/ (authenticated no-op)", me)
    verdicts = []
    for users, phase in results["phases"].items():
        print(f"mix, {users} users")
        for name, row in sorted(phase["steps"].items()):
            line(f"  {'all requests' if name == 'Aggregated' else name}", row)
        total = phase["steps"].get("Aggregated")
        if total:
            worst = max(row["p99_ms"] for name, row in phase["steps"].items() if name != "Aggregated")
            verdicts.append((users, total["rps"] / me["rps"], worst / me["p99_ms"], total["errors"]))
        if phase["failures"].count("\n") > 1:
            print("  failures:\n    " + phase["failures"].strip().replace("\n", "\n    "))
    drain = results["drain"]
    lost = drain["lost"]
    print(f"submitted in DB: {drain['submitted']}; forms rendered after {drain['seconds']} s: {drain['rendered']}, "
          f"render still queued: {drain['waiting']} -> {'nothing lost' if not lost else f'{lost} LOST'}")
    for users, ratio, p99, errors in verdicts:
        ok = ratio >= 0.3 and p99 <= 10 and errors == 0
        print(f"goal at {users} users: throughput {ratio:.2f} of the no-op (≥ 0.30), worst step p99 {p99:.1f}× "
              f"(≤ 10×), errors {errors} -> {'MET' if ok else 'not met'}")


if __name__ == "__main__":
    main()
