"""EXAM-1: creating a session lists the appraisal days today or later first, by date; past days only
when the clerk asks (?past=1), and a past day posted without asking is refused with the service's
Chinese message (the API's too: test_session_past_days.py).
The list stays scoped to the clerk's center (ORG-8)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Occupation, ScheduledAppraisalDay
from exams.models import ExamSession

pytestmark = pytest.mark.django_db

URL = "exams:session_create"
PAST_MESSAGE = "该鉴定批次的鉴定日已过"


def _days(page):
    """(value, label) of the scheduled-day options, in page order."""
    return re.findall(r'<option value="(day:\d+)"[^>]*>([^<]*)</option>', page)


def _post(site, target, **extra):
    return {"site": site.pk, "occupation": Occupation.objects.get(name="汽车维修工").pk, "level": 5,
            "appraisal": f"day:{target.pk}", "day": "", "start": "09:00", "pass_mark": "60", **extra}


@pytest.fixture
def nongan_days(centers):
    today = timezone.localdate()
    make = lambda offset: ScheduledAppraisalDay.objects.create(  # noqa: E731
        center=centers["nongan"], day=today + datetime.timedelta(days=offset))
    return {"later": make(30), "soon": make(3), "today": make(0), "past": make(-5)}


def test_exam1_upcoming_days_first_by_date_past_hidden(logged_in_client, nongan_days, exam_day):
    page = logged_in_client("staff_nongan").get(reverse(URL)).content.decode()
    days = _days(page)
    values = [v for v, _label in days]
    today = timezone.localdate()
    dates = [datetime.date.fromisoformat(label[:10]) for _v, label in days]
    assert dates == sorted(dates) and all(d >= today for d in dates)
    mine = [f"day:{nongan_days[k].pk}" for k in ("today", "soon", "later")]
    assert [v for v in values if v in mine] == mine
    assert f"day:{nongan_days['past'].pk}" not in values and f"day:{exam_day.pk}" not in values
    assert "显示已过的鉴定日" in page and "?past=1" in page


def test_exam1_past_days_shown_when_asked_after_the_upcoming_ones(logged_in_client, nongan_days, exam_day):
    page = logged_in_client("staff_nongan").get(reverse(URL) + "?past=1").content.decode()
    values = [v for v, _label in _days(page)]
    order = [f"day:{nongan_days[k].pk}" for k in ("today", "soon", "later", "past")] + [f"day:{exam_day.pk}"]
    assert [v for v in values if v in order] == order  # upcoming by date, then past, most recent first
    labels = dict(_days(page))
    assert labels[f"day:{exam_day.pk}"] == "2017-06-17 定期鉴定日（已过）"
    assert "已过" not in labels[f"day:{nongan_days['today'].pk}"]
    assert "只显示今天及以后的鉴定日" in page
    assert 'name="past" value="True"' in page  # the post carries the request


def test_exam1_past_day_posted_without_asking_is_refused(logged_in_client, site, exam_day):
    client = logged_in_client("staff_nongan")
    for past in (None, "", "False"):
        data = _post(site, exam_day) if past is None else _post(site, exam_day, past=past)
        response = client.post(reverse(URL), data)
        assert response.status_code == 400
        assert PAST_MESSAGE in response.content.decode() and "显示已过的鉴定日" in response.content.decode()
    assert not ExamSession.objects.exists()
    response = client.post(reverse(URL) + "?past=1", _post(site, exam_day, past="True"))
    assert response.status_code == 302
    assert ExamSession.objects.get().scheduled_day == exam_day


def test_exam1_upcoming_day_needs_no_asking(logged_in_client, site, nongan_days):
    response = logged_in_client("staff_nongan").post(reverse(URL), _post(site, nongan_days["soon"]))
    assert response.status_code == 302
    assert ExamSession.objects.get().day == nongan_days["soon"].day


def test_org8_choices_stay_scoped_past_or_not(logged_in_client, site, centers):
    other = ScheduledAppraisalDay.objects.create(
        center=centers["changchun"], day=timezone.localdate() + datetime.timedelta(days=4))
    client = logged_in_client("staff_nongan")
    for query in ("", "?past=1"):
        assert f"day:{other.pk}" not in [v for v, _label in _days(client.get(reverse(URL) + query).content.decode())]
    response = client.post(reverse(URL), _post(site, other))
    assert response.status_code == 400 and PAST_MESSAGE not in response.content.decode()
    assert "选择一个有效的选项" in response.content.decode()
    assert not ExamSession.objects.exists()
