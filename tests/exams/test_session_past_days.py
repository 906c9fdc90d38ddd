"""EXAM-1: a session on a past appraisal day is refused by the exams service, one rule with one Chinese
message for the page and the API, unless the request asks for past days explicitly (the form's
显示已过的鉴定日, the API's ``past``): that records a session already held, as the demo's 2017 days."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Occupation, ScheduledAppraisalDay
from exams import services
from exams.models import ExamSession

pytestmark = pytest.mark.django_db

API = "/api/exams/sessions/"
MESSAGE = "该鉴定批次的鉴定日已过（2017-06-17）。确需为已过的鉴定日安排场次（补录已举行的鉴定），请先选择“显示已过的鉴定日”（接口请求：past=true）。"


def _api_data(centers, site, target, **extra):
    return {
        "center": centers["nongan"].pk,
        "site": site.pk,
        "occupation": Occupation.objects.get(name="汽车维修工").pk,
        "level": 5,
        "scheduled_day": target.pk,
        **extra,
    }


def _post_api(client, data):
    return client.post(API, json.dumps(data), content_type="application/json")


def test_exam1_api_refuses_a_past_day_with_the_forms_message(logged_in_client, centers, site, exam_day):
    client = logged_in_client("staff_nongan")
    for extra in ({}, {"past": False}):
        response = _post_api(client, _api_data(centers, site, exam_day, **extra))
        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
    assert not ExamSession.objects.exists()
    form_response = client.post(
        reverse("exams:session_create"),
        {
            "site": site.pk,
            "occupation": Occupation.objects.get(name="汽车维修工").pk,
            "level": 5,
            "appraisal": f"day:{exam_day.pk}",
            "day": "",
            "start": "09:00",
            "pass_mark": "60",
        },
    )
    assert form_response.status_code == 400 and MESSAGE in form_response.content.decode()
    assert not ExamSession.objects.exists()


def test_exam1_api_takes_a_past_day_when_asked_explicitly(logged_in_client, centers, site, exam_day):
    response = _post_api(logged_in_client("staff_nongan"), _api_data(centers, site, exam_day, past=True))
    assert response.status_code == 201, response.content.decode()
    assert ExamSession.objects.get().day == datetime.date(2017, 6, 17)


def test_exam1_api_takes_an_upcoming_day_without_asking(logged_in_client, centers, site):
    day = ScheduledAppraisalDay.objects.create(
        center=centers["nongan"], day=timezone.localdate() + datetime.timedelta(days=3)
    )
    response = _post_api(logged_in_client("staff_nongan"), _api_data(centers, site, day))
    assert response.status_code == 201, response.content.decode()


def test_exam1_service_refuses_by_default_so_no_caller_forgets(centers, site, exam_day, demo_user):
    with pytest.raises(ValidationError) as refused:
        services.schedule_session(
            actor=demo_user("staff_nongan"),
            center=centers["nongan"],
            site=site,
            occupation=Occupation.objects.get(name="汽车维修工"),
            level=5,
            target=exam_day,
        )
    assert refused.value.messages == [MESSAGE]
    assert not ExamSession.objects.exists()
