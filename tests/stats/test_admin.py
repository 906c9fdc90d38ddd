"""STAT-1: the statistics have admin pages (deadlines, quarters, frozen versions, transitions, alerts)
that open for a superuser, show no ID number, and change nothing: a submitted version's figures stay
as they were frozen, whatever is posted."""

import datetime

import pytest
from django.urls import reverse

from registration.models import Application
from stats import services
from stats.models import AlertKind, QuarterAlert, QuarterTransition, QuarterVersion
from tests.stats.conftest import QUARTER, YEAR

AFTER = datetime.date(2025, 10, 9)  # inside the deadline window of 2025 Q3


@pytest.fixture
def submitted(generated, people):
    chosen, _expected = generated
    report = services.open_report(
        actor=people["staff_changchun"], center=chosen["changchun"], year=YEAR, quarter=QUARTER
    )
    services.save_text(actor=people["staff_changchun"], report=report, text="本季度鉴定工作平稳。")
    version = services.submit(actor=people["staff_changchun"], report=report, today=AFTER)
    deadline = services.set_deadline(
        actor=people["province_admin"], year=YEAR, quarter=QUARTER + 1, due_on=datetime.date(2026, 1, 20)
    )
    alert = QuarterAlert.objects.create(
        center=chosen["jilin_city"],
        year=YEAR,
        quarter=QUARTER,
        kind=AlertKind.REMINDER,
        due_on=AFTER,
    )
    transition = QuarterTransition.objects.filter(report=report).latest("at")
    return {
        "quarterreport": report,
        "quarterversion": version,
        "quarterdeadline": deadline,
        "quarteralert": alert,
        "quartertransition": transition,
    }


@pytest.fixture
def admin_client(client, people):
    assert people["province_admin"].is_superuser
    client.force_login(people["province_admin"])
    return client


@pytest.mark.parametrize(
    "model_name", ["quarterreport", "quarterversion", "quarterdeadline", "quarteralert", "quartertransition"]
)
def test_stat_1_admin_changelist_and_change_page_open_without_id_numbers(admin_client, submitted, model_name):
    id_numbers = set(Application.objects.values_list("id_number", flat=True))
    assert id_numbers
    for url in (
        reverse(f"admin:stats_{model_name}_changelist"),
        reverse(f"admin:stats_{model_name}_change", args=[submitted[model_name].pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not [n for n in id_numbers if n in page], url
        assert 'name="_save"' not in page  # nothing is saved from here


def test_stat_1_frozen_figures_cannot_be_changed_in_the_admin(admin_client, submitted):
    version = QuarterVersion.objects.get(pk=submitted["quarterversion"].pk)
    frozen = version.figures  # as stored (JSON)
    change = reverse("admin:stats_quarterversion_change", args=[version.pk])
    page = admin_client.get(change).content.decode()
    assert f"{frozen['totals']['applied']}" in page and "本季度鉴定工作平稳。" in page
    response = admin_client.post(
        change, {"figures": '{"totals": {"applied": 0}}', "report_text": "改过", "on_time": "", "number": 9}
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert (version.figures, version.report_text, version.number) == (frozen, "本季度鉴定工作平稳。", 1)
    delete = reverse("admin:stats_quarterversion_delete", args=[version.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert QuarterVersion.objects.filter(pk=version.pk).exists()
    assert admin_client.get(reverse("admin:stats_quarterversion_add")).status_code == 403


def test_stat_1_a_quarters_state_is_not_changed_in_the_admin(admin_client, submitted):
    report = submitted["quarterreport"]
    response = admin_client.post(
        reverse("admin:stats_quarterreport_change", args=[report.pk]),
        {"state": "accepted", "report_text": "改过"},
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.state, report.report_text) == ("submitted", "本季度鉴定工作平稳。")
