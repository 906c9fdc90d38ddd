"""Throughput of submitting an application (REG-1) under 50 concurrent clients, against gunicorn
and PostgreSQL, beside the throughput of a minimal Django JSON view (/healthz/) in the same run.

    .venv/bin/python benchmarks/bench_submit.py            # needs PostgreSQL, Redis and wrk (apt-get install wrk)
    BENCH_SECONDS=10 BENCH_DRAFTS=3000 BENCH_DB=... BENCH_REDIS_URL=redis://127.0.0.1:6379/N BENCH_PORT=... \
        .venv/bin/python benchmarks/bench_submit.py

Each submit consumes one complete draft (its own candidate and API token), so the script prepares
enough of them in a scratch database (dropped at the end). Celery is not eager here: the 申报表 PDF
is queued to Redis as in production (a scratch Redis database, flushed at the end), not rendered
inside the request, and no Celery worker runs. Goal (issue 9): submit throughput at least 0.5 of
the authenticated no-op (/api/me/, measured in the same run), p99 within 3x its p99, no error and
no lost submission (every answered submit is submitted in the database, with its form PDF waiting
in the outbox or the broker).

The PostgreSQL server: BENCH_PG, else DATABASE_URL's server and role, else appraisal@127.0.0.1;
the scratch database (BENCH_DB) and Redis database (BENCH_REDIS_URL) are bench_registration_day's,
whose template database this script clones (or builds, the first time).
"""

from __future__ import annotations

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
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_registration_day as day  # noqa: E402  (the same scratch database, template and settings)

PG, DB_NAME, REDIS = day.PG, day.DB_NAME, day.REDIS
CONNECTIONS, THREADS, SECONDS = 50, 2, int(os.environ.get("BENCH_SECONDS", "10"))
DRAFTS = int(os.environ.get("BENCH_DRAFTS", "3000"))
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
    return day.server_env()


MEDIA = day.MEDIA


def psql(sql):
    day.psql(sql)


def prepare():
    """The scratch database, cloned from the template bench_registration_day.py builds (the demo data
    and complete drafts, each candidate with an API token; built here first when missing, which
    takes minutes): a file of "application-id token" lines."""
    return day.prepare(DRAFTS, rebuild=False)


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
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    return rps, failed, p99.group(1) if p99 else "?", answered


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
        floor, floor_bad, floor_p99, _ = wrk([f"http://127.0.0.1:{PORT}/healthz/"])
        # What authenticating alone costs: each request a different candidate's token, as in the submit run.
        me, me_bad, me_p99, _ = wrk(["-s", str(lua), f"http://127.0.0.1:{PORT}", "--", str(pairs), str(THREADS),
                                     "me"])
        submit, submit_bad, submit_p99, answered = wrk(["-s", str(lua), f"http://127.0.0.1:{PORT}", "--", str(pairs),
                                                        str(THREADS), "submit"])
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    from appraisal.models import OutboxMessage
    from registration.models import Application, Status
    from registration.services.forms_pdf import RENDER_TASK

    submitted = Application.objects.filter(status=Status.SUBMITTED).count()
    # No worker ran: each submitted form waits in the outbox, sent to the broker or not yet.
    forms_queued = OutboxMessage.objects.filter(task=RENDER_TASK).values("args").distinct().count()
    import redis

    broker = redis.Redis.from_url(REDIS)
    in_broker = broker.llen("celery")
    from django.db import connections

    connections.close_all()
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    broker.flushdb()
    shutil.rmtree(MEDIA, ignore_errors=True)
    ratio = submit / me
    ok = answered - submit_bad
    print(f"gunicorn workers={WORKERS}, wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, PostgreSQL, Redis broker, "
          f"no Celery worker")
    print(f"load at the end: {load}")
    print(f"floor  GET /healthz/ (minimal JSON view): {floor:8.1f} req/s  p99 {floor_p99}  errors {floor_bad}")
    print(f"auth   GET /api/me/ (token, no work)      : {me:8.1f} req/s  p99 {me_p99}  errors {me_bad}"
          f"  ({me / floor:.2f} of the floor: the most any authenticated request reaches)")
    print(f"submit POST .../submit/                  : {submit:8.1f} req/s  p99 {submit_p99}  errors {submit_bad}"
          f"  ({submit / me:.2f} of the authenticated no-op)")
    lost = max(ok - submitted, 0) + (submitted - forms_queued)
    print(f"submits answered 200: {ok}; submitted in the database: {submitted} (a submit still running when wrk "
          f"stops is counted here only); forms waiting (outbox): {forms_queued}, tasks in the broker: {in_broker} "
          f"-> {'nothing lost' if not lost else f'{lost} LOST'}")
    p99_ratio = seconds_of(submit_p99) / seconds_of(me_p99)
    print(f"submit / authenticated no-op: {ratio:.2f} (goal >= 0.50), p99 {p99_ratio:.1f}x (goal <= 3x) -> "
          f"{'OK' if ratio >= 0.5 and p99_ratio <= 3 and not submit_bad and not lost else 'BELOW GOAL'}")
    if submit_bad:
        print(f"warning: {submit_bad} submits failed (ran out of drafts? raise BENCH_DRAFTS)")


if __name__ == "__main__":
    main()
