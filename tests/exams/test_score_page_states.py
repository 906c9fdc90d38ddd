"""EXAM-6 / EXAM-7: the score sheet offers only what would be accepted. Before the exam day 发布成绩
is shown disabled with the reason and no score form looks editable; a reader who may not save
scores gets no form that looks editable."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from exams import marking


@pytest.fixture
def before_exam(monkeypatch):
    monkeypatch.setattr(marking, "timezone", SimpleNamespace(localdate=lambda: datetime.date(2017, 6, 10)))


def test_exam7_publish_is_disabled_with_the_reason_before_the_exam_day(client, seated_session, demo_user, before_exam):
    client.force_login(demo_user("staff_nongan"))
    body = client.get(reverse("exams:score_sheet", args=[seated_session.pk])).content.decode()
    assert 'data-testid="publish" disabled aria-describedby="publish-why"' in body
    assert "考试尚未举行（考试日期2017-06-17），不能发布成绩。" in body
    assert reverse("exams:score_publish", args=[seated_session.pk]) not in body
    # Nor a grid that looks editable: the reason instead.
    assert 'data-testid="score-grid"' not in body and 'data-testid="save-scores"' not in body
    assert "考试尚未举行（考试日期2017-06-17），不能录入成绩。" in body


def test_exam6_assigned_examiner_gets_the_grid_after_the_exam_day(client, seated_session, examiner):
    client.force_login(examiner)
    body = client.get(reverse("exams:score_sheet", args=[seated_session.pk])).content.decode()
    assert 'data-testid="score-grid"' in body and 'data-testid="marking-blocked"' not in body


def test_exam6_examiner_before_the_exam_day_gets_no_editable_form(client, seated_session, examiner, before_exam):
    client.force_login(examiner)
    body = client.get(reverse("exams:score_sheet", args=[seated_session.pk])).content.decode()
    assert 'data-testid="score-grid"' not in body and 'class="score-input"' not in body
    assert 'data-testid="marking-blocked"' in body


def test_exam6_hr_official_gets_no_score_form_at_all(client, seated_session, demo_user):
    client.force_login(demo_user("hr_official"))
    response = client.get(reverse("exams:score_sheet", args=[seated_session.pk]))
    assert response.status_code == 403 and 'class="score-input"' not in response.content.decode()
