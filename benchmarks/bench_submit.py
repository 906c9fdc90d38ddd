"""Throughput of submitting an application (REG-1) under 50 concurrent clients, against gunicorn
and PostgreSQL, beside the throughput of a minimal Django JSON view (/healthz/) in the same run.

    .venv/bin/python benchmarks/bench_submit.py            # needs PostgreSQL, Redis and wrk (apt-get install wrk)

Each submit consumes one complete draft (its own candidate and API token), so the script prepares
enough of them in a scratch database (dropped at the end). Celery is not eager here: the 申报表 PDF
is queued to Redis as in production (a scratch Redis database, flushed at the end), not rendered
inside the request. Goal (issue 9): submit throughput at least 0.5 of the authenticated no-op
(/api/me/, measured in the same run), p99 within 3x its p99.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DB_NAME = os.environ.get("BENCH_DB", "appraisal_bench_submit")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
CONNECTIONS, THREADS, SECONDS = 50, 2, int(os.environ.get("BENCH_SECONDS", "10"))
DRAFTS = int(os.environ.get("BENCH_DRAFTS", "6000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))

LUA = r"""
local pairs_for_thread = {}
local next_index = 1
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  mode = args[3]
  local index = 0
  for line in io.lines(args[1]) do
    if index % tonumber(args[2]) == tid then
      local id, token = line:match("(%d+) (%w+)")
      table.insert(pairs_for_thread, {id, token})
    end
    index = index + 1
  end
end
function request()
  local pair = pairs_for_thread[next_index]
  next_index = next_index + 1
  if pair == nil then pair = pairs_for_thread[1] end
  if mode == "me" then
    return wrk.format("GET", "/api/me/", {["Authorization"] = "Token " .. pair[2]}, "")
  end
  return wrk.format("POST", "/api/registration/applications/" .. pair[1] .. "/submit/",
    {["Authorization"] = "Token " .. pair[2], ["Content-Length"] = "0"}, "")
end
"""


def env_for_db():
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"{PG}/{DB_NAME}", "REDIS_URL": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_DEBUG": "false", "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_MEDIA_ROOT": str(MEDIA), "DJANGO_LOG_LEVEL": "ERROR",
    })
    return env


MEDIA = Path(tempfile.mkdtemp(prefix="bench-media-"))


def psql(sql):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare():
    """Scratch database with the demo data and DRAFTS complete drafts, each with its own token."""
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    os.environ.update(env_for_db())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from stdnum.cn import ric

    from appraisal.demo import load_demo
    from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User, WorkdayOverride
    from appraisal.workdays import _library_knows
    from registration import services
    from registration.models import Application, Material

    call_command("migrate", verbosity=0)
    load_demo(years=(2017, timezone.localdate().year))
    nongan = Center.objects.get(division_code="220122")
    day_date = timezone.localdate() + datetime.timedelta(days=45)
    for year in {timezone.localdate().year, day_date.year}:
        if not _library_knows(year):
            WorkdayOverride.objects.get_or_create(day=datetime.date(year, 1, 1), defaults={"is_working_day": False})
    day, _ = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=day_date)
    occupation = Occupation.objects.get(name="汽车维修工")

    users = []
    for i in range(DRAFTS):
        body = f"220122{datetime.date(1985, 1, 1) + datetime.timedelta(days=i):%Y%m%d}{i % 100:02d}1"
        users.append(User(username=f"bench{i}", role=Role.CANDIDATE, full_name=f"压测{i}", region=nongan,
                          id_number=body + ric.calc_check_digit(body + "0"), password="!"))
    users = User.objects.bulk_create(users, batch_size=1000)
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users], batch_size=1000)
    apps = Application.objects.bulk_create([
        Application(candidate=u, center=nongan, occupation=occupation, level=5, scheduled_day=day, name=u.full_name,
                    gender="M", birth_month=datetime.date(int(u.id_number[6:10]), int(u.id_number[10:12]), 1),
                    education="senior", id_number=u.id_number, phone="13800000000", years_in_occupation=5,
                    work_history="压测数据") for u in users
    ], batch_size=1000)
    # One stored file serves every material row: the benchmark measures submitting, not uploading.
    stored = Material._meta.get_field("file").storage.save("materials/bench", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    kinds = services.required_materials(apps[0])
    Material.objects.bulk_create([
        Material(application=a, kind=k, file=stored, content_type="application/pdf", size=15, sha256="0" * 64,
                 uploaded_by=a.candidate, width=330 if k == "photo" else None, height=480 if k == "photo" else None)
        for a in apps for k in kinds
    ], batch_size=2000)
    pairs = Path(tempfile.mkstemp(prefix="bench-pairs-", suffix=".txt")[1])
    pairs.write_text("".join(f"{a.pk} {t.key}\n" for a, t in zip(apps, tokens, strict=True)))
    return pairs


def start_gunicorn():
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS),
         "--log-level", "warning"],
        cwd=ROOT, env=env_for_db(), start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def wrk(args):
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "--latency", *args],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return rps, int(bad.group(1)) if bad else 0, p99.group(1) if p99 else "?"


def seconds_of(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    print(f"preparing {DRAFTS} complete drafts in {DB_NAME} ...", flush=True)
    pairs = prepare()
    lua = Path(tempfile.mkstemp(prefix="bench-submit-", suffix=".lua")[1])
    lua.write_text(LUA)
    server = start_gunicorn()
    try:
        wrk([f"http://127.0.0.1:{PORT}/healthz/"])  # warm-up: workers, connections
        floor, floor_bad, floor_p99 = wrk([f"http://127.0.0.1:{PORT}/healthz/"])
        # What authenticating alone costs: each request a different candidate's token, as in the submit run.
        me, me_bad, me_p99 = wrk(["-s", str(lua), f"http://127.0.0.1:{PORT}", "--", str(pairs), str(THREADS), "me"])
        submit, submit_bad, submit_p99 = wrk(["-s", str(lua), f"http://127.0.0.1:{PORT}", "--", str(pairs),
                                              str(THREADS), "submit"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    from registration.models import Application, Status

    submitted = Application.objects.filter(status=Status.SUBMITTED).count()
    from django.db import connections

    connections.close_all()
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    shutil.rmtree(MEDIA, ignore_errors=True)
    ratio = submit / me
    print(f"gunicorn workers={WORKERS}, wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, PostgreSQL, Redis broker")
    print(f"floor  GET /healthz/ (minimal JSON view): {floor:8.1f} req/s  p99 {floor_p99}  non-2xx {floor_bad}")
    print(f"auth   GET /api/me/ (token, no work)      : {me:8.1f} req/s  p99 {me_p99}  non-2xx {me_bad}"
          f"  ({me / floor:.2f} of the floor: the most any authenticated request reaches)")
    print(f"submit POST .../submit/                  : {submit:8.1f} req/s  p99 {submit_p99}  non-2xx {submit_bad}"
          f"  ({submit / me:.2f} of the authenticated no-op)")
    print(f"applications submitted: {submitted}")
    p99_ratio = seconds_of(submit_p99) / seconds_of(me_p99)
    print(f"submit / authenticated no-op: {ratio:.2f} (goal >= 0.50), p99 {p99_ratio:.1f}x (goal <= 3x) -> "
          f"{'OK' if ratio >= 0.5 and p99_ratio <= 3 else 'BELOW GOAL'}")
    if submit_bad:
        print(f"warning: {submit_bad} submits failed (ran out of drafts? raise BENCH_DRAFTS)")


if __name__ == "__main__":
    main()
