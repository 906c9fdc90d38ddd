"""Where the registration-day reads spend their time: queries and a cProfile of each step, in-process.

    .venv/bin/python benchmarks/profile_registration_reads.py [--runs 200] [--top 25]

Uses a clone of the template database bench_registration_day.py builds (run that once first), so
the data are the benchmark's: a candidate's draft with its materials. For each step (the /api/me/
read, the application (API), its page (HTML), the status poll, and submit) it prints the queries of
one request and the functions taking the most time over --runs requests (Django's test client, no
server). Submit takes a different candidate's draft each request, as on the day, and runs with
Celery not eager: what it queues goes to the benchmark's Redis database, as in production.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_registration_day as day  # noqa: E402

CLONE = f"{day.DB_NAME}_profile"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--step", help="only this step (me, api, page, status, submit)")
    parser.add_argument("--dump", metavar="DIR", help="also save each step's profile as DIR/<step>.prof (for pstats callers)")
    args = parser.parse_args()
    template = f"{day.DB_NAME}_template"
    if not day.database_exists(template):
        raise SystemExit("run benchmarks/bench_registration_day.py once first (it builds the template)")
    day.psql(f"DROP DATABASE IF EXISTS {CLONE}")
    day.psql(f"CREATE DATABASE {CLONE} TEMPLATE {template}")
    env = day.server_env()
    env["DATABASE_URL"] = f"{day.PG}/{CLONE}"
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from registration.models import Application

    try:
        drafts = list(Application.objects.filter(candidate__username__startswith="day").order_by("pk")
                      .values_list("pk", "candidate__auth_token__key")[: args.runs + 3])
        application = Application.objects.get(pk=drafts[0][0])
        token = Token.objects.get(user_id=application.candidate_id).key
        api = Client(headers={"authorization": f"Token {token}"})
        browser = Client()
        browser.force_login(application.candidate)
        steps = {
            "me": (api, "/api/me/"),
            "api": (api, f"/api/registration/applications/{application.pk}/"),
            "page": (browser, f"/registration/my/{application.pk}/"),
            "status": (api, f"/api/registration/applications/{application.pk}/status/"),
        }
        for name, (client, url) in steps.items():
            if args.step and name != args.step:
                continue
            client.get(url)  # warm-up: imports, caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            print(f"\n=== {name}: GET {url} -> {response.status_code}, {len(queries)} queries")
            for query in queries.captured_queries:
                print(f"   {query['sql'][:160]}")
            started = time.process_time()
            for _ in range(args.runs):
                client.get(url)
            print(f"   {(time.process_time() - started) / args.runs * 1000:.2f} ms of CPU a request (not profiled)")
            profile = cProfile.Profile(time.process_time)  # CPU, not time waiting on PostgreSQL
            started = time.process_time()
            profile.enable()
            for _ in range(args.runs):
                client.get(url)
            profile.disable()
            print(f"   {(time.process_time() - started) / args.runs * 1000:.2f} ms of CPU a request (profiled)")
            print_profile(profile, args.top)
            if args.dump:
                profile.dump_stats(Path(args.dump) / f"{name}.prof")
        if not args.step or args.step == "submit":
            profile_submits(drafts[1:], args.runs, args.top)
    finally:
        connections.close_all()
        day.psql(f"DROP DATABASE IF EXISTS {CLONE}")
        import redis

        redis.Redis.from_url(day.REDIS).flushdb()  # the tasks the submits queued


def print_profile(profile, top):
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(top)
    print("\n".join(out.getvalue().splitlines()[6:]))


def profile_submits(drafts, runs, top):
    """Submit, each request a different candidate's complete draft: the statements of one (after a
    warm-up submit), then CPU without and with the profiler over the rest."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()  # one handler, as in a server process (a new client loads the middleware again)

    def submit(pk, token):
        response = client.post(f"/api/registration/applications/{pk}/submit/",
                               headers={"authorization": f"Token {token}"})
        assert response.status_code == 200, response.content[:300]

    submit(*drafts[0])  # warm-up: imports, reference data, the broker connection
    with CaptureQueriesContext(connection) as queries:
        submit(*drafts[1])
    statements = [q["sql"] for q in queries.captured_queries]
    print(f"\n=== submit: POST .../submit/, {len(statements)} statements")
    for sql in statements:
        print(f"   {sql[:160]}")
    rest = drafts[2:]
    half = len(rest) // 2
    started, wall = time.process_time(), time.perf_counter()
    for pk, token in rest[:half]:
        submit(pk, token)
    print(f"   {(time.process_time() - started) / half * 1000:.2f} ms of CPU, "
          f"{(time.perf_counter() - wall) / half * 1000:.2f} ms wall a submit (not profiled, {half} submits)")
    profile = cProfile.Profile(time.process_time)  # CPU, not time waiting on PostgreSQL
    started = time.process_time()
    profile.enable()
    for pk, token in rest[half:]:
        submit(pk, token)
    profile.disable()
    print(f"   {(time.process_time() - started) / (len(rest) - half) * 1000:.2f} ms of CPU a submit (profiled)")
    print_profile(profile, top)


if __name__ == "__main__":
    main()
