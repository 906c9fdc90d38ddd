"""Benchmark of the quarterly statistics (STAT-1) on PostgreSQL, at the size of a province.

    DATABASE_URL=postgres://appraisal@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_stats.py [--applications 1000000] [--detail-rows 100000] \\
        [--runs 3] [--database appraisal_bench_stats] [--template DB] [--keep] [--json benchmarks/results/stats.json]

1. Creates the database `--database` on the server of DATABASE_URL (dropped first if it is left
   over), migrates it and loads the demo (centers, occupations, a published session, a certificate).
2. Generates `--applications` applications across every center, occupation and level, spread over
   the four quarters of 2025, with one review decision each, two scores for 80 % of them (one
   published session per quarter) and a certificate for the qualified: bulk SQL (INSERT ... SELECT
   over generate_series, cloning the demo's rows so every NOT NULL column is valid), a few minutes.
3. Measures, median of `--runs` after a warm-up:
   - floor: ONE hand-written SQL statement computing the same four sources (applications, review
     decisions, scores, certificates) grouped by center, level and occupation for 2025 Q4;
   - `stats.selectors.quarter_totals(province, 2025, 4)` and `quarter_figures(province, 2025, 4)`:
     seconds, ratio to the floor (goal: within 2x), and their number of queries, which must be the
     same for the province, a city and a county (constant whatever the number of centers);
   - the province's quarter workbook (`stats.exports.quarter_workbook`) with `--detail-rows`
     detail rows: seconds and peak memory (tracemalloc, a separate run), beside a floor of the same
     rows written by openpyxl's write-only mode with no styles.
4. Drops the database (unless `--keep`).

It reports, it does not gate: exit status 0 whatever the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR, QUARTER = 2025, 4
QUARTER_STARTS = ("2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
SESSION_DAYS = ("2025-02-15", "2025-05-15", "2025-08-15", "2025-11-15")
USERS = 50_000
GOAL_RATIO = 2.0


def _database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL", "postgres://appraisal@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench_stats needs PostgreSQL: set DATABASE_URL to a postgres:// server")
    return urlunsplit(parts._replace(path=f"/{name}")), urlunsplit(parts._replace(path="/postgres"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- Generating ------------------------------------------------------------------------------------


def _columns(cursor, table: str) -> list[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'"
                   " ORDER BY ordinal_position", [table])
    return [row[0] for row in cursor.fetchall()]


def _clone(cursor, table: str, template_id: int, source: str, overrides: dict, params: dict) -> int:
    """INSERT one row per row of `source` (a FROM item aliased s), copying the template row `t`
    except for `overrides` (column -> SQL expression over s and t, named %(parameters)s only)."""
    columns = _columns(cursor, table)
    unknown = set(overrides) - set(columns)
    if unknown:
        raise SystemExit(f"{table} has no column {unknown}")
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "  # noqa: S608 - our own names
                   f"FROM (SELECT * FROM {table} WHERE id = {int(template_id)}) t CROSS JOIN {source}", params)
    return cursor.rowcount


GENERATED_TABLES = ("appraisal_user", "exams_examsession", "registration_application",
                    "registration_applicationtransition", "exams_score", "certificates_certificate")


def _drop_foreign_keys(cursor, tables) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of `tables` (those pointing from them and to them); returns them to
    be added back."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.contype = 'f' AND (c.conrelid::regclass::text = ANY(%(tables)s) "
        "OR c.confrelid::regclass::text = ANY(%(tables)s))", {"tables": list(tables)})
    keys = cursor.fetchall()
    for table, name, _definition in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return keys


def generate(applications: int) -> dict:
    from django.db import connection, transaction

    from appraisal.models import Center, CenterKind, Occupation, Role, User
    from certificates.models import Certificate, State
    from exams.models import ExamSession, Score, SessionStatus
    from registration.models import Application, ApplicationTransition, Status

    started = time.perf_counter()
    centers = list(Center.objects.order_by("pk").values_list("pk", flat=True))
    occupations = list(Occupation.objects.order_by("pk").values_list("pk", flat=True))
    if USERS * len(occupations) * 5 < applications:
        raise SystemExit("not enough candidate x occupation x level combinations for that many applications")
    certificate = Certificate.objects.filter(state=State.DELIVERED).select_related("application").first()
    score = Score.objects.filter(session__status=SessionStatus.PUBLISHED).first()
    if certificate is None or score is None:
        raise SystemExit("the demo holds no delivered certificate or published score to clone")
    template_app = certificate.application
    transition = ApplicationTransition.objects.filter(to_status=Status.APPROVED).first()
    candidate = User.objects.filter(role=Role.CANDIDATE).first()
    schools = list(Center.objects.filter(kind=CenterKind.SCHOOL).values_list("pk", flat=True)) or centers[:1]
    bodies = list(Center.objects.exclude(kind=CenterKind.SCHOOL).values_list("pk", flat=True))
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: tens of millions of queued checks
        # would all run at COMMIT (over 15 minutes on 2 busy cores). The rows are valid by
        # construction (cloned from the demo's, pointing at existing rows), so the keys of the
        # tables written are dropped for the load and put back NOT VALID: a throw-away database.
        foreign_keys = _drop_foreign_keys(cursor, GENERATED_TABLES)
        cursor.execute("SELECT coalesce(max(id), 0) FROM registration_application")
        first_app = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM appraisal_user")
        first_user = cursor.fetchone()[0]
        # Candidates: a quarter school students, a quarter employees of a body, the rest other.
        _clone(cursor, "appraisal_user", candidate.pk, "generate_series(0, %(last)s) AS s(g)", {
            "username": "'bench_' || s.g", "id_number": "NULL",
            "school_id": "CASE WHEN mod(s.g, 4) = 0 THEN (%(schools)s::bigint[])[1 + mod(s.g, %(n_schools)s)] END",
            "employer_body_id": "CASE WHEN mod(s.g, 4) = 1 THEN (%(bodies)s::bigint[])[1 + mod(s.g, %(n_bodies)s)] END",
            "graduation_date": "CASE WHEN mod(s.g, 4) = 0 THEN DATE '2027-07-01' END",
        }, {"last": USERS - 1, "schools": schools, "n_schools": len(schools), "bodies": bodies,
            "n_bodies": len(bodies)})
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM appraisal_user WHERE id > %s", [first_user])
        users = cursor.fetchone()[0]
        _log(f"{len(users):,} candidates")

        # One published session per quarter of 2025.
        sessions = []
        for day in SESSION_DAYS:
            _clone(cursor, "exams_examsession", score.session_id, "(SELECT %(day)s::date AS day) s",
                   {"day": "s.day", "status": f"'{SessionStatus.PUBLISHED}'"}, {"day": day})
            cursor.execute("SELECT max(id) FROM exams_examsession")
            sessions.append(cursor.fetchone()[0])

        # Applications: the quarter, occupation, level and center vary with the row number;
        # (candidate, occupation, level) is unique, as the live-application constraint asks.
        n_users, n_occ = len(users), len(occupations)
        _clone(cursor, "registration_application", template_app.pk, "generate_series(0, %(last)s) AS s(g)", {
            "candidate_id": "(%(users)s::bigint[])[1 + mod(s.g / (%(n_occ)s * 5), %(n_users)s)]",
            "occupation_id": "(%(occupations)s::bigint[])[1 + mod(s.g, %(n_occ)s)]",
            "level": "1 + mod(s.g / %(n_occ)s, 5)",
            "center_id": "(%(centers)s::bigint[])[1 + mod(s.g / 3, %(n_centers)s)]",
            "status": f"CASE WHEN mod(s.g / 4, 20) = 0 THEN '{Status.REJECTED}' ELSE '{Status.APPROVED}' END",
            "is_retake": "false", "retake_day_id": "NULL",
            "submitted_at": "(%(starts)s::date[])[1 + mod(s.g, 4)] + mod(s.g, 80) * interval '1 day' + interval '9 hours'",
            "fee_due": "150.00", "fee_paid": "mod(s.g, 3) <> 0",
            "fee_paid_at": "CASE WHEN mod(s.g, 3) <> 0 THEN (%(starts)s::date[])[1 + mod(s.g, 4)] "
                           "+ (mod(s.g, 80) + 1) * interval '1 day' END",
        }, {"last": applications - 1, "users": users, "n_users": n_users, "occupations": occupations,
            "n_occ": n_occ, "centers": centers, "n_centers": len(centers), "starts": list(QUARTER_STARTS)})
        _log(f"{applications:,} applications")
        new_apps = "(SELECT id, status, submitted_at FROM registration_application WHERE id > %(first)s) s"
        _clone(cursor, "registration_applicationtransition", transition.pk, new_apps, {
            "application_id": "s.id", "from_status": f"'{Status.SUBMITTED}'", "to_status": "s.status",
            "at": "s.submitted_at + interval '2 days'"}, {"first": first_app})
        _log("review decisions")
        # Scores: 80 % sat both subjects in their quarter's session; one in seven failed.
        for subject in ("theory", "skill"):
            _clone(cursor, "exams_score", score.pk,
                   "(SELECT id, extract(quarter FROM submitted_at)::int AS q FROM registration_application "
                   "WHERE id > %(first)s AND status = 'approved' AND mod(id, 10) < 8) s", {
                       "application_id": "s.id", "session_id": "(%(sessions)s::bigint[])[s.q]",
                       "subject": f"'{subject}'", "value": "CASE WHEN mod(s.id, 7) = 0 THEN 45.0 ELSE 78.0 END",
                       "passed": "mod(s.id, 7) <> 0", "pass_valid_until": "NULL", "pass_expired": "false"},
                   {"first": first_app, "sessions": sessions})
        _log("scores")
        # Certificates for the qualified: numbered per body (the application's center), year and level.
        _clone(cursor, "certificates_certificate", certificate.pk,
               "(SELECT a.id, a.center_id, a.level, (%(days)s::date[])[extract(quarter FROM a.submitted_at)::int] AS day, "
               "row_number() OVER (PARTITION BY a.center_id, a.level ORDER BY a.id) AS n "
               "FROM registration_application a WHERE a.id > %(first)s AND a.status = 'approved' "
               "AND mod(a.id, 10) < 8 AND mod(a.id, 7) <> 0) s", {
                   "application_id": "s.id", "body_id": "s.center_id", "level": "s.level", "year": str(YEAR),
                   "running_number": "s.n", "number": "'B' || lpad(s.id::text, 15, '0')",
                   "issued_on": "s.day + 20", "due_on": "s.day + 35",
                   "delivered_on": "CASE WHEN mod(s.id, 5) = 0 THEN NULL ELSE s.day + 30 END",
                   "state": f"CASE WHEN mod(s.id, 5) = 0 THEN '{State.ISSUED}' ELSE '{State.DELIVERED}' END",
                   "revoked_on": "NULL"}, {"days": list(SESSION_DAYS), "first": first_app})
        _log("certificates")
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {"applications": Application.objects.count(), "scores": Score.objects.count(),
              "certificates": Certificate.objects.count(), "sessions": ExamSession.objects.count(),
              "centers": len(centers), "occupations": len(occupations),
              "seconds": round(time.perf_counter() - started, 1)}
    _log(f"generated {counts}")
    return counts


# --- Measuring -------------------------------------------------------------------------------------

HAND_SQL = """
WITH apps AS (
    SELECT center_id, level, occupation_id, count(*) FILTER (WHERE submitted_at >= %(since)s AND submitted_at < %(until)s) AS applied,
           sum(fee_due) FILTER (WHERE fee_paid AND fee_paid_at >= %(since)s AND fee_paid_at < %(until)s) AS fees_paid
    FROM registration_application
    WHERE (submitted_at >= %(since)s AND submitted_at < %(until)s) OR (fee_paid AND fee_paid_at >= %(since)s AND fee_paid_at < %(until)s)
    GROUP BY 1, 2, 3),
reviews AS (
    SELECT a.center_id, a.level, a.occupation_id, count(DISTINCT t.application_id) FILTER (WHERE t.to_status = 'approved') AS approved
    FROM registration_applicationtransition t JOIN registration_application a ON a.id = t.application_id
    WHERE t.at >= %(since)s AND t.at < %(until)s GROUP BY 1, 2, 3),
scores AS (
    SELECT a.center_id, a.level, a.occupation_id, count(DISTINCT s.application_id) AS appraised,
           count(DISTINCT s.application_id) FILTER (WHERE NOT s.passed) AS not_qualified
    FROM exams_score s JOIN exams_examsession e ON e.id = s.session_id JOIN registration_application a ON a.id = s.application_id
    WHERE e.status = 'published' AND e.day >= %(start)s AND e.day < %(end)s GROUP BY 1, 2, 3),
certs AS (
    SELECT a.center_id, a.level, a.occupation_id, count(*) FILTER (WHERE c.issued_on >= %(start)s AND c.issued_on < %(end)s) AS certified
    FROM certificates_certificate c JOIN registration_application a ON a.id = c.application_id
    WHERE (c.issued_on >= %(start)s AND c.issued_on < %(end)s) OR (c.delivered_on >= %(start)s AND c.delivered_on < %(end)s)
    GROUP BY 1, 2, 3)
SELECT 'a', center_id, level, occupation_id, applied, 0 FROM apps
UNION ALL SELECT 'r', center_id, level, occupation_id, approved, 0 FROM reviews
UNION ALL SELECT 's', center_id, level, occupation_id, appraised, not_qualified FROM scores
UNION ALL SELECT 'c', center_id, level, occupation_id, certified, 0 FROM certs
"""


def _median(function, runs: int):
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def measure_quarter(runs: int) -> dict:
    import datetime

    from django.db import connection
    from django.utils import timezone

    from appraisal.models import Center, CenterKind
    from stats import selectors

    province = Center.objects.get(kind=CenterKind.PROVINCE)
    city = Center.objects.filter(kind=CenterKind.CITY).first()
    county = Center.objects.filter(kind=CenterKind.COUNTY).first()
    start, end = selectors.quarter_bounds(YEAR, QUARTER)
    params = {"start": start, "end": end,
              "since": timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
              "until": timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))}

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, params)
            return cursor.fetchall()

    floor, rows = _median(hand, runs)
    totals_time, totals = _median(lambda: selectors.quarter_totals(province, YEAR, QUARTER), runs)
    figures_time, figures = _median(lambda: selectors.quarter_figures(province, YEAR, QUARTER), runs)
    hand_applied = sum(r[4] for r in rows if r[0] == "a")
    hand_appraised = sum(r[4] for r in rows if r[0] == "s")
    queries = {name: {"totals": _queries(lambda c=c: selectors.quarter_totals(c, YEAR, QUARTER)),
                      "figures": _queries(lambda c=c: selectors.quarter_figures(c, YEAR, QUARTER))}
               for name, c in (("province", province), ("city", city), ("county", county))}
    result = {
        "floor_hand_sql_s": round(floor, 3), "floor_groups": len(rows),
        "quarter_totals_s": round(totals_time, 3), "quarter_totals_ratio": round(totals_time / floor, 2),
        "quarter_figures_s": round(figures_time, 3), "quarter_figures_ratio": round(figures_time / floor, 2),
        "queries": queries, "goal_ratio": GOAL_RATIO,
        "same_figures_as_hand_sql": totals["applied"] == hand_applied and totals["appraised"] == hand_appraised,
        "province_totals": {k: (str(v) if v is not None else None) for k, v in totals.items()},
        "breakdown_sizes": {k: len(v) for k, v in figures["breakdowns"].items()},
    }
    _log(f"quarter: {json.dumps(result, ensure_ascii=False)}")
    return result


def explain(limit_lines: int = 60) -> str:
    """EXPLAIN ANALYZE of quarter_totals' queries, for the report when the goal is missed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisal.models import Center, CenterKind
    from stats import selectors

    province = Center.objects.get(kind=CenterKind.PROVINCE)
    with CaptureQueriesContext(connection) as captured:
        selectors.quarter_totals(province, YEAR, QUARTER)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append(query["sql"][:300] + "\n" + "\n".join(r[0] for r in cursor.fetchall()[:limit_lines]))
    return "\n\n".join(plans)


def measure_workbook(detail_rows: int, runs: int) -> dict:
    from openpyxl import Workbook

    from appraisal.models import Center, CenterKind
    from stats import exports, selectors

    province = Center.objects.get(kind=CenterKind.PROVINCE)
    figures = selectors.quarter_figures(province, YEAR, QUARTER)
    rows = list(exports.detail_rows(province, YEAR, QUARTER, limit=detail_rows))
    _log(f"{len(rows):,} detail rows read")

    def floor():
        import io

        book = Workbook(write_only=True)
        sheet = book.create_sheet("明细")
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def workbook():
        return exports.quarter_workbook(figures, details=iter(rows), detail_count=len(rows))

    floor_time, _ = _median(floor, runs)
    book_time, content = _median(workbook, runs)
    tracemalloc.start()
    workbook()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    floor()
    _, floor_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"detail_rows": len(rows), "floor_plain_write_only_s": round(floor_time, 2),
              "workbook_s": round(book_time, 2), "ratio": round(book_time / floor_time, 2),
              "peak_mb": round(peak / 2**20, 1), "floor_peak_mb": round(floor_peak / 2**20, 1),
              "rows_in_memory_mb_note": "the rows list itself is held by the benchmark, outside both peaks",
              "xlsx_mb": round(len(content) / 2**20, 1)}
    _log(f"workbook: {json.dumps(result, ensure_ascii=False)}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--detail-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="appraisal_bench_stats")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it next time with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    parser.add_argument("--template", help="copy this database (migrated, demo loaded) instead of migrating a new one")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of quarter_totals' queries")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not 1_000 <= args.applications <= 2_000_000:
        parser.error("--applications must be between 1,000 and 2,000,000")

    url, admin_url = _database_url(args.database)
    if not args.reuse:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{args.database}"')
        template = f' TEMPLATE "{args.template}"' if args.template else ""
        _admin(admin_url, f'CREATE DATABASE "{args.database}"{template}')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    report = {"database": args.database}
    try:
        if not args.reuse:
            _log("migrate and load the demo")
            call_command("migrate", verbosity=0)
            if not args.template:
                call_command("load_demo", quiet=True)
            report["generated"] = generate(args.applications)
        report["quarter"] = measure_quarter(args.runs)
        if args.explain or report["quarter"]["quarter_totals_ratio"] > GOAL_RATIO:
            report["explain"] = explain()
            print(report["explain"])
        report["workbook"] = measure_workbook(args.detail_rows, args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(admin_url, f'DROP DATABASE IF EXISTS "{args.database}"')
            _log(f"dropped {args.database}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "explain"}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
