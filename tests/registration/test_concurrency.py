"""Concurrent requests on PostgreSQL (REG-5): two tabs submitting at once, two creates racing for
the same slot. Row locks and partial unique constraints decide; exactly one wins."""

import pytest
from django.core.exceptions import ValidationError

from appraisal.demo import load_demo
from appraisal.models import Occupation, User
from registration import services
from registration.models import Application, Status
from tests.support.concurrency import at_once

pytestmark = pytest.mark.postgres


def race(worker, n=2):
    """Run `worker` in n threads released together; each outcome is ("ok", result) or ("error", exc)."""

    def outcome():
        try:
            return "ok", worker()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            return "error", exc

    return at_once(outcome, n)


@pytest.fixture
def live_demo(transactional_db, on_postgres, open_day):
    load_demo(years=(2017,))
    return open_day


def _centers():
    from appraisal.models import Center

    return Center.objects.get(division_code="220122")


def test_reg5_two_tabs_submitting_at_once_submit_once(live_demo, form_data):
    from tests.registration.conftest import good_file

    candidate = User.objects.get(username="candidate")
    day = live_demo(_centers())
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=Occupation.objects.get(name="汽车维修工"), level=5,
        target=day, **form_data,
    )
    for kind in services.required_materials(application):
        services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)

    outcomes = race(lambda: services.submit_application(Application.objects.get(pk=application.pk), actor=candidate))

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError) and "不能提交" in error.messages[0]
    assert application.transitions.filter(to_status=Status.SUBMITTED).count() == 1


def test_reg5_two_creates_for_the_same_slot_make_one_application(live_demo, form_data):
    candidate = User.objects.get(username="candidate")
    day = live_demo(_centers())
    occupation = Occupation.objects.get(name="汽车维修工")

    outcomes = race(lambda: services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation, level=5, target=day, **form_data
    ))

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert "不能重复申报" in error.messages[0]
    assert Application.objects.filter(candidate=candidate, scheduled_day=day).count() == 1
