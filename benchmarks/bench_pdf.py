"""Benchmark of the 申报表 PDF (REG-1): ratios against a floor measured in the same run.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/bench_pdf.py [--runs 5] [--batch 100]

Needs no database: the applications are unsaved model instances. Measures
  floor   a minimal one-page WeasyPrint document in a Latin font (DejaVu Sans);
  form    one 申报表 with a photo, on the pre-subset font (python manage.py build_pdf_font);
  full    the same form on the full system Noto Sans CJK collection (no subset font);
  cold    the same form without the per-thread FontConfiguration and stylesheet cache;
  batch   --batch forms as one PDF (one WeasyPrint render) -> pages per second;
  stored  serving one form already stored (what the Celery task renders once after submission);
  joined  --batch stored forms joined into one PDF (the batch-print path) -> pages per second.
Each figure is the median of --runs runs after one warm-up, as wall time and as CPU time of this
process (CPU time is steadier on a busy machine). Goals: one form within 2x the floor; >= 20 pages/s
batched. Exit status 0 whatever the outcome: it reports, it does not gate.
"""

import argparse
import datetime
import io
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import floor_pdf, measure  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from PIL import Image  # noqa: E402

from appraisal import pdf as appraisal_pdf  # noqa: E402
from appraisal.models import Center, Occupation  # noqa: E402
from registration.models import Application  # noqa: E402
from registration.pdf import join_pdfs, render_application_forms  # noqa: E402

GOAL_FORM_RATIO = 2.0
GOAL_PAGES_PER_SECOND = 20.0
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def photo_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (330, 480), (200, 215, 235)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def application(number: int) -> Application:
    """An unsaved, realistic application (pk set only to key its photo)."""
    return Application(
        pk=number,
        center=Center(pk=1, name="农安县职业技能鉴定中心"),
        occupation=Occupation(pk=1, name="汽车维修工"),
        level=4,
        name=SURNAMES[number % len(SURNAMES)] + "建国",
        gender="M",
        birth_month=datetime.date(1990, 3, 1),
        education="senior",
        id_number="220122199003150019",
        employer_name="农安县某汽车维修有限公司",
        current_occupation="汽车修理",
        phone="13800000000",
        held_certificate="汽车维修工",
        held_certificate_level=5,
        held_certificate_issuer="长春市职业技能鉴定中心",
        held_certificate_date=datetime.date(2015, 6, 1),
        years_in_occupation=6,
        work_history="2008年9月至2011年7月 农安县职业技术学校 汽车运用与维修专业学习\n"
        "2011年7月至今 农安县某汽车维修有限公司 汽车维修工，负责发动机和底盘的维护与修理",
        center_opinion="经审核，符合申报条件。",
        center_opinion_date=datetime.date(2026, 3, 5),
    )






def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--json", help="also write the figures to this file (e.g. benchmarks/results/pdf.json)")
    args = parser.parse_args()
    logging.getLogger("appraisal.pdf").setLevel(logging.ERROR)  # the "no subset font" warning is expected

    photo = photo_bytes()
    one = [application(1)]
    batch = [application(i) for i in range(1, args.batch + 1)]
    photos = {a.pk: photo for a in batch}
    if not appraisal_pdf.subset_font_path().exists():
        print("subset font missing: run `python manage.py build_pdf_font` first", file=sys.stderr)
        return 1

    def cold_form():
        appraisal_pdf.reset_cache()
        render_application_forms(one, photos=photos)

    results = {
        "floor": measure(floor_pdf, args.runs),
        "form": measure(lambda: render_application_forms(one, photos=photos), args.runs),
        "cold": measure(cold_form, args.runs),
    }
    appraisal_pdf.reset_cache()
    subset_dir = settings.PDF_FONT_DIR
    settings.PDF_FONT_DIR = Path(subset_dir) / "no-such-dir"  # the system font only
    try:
        results["full"] = measure(lambda: render_application_forms(one, photos=photos), args.runs)
    finally:
        settings.PDF_FONT_DIR = subset_dir
        appraisal_pdf.reset_cache()
    results["batch"] = measure(lambda: render_application_forms(batch, photos=photos), max(1, args.runs // 2))
    stored_dir = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    for a in batch:  # what store_application_pdf leaves on disk, one file per form
        (stored_dir / f"{a.pk}.pdf").write_bytes(render_application_forms([a], photos=photos))
    results["stored"] = measure(lambda: (stored_dir / "1.pdf").read_bytes(), args.runs)
    results["joined"] = measure(
        lambda: join_pdfs((stored_dir / f"{a.pk}.pdf").read_bytes() for a in batch), max(1, args.runs // 2)
    )
    shutil.rmtree(stored_dir, ignore_errors=True)

    floor_wall, floor_cpu = results["floor"]
    print(f"申报表 PDF benchmark — WeasyPrint, {os.cpu_count()} CPU(s), median of {args.runs} runs\n")
    print(f"{'case':<44}{'wall ms':>10}{'cpu ms':>10}{'x floor (wall/cpu)':>22}")
    labels = {
        "floor": "floor: 1 page, DejaVu Sans",
        "form": "1 form, subset font (cached set-up)",
        "full": "1 form, full system Noto Sans CJK",
        "cold": "1 form, subset font, no cached set-up",
        "stored": "1 form, stored after submission (served)",
    }
    for key, label in labels.items():
        wall, cpu = results[key]
        print(f"{label:<44}{wall * 1000:>10.1f}{cpu * 1000:>10.1f}{wall / floor_wall:>12.2f} /{cpu / floor_cpu:>6.2f}")
    batch_wall, batch_cpu = results["batch"]
    pages_wall, pages_cpu = args.batch / batch_wall, args.batch / batch_cpu
    print(f"{f'{args.batch} forms as one PDF':<44}{batch_wall * 1000:>10.1f}{batch_cpu * 1000:>10.1f}"
          f"{'':>12}  -> {pages_wall:.1f} pages/s wall, {pages_cpu:.1f} pages/s cpu")

    joined_wall, joined_cpu = results["joined"]
    joined_pages = args.batch / joined_wall
    print(f"{f'{args.batch} stored forms joined':<44}{joined_wall * 1000:>10.1f}{joined_cpu * 1000:>10.1f}"
          f"{'':>12}  -> {joined_pages:.1f} pages/s wall, {args.batch / joined_cpu:.1f} pages/s cpu")

    form_ratio = results["form"][0] / floor_wall
    stored_ratio = results["stored"][0] / floor_wall
    print()
    print(f"goal: one form within {GOAL_FORM_RATIO:g}x the floor: {form_ratio:.2f}x wall "
          f"({results['form'][1] / floor_cpu:.2f}x cpu) -> {'met' if form_ratio <= GOAL_FORM_RATIO else 'NOT met'}")
    print(f"goal: >= {GOAL_PAGES_PER_SECOND:g} pages/s batched: {pages_wall:.1f} wall ({pages_cpu:.1f} cpu) -> "
          f"{'met' if pages_wall >= GOAL_PAGES_PER_SECOND else 'NOT met'}")
    print(f"served form (stored once after submission): {stored_ratio:.3f}x the floor -> "
          f"{'met' if stored_ratio <= GOAL_FORM_RATIO else 'NOT met'}")
    print(f"batch print from stored forms: {joined_pages:.1f} pages/s -> "
          f"{'met' if joined_pages >= GOAL_PAGES_PER_SECOND else 'NOT met'}")
    print(f"subset font vs full font, one form: {results['full'][0] / results['form'][0]:.2f}x faster (wall)")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(
            {key: {"wall_s": wall, "cpu_s": cpu} for key, (wall, cpu) in results.items()}
            | {"batch_size": args.batch, "pages_per_second_wall": pages_wall, "pages_per_second_cpu": pages_cpu},
            indent=2,
        ))
    return 0


if __name__ == "__main__":
    sys.exit(main())
