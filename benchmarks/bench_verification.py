"""Public certificate verification (CERT-4) under 50 concurrent clients, against gunicorn, PostgreSQL
and Redis, beside the minimal Django JSON view (/healthz/) in the same run; and the offline check of
the signed statement a QR code carries, in this process.

    .venv/bin/python benchmarks/bench_verification.py      # needs PostgreSQL, Redis and wrk (apt-get install wrk)

The scratch database holds the demo plus BENCH_CERTIFICATES certificates the province accepted (each
with its PublishedRecord, the row verification answers from); every request asks a different
certificate with its holder's right name. The rate limiter stays ON (counted in Redis, as in
production) but its limits are raised in the server's environment so that no request is refused:
what is measured is verification with its counting, not the refusals. Goals: throughput at least
0.5 of the floor, p99 at most twice the floor's; one offline signature check under 1 ms.

Two floors, in rounds that alternate with verification so that a shared machine's load falls on all
alike: GET /healthz/ (plain Django, SELECT 1) and POST /bench/noop/ (benchmarks/verification_floor.py:
an anonymous DRF view parsing the same JSON bodies, answering a constant). And in this process, with
Django's test client: SQL queries, Redis round trips and CPU µs per request of each.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import id_number, postgres_server  # noqa: E402

NOOP_PATH = "/bench/noop/"  # benchmarks/verification_floor.py
MINIMAL_PATH = "/bench/minimal/"  # the least work of a verification: one Redis counter, one indexed read

PORT = int(os.environ.get("BENCH_PORT", "8766"))
DB_NAME = os.environ.get("BENCH_DB", "appraisal_bench_verify")
PG = postgres_server()  # BENCH_PG, else the server and role of DATABASE_URL, else appraisal@127.0.0.1
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
CONNECTIONS, THREADS = 50, 2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
IN_PROCESS = int(os.environ.get("BENCH_IN_PROCESS", "1000"))  # requests per case, in process
SECONDS = min(30, int(os.environ.get("BENCH_SECONDS", "10")))  # each phase is bounded
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "3000"))
OFFLINE = int(os.environ.get("BENCH_OFFLINE", "10000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2) + 1)))
MEDIA = Path(tempfile.mkdtemp(prefix="bench-media-"))
KEYS = Path(tempfile.mkdtemp(prefix="bench-keys-"))

# Each wrk thread takes every THREADS-th pair and walks through them: a different certificate each request.
LUA = r"""
local queries = {}
local next_index = 1
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  path = args[3]
  local index = 0
  for line in io.lines(args[1]) do
    if index % tonumber(args[2]) == tid then table.insert(queries, line) end
    index = index + 1
  end
end
function request()
  local body = queries[next_index]
  next_index = next_index + 1
  if queries[next_index] == nil then next_index = 1 end
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end
"""


def env_for_db():
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"{PG}/{DB_NAME}", "REDIS_URL": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_DEBUG": "false", "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_MEDIA_ROOT": str(MEDIA), "DJANGO_LOG_LEVEL": "ERROR", "CERTIFICATE_SIGNING_KEY_DIR": str(KEYS),
        # The limiter counts every request in Redis, but nothing reaches a limit: one address (wrk's)
        # asks all the requests, each certificate is asked a few times per run, no answer is "not found".
        "CERTIFICATE_VERIFY_RATE_PER_ADDRESS": "100000000/h", "CERTIFICATE_VERIFY_RATE_PER_NUMBER": "1000000/h",
        "CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA": "1000000/h",
    })
    return env


def psql(sql):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare():
    """Scratch database: the demo, then CERTIFICATES copies of one accepted demo certificate, each with
    its own candidate, application, number, holder and PublishedRecord (the province's acceptance)."""
    import json

    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    os.environ.update(env_for_db())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command

    from appraisal.models import Role, User
    from certificates.models import Certificate, PublishedRecord, State
    from certificates.services.reporting import record_payload

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet", stdout=StringIO())
    record = (PublishedRecord.objects.filter(kind="original", certificate__state=State.DELIVERED)
              .select_related("certificate__application", "certificate__occupation", "certificate__body").first())
    template = record.certificate
    users = User.objects.bulk_create([
        User(username=f"vbench{i}", role=Role.CANDIDATE, full_name=f"查验{i}", region=template.application.candidate.region,
             id_number=id_number(100_000 + i), password="!") for i in range(CERTIFICATES)
    ], batch_size=1000)
    apps = []
    for user in users:
        app = copy.copy(template.application)
        app.pk = app.id = None
        app.candidate, app.name, app.id_number = user, user.full_name, user.id_number
        apps.append(app)
    apps = type(template.application).objects.bulk_create(apps, batch_size=1000)
    certificates = []
    for i, (user, app) in enumerate(zip(users, apps, strict=True)):
        c = copy.copy(template)
        c.pk = c.id = None
        c.application, c.holder_name, c.holder_id_number = app, user.full_name, user.id_number
        c.running_number = 50_000 + i  # far above the demo's own running numbers
        c.number = template.number[:11] + f"{c.running_number:05d}"
        certificates.append(c)
    certificates = Certificate.objects.bulk_create(certificates, batch_size=1000)
    PublishedRecord.objects.bulk_create([
        PublishedRecord(certificate=c, kind="original", report=record.report, payload=record_payload(c))
        for c in certificates
    ], batch_size=1000)
    queries = Path(tempfile.mkstemp(prefix="bench-verify-", suffix=".txt")[1])
    queries.write_text("".join(json.dumps({"number": c.number, "name": c.holder_name}, ensure_ascii=False) + "\n"
                               for c in certificates))
    return queries, certificates


def offline(certificates):
    """µs per signed statement checked, as the offline verifier does: signature against the known keys."""
    from certificates import signing
    from certificates.services.offline import statement_for

    tokens = [statement_for(certificates[i % len(certificates)]) for i in range(OFFLINE)]
    keys = signing.public_keys()
    for token in tokens[:100]:  # warm-up
        signing.check(token, keys=keys)
    wall, cpu = time.perf_counter(), time.process_time()
    for token in tokens:
        assert signing.check(token, keys=keys).status == "valid"
    return (time.perf_counter() - wall) / OFFLINE * 1e6, (time.process_time() - cpu) / OFFLINE * 1e6


def in_process(queries):
    """Per request, through Django's test client (all the middleware, no HTTP): SQL queries, Redis round
    trips (commands sent, a pipeline or script counting once) and CPU time, alternating the cases."""
    import redis.connection
    import verification_floor
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ROOT_URLCONF = verification_floor.__name__
    bodies = queries.read_text().splitlines()[:500]
    client = Client()
    cases = {
        "healthz": lambda i: client.get("/healthz/"),
        "noop": lambda i: client.post(NOOP_PATH, bodies[i % len(bodies)], content_type="application/json"),
        "minimal": lambda i: client.post(MINIMAL_PATH, bodies[i % len(bodies)], content_type="application/json"),
        "verify": lambda i: client.post("/api/certificates/verify/", bodies[i % len(bodies)],
                                        content_type="application/json"),
    }
    sent = {"n": 0}
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, *args, **kwargs):
        sent["n"] += 1
        return send(self, *args, **kwargs)

    result = {}
    redis.connection.AbstractConnection.send_packed_command = counted
    try:
        for case, call in cases.items():
            assert call(0).status_code == 200, case
            sent["n"] = 0
            with CaptureQueriesContext(connection) as captured:
                call(1)
            result[case] = {"queries": len(captured.captured_queries), "redis": sent["n"], "runs": []}
    finally:
        redis.connection.AbstractConnection.send_packed_command = send
    for _ in range(5):
        for case, call in cases.items():
            cpu = time.process_time()
            for i in range(IN_PROCESS):
                call(i)
            result[case]["runs"].append((time.process_time() - cpu) / IN_PROCESS * 1e6)
    for figures in result.values():
        figures["cpu_us"] = statistics.median(figures.pop("runs"))
    return result


def start_gunicorn():
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--pythonpath", "benchmarks", "verification_floor:application", "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS),
         "--log-level", "warning"],
        cwd=ROOT, env=env_for_db(), start_new_session=True,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(args, seconds=SECONDS):
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s", *args],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {"rps": rps, "bad": int(bad.group(1)) if bad else 0, "timeouts": int(timeouts.group(1)) if timeouts else 0,
            "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))}


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    print(f"preparing {CERTIFICATES} accepted certificates in {DB_NAME} ...", flush=True)
    queries, certificates = prepare()
    lua = Path(tempfile.mkstemp(prefix="bench-verify-", suffix=".lua")[1])
    lua.write_text(LUA)
    server = start_gunicorn()
    try:
        first = queries.read_text().splitlines()[0].encode()
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/certificates/verify/", data=first,
                                         headers={"Content-Type": "application/json"})
        answer = urllib.request.urlopen(request, timeout=30).read().decode()
        assert '"valid"' in answer, answer  # the pairs really are accepted certificates, not "not found"
        wrk([f"http://127.0.0.1:{PORT}/healthz/"], seconds=3)  # warm-up: workers, connections
        rounds = []
        for _ in range(ROUNDS):
            posted = ["-s", str(lua), f"http://127.0.0.1:{PORT}", "--", str(queries), str(THREADS)]
            rounds.append({"floor": wrk([f"http://127.0.0.1:{PORT}/healthz/"]), "noop": wrk([*posted, NOOP_PATH]),
                           "minimal": wrk([*posted, MINIMAL_PATH]),
                           "verify": wrk([*posted, "/api/certificates/verify/"])})
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    us_wall, us_cpu = offline(certificates)
    per_request = in_process(queries)
    from django.db import connections

    connections.close_all()
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    for folder in (MEDIA, KEYS):
        shutil.rmtree(folder, ignore_errors=True)
    queries.unlink()
    lua.unlink()
    print(f"gunicorn workers={WORKERS}, wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s x {ROUNDS} rounds, PostgreSQL, "
          f"Redis limiter (limits raised, not triggered); load average {os.getloadavg()[0]:.1f} at the end")
    labels = {"floor": "floor  GET /healthz/             ", "noop": "floor2 POST /bench/noop/ (DRF)    ",
              "minimal": "floor3 POST /bench/minimal/ (Redis+SQL)", "verify": "verify POST /api/certificates/verify/"}
    for number, r in enumerate(rounds, 1):
        for case, label in labels.items():
            m = r[case]
            print(f"round {number} {label}: {m['rps']:8.1f} req/s  p50 {m['p50']:.1f} ms  p99 {m['p99']:.1f} ms  "
                  f"non-2xx {m['bad']}  timeouts {m['timeouts']}")
    for floor in ("floor", "noop", "minimal"):
        throughput = statistics.median(r["verify"]["rps"] / r[floor]["rps"] for r in rounds)
        p99 = statistics.median(r["verify"]["p99"] / r[floor]["p99"] for r in rounds)
        print(f"against {floor:7s}: throughput ratio {throughput:.2f} (goal >= 0.50) -> "
              f"{'OK' if throughput >= 0.5 else 'BELOW GOAL'}; p99 ratio {p99:.2f} (goal <= 2.00) -> "
              f"{'OK' if p99 <= 2 else 'ABOVE GOAL'}  (medians of the rounds)")
    for case, m in per_request.items():
        print(f"in process {case:7s}: {m['queries']} SQL queries, {m['redis']} Redis round trips, "
              f"{m['cpu_us']:.0f} µs CPU a request (median of 5 runs)")
    print(f"offline check of {OFFLINE} signed statements: {us_wall:.0f} µs wall, {us_cpu:.0f} µs CPU each "
          f"(goal < 1000 µs) -> {'OK' if us_wall < 1000 else 'ABOVE GOAL'}")
    verify = {"bad": sum(r["verify"]["bad"] for r in rounds)}
    if verify["bad"]:
        print(f"warning: {verify['bad']} verifications were not answered 200 (limiter? missing data?)")


if __name__ == "__main__":
    main()
