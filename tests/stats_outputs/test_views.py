"""STAT-1 / ORG-8: the quarter's workbook (a background job) and report PDF, for the centers a user
may see, on generated records; everyone else refused."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import BackgroundJob, JobStatus
from stats import exports
from stats.selectors import quarter_figures
from tests.stats.conftest import QUARTER, YEAR, generated, people  # noqa: F401 - the pages' fixtures

pytestmark = pytest.mark.django_db


def _workbook_url(center, year=YEAR, quarter=QUARTER):
    return reverse("stats:quarter_workbook", kwargs={"center": center.pk, "year": year, "quarter": quarter})


def _pdf_url(center, year=YEAR, quarter=QUARTER):
    return reverse("stats:report_pdf", kwargs={"center": center.pk, "year": year, "quarter": quarter})


def test_stat1_city_downloads_its_quarter_workbook_through_a_job(
        client, generated, people, centers, django_capture_on_commit_callbacks):  # noqa: F811
    """STAT-1: the workbook runs as a background job; its file holds the city's figures and one
    detail row per application received in the quarter."""
    client.force_login(people["staff_changchun"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_workbook_url(centers["changchun"]))
    job = BackgroundJob.objects.get(owner=people["staff_changchun"])
    assert response.status_code == 302 and response.url == reverse("job_detail", kwargs={"pk": job.pk})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    with job.output.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    figures = quarter_figures(centers["changchun"], YEAR, QUARTER)
    applied = figures["totals"]["applied"]
    assert applied > 0
    assert book.sheetnames[:6] == ["汇总", *(title for _, title in exports.BREAKDOWN_SHEETS)]
    assert book["明细"].max_row == applied + 1
    column = exports.FIGURE_KEYS.index("applied") + 2
    total_row = [r for r in book["按机构"].iter_rows(min_row=4, values_only=True) if r[0] == "合计"][0]
    assert total_row[column - 1] == applied


def test_stat1_org8_other_centers_and_roles_are_refused(client, generated, people, centers):  # noqa: F811
    """STAT-1, ORG-8: a county asking for its city's or another county's figures gets a 404; a
    candidate and an examiner 403; an anonymous visitor the login page. No job is started."""
    client.force_login(people["staff_nongan"])
    assert client.post(_workbook_url(centers["changchun"])).status_code == 404
    assert client.get(_pdf_url(centers["yushu"])).status_code == 404
    for username in ("candidate", "examiner"):
        client.force_login(people[username])
        assert client.post(_workbook_url(centers["nongan"])).status_code == 403
        assert client.get(_pdf_url(centers["nongan"])).status_code == 403
    client.logout()
    assert client.get(_pdf_url(centers["nongan"])).status_code == 302
    assert not BackgroundJob.objects.exists()


def test_stat1_quarter_in_the_future_or_before_the_data_is_refused(client, generated, people, centers):  # noqa: F811
    """STAT-1: a quarter not begun yet or before the system's data starts: 400 with the reason."""
    client.force_login(people["province_admin"])
    response = client.post(_workbook_url(centers["province"], year=2099, quarter=1))
    assert response.status_code == 400 and "尚未开始" in response.content.decode()
    response = client.get(_pdf_url(centers["province"], year=2001, quarter=1))
    assert response.status_code == 400 and "早于本系统数据起始时间" in response.content.decode()
    assert client.get(_pdf_url(centers["province"], year=YEAR, quarter=5)).status_code == 400
    assert not BackgroundJob.objects.exists()


def test_stat1_report_pdf_of_a_county(client, generated, people, centers):  # noqa: F811
    """STAT-1: the county prints its 统计分析报告 as a PDF."""
    client.force_login(people["staff_nongan"])
    response = client.get(_pdf_url(centers["nongan"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_stat1_quarter_page_draws_the_charts_and_offers_the_outputs(client, generated, people, centers):  # noqa: F811
    """STAT-1: the quarter page holds the three charts (inline SVG with the page's CSP nonce) and
    the Excel and PDF outputs; the city's report text starts from the written draft."""
    client.force_login(people["staff_changchun"])
    response = client.get(reverse("stats:quarter") + f"?center={centers['changchun'].pk}&year={YEAR}&quarter={QUARTER}")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("pass_rate_by_level", "appraised_trend", "top_occupations"):
        assert f'data-chart="{name}"' in html
    nonce = response.wsgi_request.csp_nonce if hasattr(response.wsgi_request, "csp_nonce") else None
    if nonce:
        assert f'nonce="{nonce}"' in html
    assert "<script" not in html.split('data-testid="stats-charts"')[1].split("</section>")[0]
    assert _workbook_url(centers["changchun"]) in html and _pdf_url(centers["changchun"]) in html
    assert "职业技能鉴定统计分析报告" in html and "## 一、总体情况" in html


def test_stat1_a_frozen_version_prints_as_submitted(client, generated, people, centers):  # noqa: F811
    """STAT-1: a submitted version's PDF is printed from its frozen figures and report."""
    from stats import pdf as stats_pdf
    from stats import services

    city = people["staff_changchun"]
    report = services.open_report(actor=city, center=centers["changchun"], year=YEAR, quarter=QUARTER)
    services.save_text(actor=city, report=report, text="## 一、总体情况\n本季度正常。")
    version = services.submit(actor=city, report=report, reason="")
    client.force_login(people["province_admin"])
    response = client.get(reverse("stats:version_pdf", kwargs={"pk": report.pk, "number": version.number}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = stats_pdf.report_context(version.figures, version.report_text, version="第1版")
    assert "本季度正常。" in html["body"]
    client.force_login(people["staff_nongan"])
    assert client.get(reverse("stats:version_pdf", kwargs={"pk": report.pk, "number": 1})).status_code == 404
    assert client.get(reverse("stats:version_pdf", kwargs={"pk": report.pk, "number": 9})).status_code == 404
