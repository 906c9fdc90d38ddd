"""What several benchmarks share: timing a function, the PDF floor, demo ID numbers, the PostgreSQL
server the server benchmarks make their scratch databases on."""

from __future__ import annotations

import datetime
import os
import statistics
import time
from urllib.parse import urlsplit

from stdnum.cn import ric


def measure(function, runs):
    """Median wall and CPU seconds of `function` over `runs` runs, after one warm-up run."""
    function()  # warm-up: fontconfig, stylesheets, imports
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def floor_pdf():
    """The smallest PDF WeasyPrint makes: the floor a PDF benchmark is measured against."""
    from weasyprint import HTML

    return HTML(string="<p style='font-family: \"DejaVu Sans\"'>Jilin skill appraisal</p>").write_pdf()


def id_number(n: int) -> str:
    """The n-th valid 农安县 ID number (distinct for every n)."""
    day = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 400)
    body = f"220122{day:%Y%m%d}{(n % 400) * 2 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def postgres_server() -> str:
    """Where a benchmark makes its scratch database: BENCH_PG, else the server (and role) of
    DATABASE_URL, else the project's role `appraisal` on 127.0.0.1 (docs/DEPLOY.md), as the tests use."""
    if os.environ.get("BENCH_PG"):
        return os.environ["BENCH_PG"].rstrip("/")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return "postgres://appraisal@127.0.0.1:5432"
