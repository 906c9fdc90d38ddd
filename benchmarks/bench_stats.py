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
3. Measures, median of `--runs` rounds after a warm-up, the cases alternating within a round:
   - floor: ONE hand-written SQL statement over the same rows giving the same figures as
     quarter_figures (every figure grouped by every breakdown's dimension, and the 8-quarter trend),
     and the narrower floor of earlier runs (five figures by center, level and occupation);
   - `stats.selectors.quarter_totals(province, 2025, 4)` and `quarter_figures(province, 2025, 4)`:
     seconds, ratio to the floor (goal: within 2x), whether every total and trend point equals the
     floor's, and their number of queries, which must be the same for the province, a city and a
     county (constant whatever the number of centers); JIT off for both unless `--jit on`;
   - the province's quarter workbook on the job's path (detail rows streamed from the database
     into `stats.exports.quarter_workbook`) at a tenth of `--detail-rows` and at all of them:
     seconds, tracemalloc peak (a separate run) and peak RSS, beside a bare write-only sheet of the
     same streamed rows. `--only quarter|workbook` measures one of them.
   `--generate-only --keep` generates and stops; `--reuse` measures a kept database.
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

# The floor of earlier runs (kept to compare with them): four sources grouped by center, level and
# occupation, but only five of the fourteen figures, no kind of appraisal or candidate, no trend.
NARROW_HAND_SQL = """
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

# The fair floor: ONE hand-written statement over the same rows giving the same figures as
# quarter_figures: every figure of the four sources grouped by every dimension the breakdowns need
# (center, level, occupation, unified appraisal or not, kind of candidate: the candidate and the
# employer body joined, as any query must to know it), and the eight quarters of the trend.
CANDIDATE_KIND_SQL = ("CASE WHEN u.school_id IS NOT NULL THEN 0 WHEN b.kind = 'affiliated_unit' THEN 1 "
                      "WHEN u.employer_body_id IS NOT NULL THEN 2 ELSE 3 END")
DIMS_SQL = f"a.center_id, a.level, a.occupation_id, a.unified_appraisal_id IS NOT NULL, {CANDIDATE_KIND_SQL}"
CANDIDATE_JOIN_SQL = ("JOIN appraisal_user u ON u.id = a.candidate_id "
                      "LEFT JOIN appraisal_center b ON b.id = u.employer_body_id")
HAND_SQL = f"""
WITH measured AS (
    SELECT application_id FROM exams_disciplineincident WHERE measure IN ('disqualified', 'subject_void')),
apps AS (
    SELECT {DIMS_SQL},
           count(*) FILTER (WHERE a.submitted_at >= %(since)s AND a.submitted_at < %(until)s) AS applied,
           count(*) FILTER (WHERE a.submitted_at >= %(since)s AND a.submitted_at < %(until)s AND a.is_retake) AS retakes,
           sum(a.fee_due) FILTER (WHERE a.submitted_at >= %(since)s AND a.submitted_at < %(until)s
                                  AND a.status = 'approved') AS fees_due,
           sum(a.fee_due) FILTER (WHERE a.fee_paid AND a.fee_paid_at >= %(since)s AND a.fee_paid_at < %(until)s) AS fees_paid
    FROM registration_application a {CANDIDATE_JOIN_SQL}
    WHERE (a.submitted_at >= %(since)s AND a.submitted_at < %(until)s)
       OR (a.fee_paid AND a.fee_paid_at >= %(since)s AND a.fee_paid_at < %(until)s)
    GROUP BY 1, 2, 3, 4, 5),
reviews AS (
    SELECT {DIMS_SQL},
           count(DISTINCT t.application_id) FILTER (WHERE t.to_status = 'approved') AS approved,
           count(DISTINCT t.application_id) FILTER (WHERE t.to_status = 'rejected') AS rejected,
           count(DISTINCT t.application_id) FILTER (WHERE t.to_status = 'returned') AS returned
    FROM registration_applicationtransition t JOIN registration_application a ON a.id = t.application_id
         {CANDIDATE_JOIN_SQL}
    WHERE t.at >= %(since)s AND t.at < %(until)s AND t.to_status IN ('approved', 'rejected', 'returned')
    GROUP BY 1, 2, 3, 4, 5),
scores AS (
    SELECT {DIMS_SQL}, count(DISTINCT s.application_id) AS appraised,
           count(DISTINCT s.application_id) FILTER (WHERE NOT s.passed OR s.application_id IN (SELECT * FROM measured))
               AS not_qualified
    FROM exams_score s JOIN exams_examsession e ON e.id = s.session_id
         JOIN registration_application a ON a.id = s.application_id {CANDIDATE_JOIN_SQL}
    WHERE e.status = 'published' AND e.day >= %(start)s AND e.day < %(end)s
    GROUP BY 1, 2, 3, 4, 5),
certs AS (
    SELECT {DIMS_SQL},
           count(*) FILTER (WHERE c.issued_on >= %(start)s AND c.issued_on < %(end)s) AS certified,
           count(*) FILTER (WHERE c.delivered_on >= %(start)s AND c.delivered_on < %(end)s) AS delivered,
           count(*) FILTER (WHERE c.delivered_on >= %(start)s AND c.delivered_on < %(end)s
                            AND c.delivered_on <= c.due_on) AS delivered_on_time,
           count(*) FILTER (WHERE c.revoked_on >= %(start)s AND c.revoked_on < %(end)s) AS revoked
    FROM certificates_certificate c JOIN registration_application a ON a.id = c.application_id {CANDIDATE_JOIN_SQL}
    WHERE (c.issued_on >= %(start)s AND c.issued_on < %(end)s) OR (c.delivered_on >= %(start)s AND c.delivered_on < %(end)s)
       OR (c.revoked_on >= %(start)s AND c.revoked_on < %(end)s)
    GROUP BY 1, 2, 3, 4, 5),
trend AS (
    SELECT date_trunc('quarter', e.day)::date AS first_day, count(DISTINCT s.application_id) AS appraised,
           count(DISTINCT s.application_id) FILTER (WHERE NOT s.passed OR s.application_id IN (SELECT * FROM measured))
               AS not_qualified
    FROM exams_score s JOIN exams_examsession e ON e.id = s.session_id
    WHERE e.status = 'published' AND e.day >= %(trend_start)s AND e.day < %(end)s
    GROUP BY 1)
SELECT 'applied' AS figure, sum(applied) FROM apps UNION ALL SELECT 'retakes', sum(retakes) FROM apps
UNION ALL SELECT 'fees_due', sum(fees_due) FROM apps UNION ALL SELECT 'fees_paid', sum(fees_paid) FROM apps
UNION ALL SELECT 'approved', sum(approved) FROM reviews UNION ALL SELECT 'rejected', sum(rejected) FROM reviews
UNION ALL SELECT 'returned', sum(returned) FROM reviews
UNION ALL SELECT 'appraised', sum(appraised) FROM scores
UNION ALL SELECT 'qualified', sum(appraised) - sum(not_qualified) FROM scores
UNION ALL SELECT 'certified', sum(certified) FROM certs UNION ALL SELECT 'delivered', sum(delivered) FROM certs
UNION ALL SELECT 'delivered_on_time', sum(delivered_on_time) FROM certs UNION ALL SELECT 'revoked', sum(revoked) FROM certs
UNION ALL SELECT 'groups', (SELECT count(*) FROM apps) + (SELECT count(*) FROM reviews) + (SELECT count(*) FROM scores)
                           + (SELECT count(*) FROM certs)
UNION ALL SELECT 'trend appraised ' || first_day, appraised FROM trend
UNION ALL SELECT 'trend qualified ' || first_day, appraised - not_qualified FROM trend
"""


def _queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def _interleaved(cases: dict, runs: int) -> tuple[dict, dict]:
    """Median seconds of each case and its last result; the cases alternate within each round (after
    one warm-up round), so a machine busy with other work slows them alike."""
    times = {name: [] for name in cases}
    results = {name: function() for name, function in cases.items()}
    for _ in range(runs):
        for name, function in cases.items():
            started = time.perf_counter()
            results[name] = function()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}, results


def _hand_params() -> dict:
    import datetime

    from django.utils import timezone

    from stats import selectors

    start, end = selectors.quarter_bounds(YEAR, QUARTER)
    trend_start = selectors.quarter_bounds(*selectors.last_quarters(YEAR, QUARTER, 8)[0])[0]
    return {"start": start, "end": end, "trend_start": trend_start,
            "since": timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
            "until": timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))}


def _hand_matches(rows, figures: dict) -> dict:
    """Which figures of quarter_figures differ from the hand-written SQL's (empty: all the same)."""
    hand = dict(rows)
    differing = {}
    for key, value in figures["totals"].items():
        if key in hand and (hand[key] or 0) != value:
            differing[key] = [str(hand[key]), str(value)]  # [hand-written SQL, quarter_figures]
    for point in figures["trend"]:
        day = f"{point['year']}-{3 * point['quarter'] - 2:02d}-01"
        for key in ("appraised", "qualified"):
            if hand.get(f"trend {key} {day}", 0) != point[key]:
                differing[f"trend {key} {day}"] = [str(hand.get(f"trend {key} {day}", 0)), str(point[key])]
    return differing


def measure_quarter(runs: int, jit: str) -> dict:
    from django.db import connection

    from appraisal.models import Center, CenterKind
    from stats import selectors

    province = Center.objects.get(kind=CenterKind.PROVINCE)
    city = Center.objects.filter(kind=CenterKind.CITY).first()
    county = Center.objects.filter(kind=CenterKind.COUNTY).first()
    params = _hand_params()
    # PostgreSQL's JIT compiles each statement above jit_above_cost before running it: on this
    # shared 2-core machine that took seconds for the one big floor statement (and ~0.3 s for each
    # of the selectors' queries), varying with the load more than the work did. Both sides run
    # with the same setting; off by default, so the ratio compares the queries' work.
    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {'on' if jit == 'on' else 'off'}")

    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall()
        return run

    medians, results = _interleaved({
        "floor": sql(HAND_SQL), "narrow_floor": sql(NARROW_HAND_SQL),
        "totals": lambda: selectors.quarter_totals(province, YEAR, QUARTER),
        "figures": lambda: selectors.quarter_figures(province, YEAR, QUARTER),
    }, runs)
    floor, narrow, figures = medians["floor"], medians["narrow_floor"], results["figures"]
    queries = {name: {"totals": _queries(lambda c=c: selectors.quarter_totals(c, YEAR, QUARTER)),
                      "figures": _queries(lambda c=c: selectors.quarter_figures(c, YEAR, QUARTER))}
               for name, c in (("province", province), ("city", city), ("county", county))}
    differing = _hand_matches(results["floor"], figures)
    result = {
        "floor_hand_sql_s": round(floor, 3), "floor_groups": int(dict(results["floor"])["groups"]),
        "narrow_floor_s": round(narrow, 3),
        "quarter_totals_s": round(medians["totals"], 3), "quarter_totals_ratio": round(medians["totals"] / floor, 2),
        "quarter_figures_s": round(medians["figures"], 3),
        "quarter_figures_ratio": round(medians["figures"] / floor, 2),
        "quarter_figures_ratio_to_narrow_floor": round(medians["figures"] / narrow, 2),
        "queries": queries, "goal_ratio": GOAL_RATIO, "jit": jit,
        "same_figures_as_hand_sql": not differing, "differing": differing,
        "province_totals": {k: (str(v) if v is not None else None) for k, v in figures["totals"].items()},
        "breakdown_sizes": {k: len(v) for k, v in figures["breakdowns"].items()},
    }
    _log(f"quarter: {json.dumps(result, ensure_ascii=False)}")
    return result


def explain(limit_lines: int = 80) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of quarter_figures' queries and of the hand-written floor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisal.models import Center, CenterKind
    from stats import selectors

    province = Center.objects.get(kind=CenterKind.PROVINCE)
    with CaptureQueriesContext(connection) as captured:
        selectors.quarter_figures(province, YEAR, QUARTER)
    statements = [(query["sql"], None) for query in captured.captured_queries] + [(HAND_SQL, _hand_params())]
    plans = []
    with connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            lines = [r[0] for r in cursor.fetchall()]
            plans.append(("floor (hand SQL)" if params else statement[:300]) + "\n"
                         + "\n".join(lines if len(lines) <= limit_lines else lines[:limit_lines] + lines[-1:]))
    return "\n\n".join(plans)


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure_workbook(detail_rows: int, runs: int) -> dict:
    """The background job's path (stats/jobs.py): the detail rows streamed from the database
    (`exports.detail_rows`, a server-side cursor) into the write-only workbook. At a tenth of the
    rows and at all of them: seconds, the Python heap's peak (tracemalloc, a separate run) and the
    process's peak RSS after each size (it only grows, so a flat figure means streaming). Floor:
    the same streamed rows into a bare write-only sheet (no styles, no summary sheets)."""
    import io

    from openpyxl import Workbook

    from appraisal.models import Center, CenterKind
    from stats import exports, selectors

    province = Center.objects.get(kind=CenterKind.PROVINCE)
    figures = selectors.quarter_figures(province, YEAR, QUARTER)

    def job(count):
        return exports.quarter_workbook(figures, details=exports.detail_rows(province, YEAR, QUARTER, limit=count),
                                        detail_count=count)

    def floor(count):
        book = Workbook(write_only=True)
        sheet = book.create_sheet("明细")
        for row in exports.detail_rows(province, YEAR, QUARTER, limit=count):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    result = {"rss_before_mb": round(_peak_rss_mb(), 1), "sizes": []}
    for count in (max(detail_rows // 10, 1), detail_rows):
        cases = {"job": lambda c=count: job(c)}
        if count == detail_rows:
            cases["floor"] = lambda c=count: floor(c)
        medians, results = _interleaved(cases, runs)
        rss = _peak_rss_mb()
        tracemalloc.start()
        job(count)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = {"detail_rows": count, "workbook_s": round(medians["job"], 2),
                "tracemalloc_peak_mb": round(peak / 2**20, 1), "peak_rss_mb": round(rss, 1),
                "xlsx_mb": round(len(results["job"]) / 2**20, 1)}
        if "floor" in medians:
            size.update(floor_plain_write_only_s=round(medians["floor"], 2),
                        ratio=round(medians["job"] / medians["floor"], 2))
        result["sizes"].append(size)
        _log(f"workbook: {json.dumps(size, ensure_ascii=False)}")
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
    parser.add_argument("--generate-only", action="store_true",
                        help="generate the database and stop (use with --keep; measure later with --reuse)")
    parser.add_argument("--jit", choices=("on", "off"), default="off",
                        help="PostgreSQL's JIT for the quarter's queries and the floor alike (default off)")
    parser.add_argument("--only", choices=("quarter", "workbook"), help="measure only the quarter or the workbook")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of quarter_figures' queries and the floor")
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
        if args.generate_only:
            return
        if args.only in (None, "quarter"):
            report["quarter"] = measure_quarter(args.runs, args.jit)
            if args.explain or report["quarter"]["quarter_figures_ratio"] > GOAL_RATIO:
                report["explain"] = explain()
                print(report["explain"])
        if args.only in (None, "workbook"):
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
