"""REG-3 with CAL-5 and OTH-1: a center enters a retake for a candidate (with the original
appraisal the candidate failed), and a dual-certificate student's cancelled occupation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appraisal.models import RetakeDay
from registration import services
from registration.models import Application
from registration.views.entry import entry_url
from tests.registration.conftest import ensure_calendar_known


@pytest.fixture
def open_retake_day(db):
    """This year's unified retake day 45 days ahead, for those who failed in 2016."""
    day = timezone.localdate() + datetime.timedelta(days=45)
    retake, _created = RetakeDay.objects.update_or_create(
        year=day.year, kind="unified", defaults={"day": day, "failed_in_year": 2016}
    )
    ensure_calendar_known(day.year)
    ensure_calendar_known(timezone.localdate().year)
    return retake


def test_cal5_the_province_enters_a_retake_for_a_candidate(candidate, occupation, demo_user, form_data):
    admin = demo_user("province_admin")
    retake_day = RetakeDay.objects.get(year=2017, kind="unified")
    options = services.staff_entry_options(admin, candidate, occupation("物流师"), 4, retake=True,
                                           today=datetime.date(2017, 4, 1))
    assert [target for target, _center, _window in options] == [retake_day]
    application = services.create_application(
        candidate=candidate, actor=admin, occupation=occupation("物流师"), level=4, target=retake_day,
        today=datetime.date(2017, 4, 1), retake_original_year=2016, retake_original_ticket="1622010100123",
        **form_data,
    )
    assert application.is_retake and application.entered_by == admin
    with pytest.raises(ValidationError, match="未被取消"):
        services.staff_entry_options(admin, candidate, occupation("汽车维修工"), 5, retake=True,
                                     today=datetime.date(2017, 4, 1))


def test_cal5_the_entry_page_offers_the_retake_and_asks_for_the_original_appraisal(client, candidate, occupation,
                                                                                   demo_user, open_retake_day):
    admin = demo_user("province_admin")
    client.force_login(admin)
    url = entry_url(admin, candidate)
    step_one = client.get(url).content.decode()
    assert "补考" in step_one and "物流师" in step_one  # cancelled by the State Council: offered for a retake
    query = {"occupation": occupation("物流师").pk, "level": 4, "retake": "on"}
    page = client.get(url, query).content.decode()
    assert 'name="retake_original_year"' in page and 'name="retake_original_ticket"' in page
    assert 'name="retake" value="on"' in page
    data = {
        **query, "t": url.split("t=")[1], "target": f"RetakeDay:{open_retake_day.pk}", "name": candidate.full_name,
        "gender": "M", "birth_month": "1990-03", "education": "senior", "id_number": candidate.id_number,
        "phone": "13800000000", "years_in_occupation": 4, "work_history": "2012年至今从事物流工作。",
        "retake_original_year": 2015, "retake_original_ticket": "1522010100123",
    }
    response = client.post(reverse("registration:enter_application", args=[candidate.pk]), data)
    assert response.status_code == 200 and "补考仅限2016年" in response.content.decode()
    assert not Application.objects.filter(candidate=candidate, is_retake=True).exists()
    data["retake_original_year"] = 2016
    response = client.post(reverse("registration:enter_application", args=[candidate.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(candidate=candidate, is_retake=True)
    assert application.retake_day == open_retake_day and application.retake_original_ticket == "1522010100123"
