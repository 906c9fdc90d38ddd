"""Where the registration-day reads spend their time: queries and a cProfile of each step, in-process.

    .venv/bin/python benchmarks/profile_registration_reads.py [--runs 200] [--top 25]

Uses a clone of the template database bench_registration_day.py builds (run that once first), so
the data are the benchmark's: a candidate's draft with its materials. For each step (the /api/me/
read, the application (API), its page (HTML), the status poll) it prints the queries of one request
and the functions taking the most time over --runs requests (Django's test client, no server).
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
    parser.add_argument("--step", help="only this step (me, api, page, status)")
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
        application = Application.objects.filter(candidate__username__startswith="day").order_by("pk").first()
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
            profile = cProfile.Profile()
            started = time.process_time()
            profile.enable()
            for _ in range(args.runs):
                client.get(url)
            profile.disable()
            print(f"   {(time.process_time() - started) / args.runs * 1000:.2f} ms of CPU a request (profiled)")
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)
            print("\n".join(out.getvalue().splitlines()[6:]))
    finally:
        connections.close_all()
        day.psql(f"DROP DATABASE IF EXISTS {CLONE}")


if __name__ == "__main__":
    main()
