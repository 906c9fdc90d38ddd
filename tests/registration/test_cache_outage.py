"""The site works without its cache: with Redis unreachable, login, the calendar, applying,
editing, submitting and reviewing all answer as usual (reads fall back to the database), and
nothing answers 500 after committing a change."""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from appraisal.demo import DEMO_PASSWORD
from config.settings import redis_cache
from registration.models import Application, Status
from tests.registration.conftest import good_file
from tests.registration.test_api import BASE, payload

# Nothing listens on port 1; the connection is refused at once, as when Redis is down.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings, caplog):
    settings.CACHES = {"default": redis_cache(DEAD_REDIS)}
    caplog.set_level(logging.ERROR, logger="appraisal.cache")
    yield caplog


def test_the_cache_is_really_unreachable(redis_down):
    assert cache.get("anything", "fallback") == "fallback"
    cache.set("key", "value")  # dropped, not raised
    records = [record for record in redis_down.records if record.name == "appraisal.cache"]
    assert records, "a failed cache call is logged"


def test_cal3_login_home_and_calendar_work_without_redis(redis_down, client, db):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "staff_nongan", "password": DEMO_PASSWORD}, follow=True)
    assert response.status_code == 200 and response.context["user"].username == "staff_nongan"
    # The working-day overrides come from the database when the cache does not answer.
    calendar = client.get(reverse("calendar"), {"appraisal_day": "2017-10-14", "extension_days": "0"})
    assert calendar.status_code == 200 and calendar.context["deadline"] == datetime.date(2017, 9, 26)


def test_reg1_apply_edit_submit_and_review_work_without_redis(
    redis_down, api, candidate, centers, open_day, occupation, form_data, demo_user
):
    client = api(candidate)
    day = open_day(centers["nongan"])
    response = client.post(BASE, payload(day, occupation("汽车维修工").pk, form_data), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.patch(f"{BASE}{pk}/", {"current_occupation": "汽车维修"}, format="json")
    assert response.status_code == 200, response.content
    assert Application.objects.get(pk=pk).current_occupation == "汽车维修"
    for kind in response.json()["required_materials"]:
        assert client.post(f"{BASE}{pk}/materials/", {"kind": kind, "file": good_file(kind)},
                           format="multipart").status_code == 201
    response = client.post(f"{BASE}{pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.SUBMITTED
    clerk = api(demo_user("staff_nongan"))
    response = clerk.post(f"{BASE}{pk}/approve/")
    assert response.status_code == 200, response.content
    assert Application.objects.get(pk=pk).status == Status.APPROVED
