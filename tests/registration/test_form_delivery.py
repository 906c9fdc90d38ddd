"""REG-1: the 申报表 PDF follows every submission, whatever the broker does. The request to print
it is an outbox row of the submission's own transaction: with the broker down the submit answers
200 and the form is printed, with the new content, once the broker is back; a duplicated or
concurrent delivery prints it once; a form whose message was lost after leaving the outbox is
found by its content fingerprint and printed again."""

import pytest
from celery import current_app
from kombu.exceptions import OperationalError

from appraisal import outbox
from appraisal.demo import load_demo
from appraisal.models import OutboxMessage
from registration import pdf, services
from registration.models import Application
from registration.services import forms_pdf
from registration.tasks import reconcile_application_forms, render_application_form
from tests.registration.conftest import good_file
from tests.registration.test_api import BASE, payload
from tests.support.concurrency import at_once

RENDER = "registration.render_application_form"


@pytest.fixture
def demo_data(transactional_db, settings, tmp_path):
    """Transactional (so commits and their on_commit work happen): the demo data loaded afresh."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(years=(2017,))


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDFs actually rendered."""
    calls = []
    real = pdf.render_application_pdf

    def counting(application, **kwargs):
        calls.append(application.pk)
        return real(application, **kwargs)

    monkeypatch.setattr(pdf, "render_application_pdf", counting)
    return calls


def refuse(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker_down():
    """The broker refuses connections until `.undo()` (a patch of its own, so undoing it leaves the
    test's other patches in place)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(current_app.tasks[RENDER], "apply_async", refuse)
    yield patch
    patch.undo()


def stored_text(application_id) -> bytes:
    application = Application.objects.get(pk=application_id)
    with application.form_pdf.open("rb") as handle:
        return handle.read()


def submit_through_api(api, candidate, day, occupation, form_data):
    client = api(candidate)
    pk = client.post(BASE, payload(day, occupation.pk, form_data), format="json").json()["id"]
    for kind in services.required_materials(Application.objects.get(pk=pk)):
        assert client.post(f"{BASE}{pk}/materials/", {"kind": kind, "file": good_file(kind)},
                           format="multipart").status_code == 201
    return client, pk


def test_reg1_broker_down_submit_answers_200_and_the_form_follows_with_the_new_content(
    demo_data, broker_down, renders, api, demo_user, centers, open_day, occupation, form_data
):
    candidate = demo_user("candidate")
    client, pk = submit_through_api(api, candidate, open_day(centers["nongan"]), occupation("汽车维修工"), form_data)
    # First submission, broker up: printed at once.
    broker_down.undo()
    assert client.post(f"{BASE}{pk}/submit/").status_code == 200
    first = Application.objects.get(pk=pk).form_pdf.name
    assert first and renders == [pk]
    # Returned, corrected, resubmitted while the broker is down: the submit still answers 200.
    services.return_application(Application.objects.get(pk=pk), actor=demo_user("staff_nongan"), reason="工作简历不完整")
    assert client.patch(f"{BASE}{pk}/", {"work_history": "2012年至今从事汽车维修，另有补充说明。"},
                        format="json").status_code == 200
    broker_down.setattr(current_app.tasks[RENDER], "apply_async", refuse)
    assert client.post(f"{BASE}{pk}/submit/").status_code == 200
    pending = OutboxMessage.objects.get(task=RENDER, sent_at__isnull=True)
    assert pending.args == [pk] and "Connection refused" in pending.last_error
    assert Application.objects.get(pk=pk).form_pdf.name == first  # still the old form, for now
    # The broker is back: the beat relay sends it and the form shows the new text.
    broker_down.undo()
    assert outbox.relay() == 1
    application = Application.objects.get(pk=pk)
    assert application.form_pdf.name != first
    assert application.form_pdf.name == pdf.pdf_name(application, pdf.photo_of(application))
    assert renders == [pk, pk]


def test_reg1_a_duplicated_delivery_prints_the_form_once(demo_data, renders, demo_user, centers, open_day,
                                                         occupation, form_data):
    candidate = demo_user("candidate")
    application = services.create_application(candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"),
                                              level=5, target=open_day(centers["nongan"]), **form_data)
    for kind in services.required_materials(application):
        services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)
    services.submit_application(application, actor=candidate)  # prints it (eager, after the commit)
    assert renders == [application.pk]
    name = Application.objects.get(pk=application.pk).form_pdf.name
    assert render_application_form.delay(application.pk).get() == name  # a redelivery
    assert render_application_form.delay(application.pk).get() == name
    assert renders == [application.pk]


@pytest.mark.postgres
def test_reg1_two_workers_delivering_at_once_print_once(on_postgres, demo_data, renders, demo_user, centers,
                                                        open_day, occupation, form_data):
    candidate = demo_user("candidate")
    application = services.create_application(candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"),
                                              level=5, target=open_day(centers["nongan"]), **form_data)
    names = at_once(lambda: forms_pdf.store_application_pdf(application.pk, only_if_outdated=True))
    assert len(set(names)) == 1 and renders == [application.pk]


def test_reg1_a_form_whose_message_was_lost_is_found_by_its_fingerprint(
    demo_data, renders, demo_user, centers, open_day, occupation, form_data
):
    candidate = demo_user("candidate")
    application = services.create_application(candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"),
                                              level=5, target=open_day(centers["nongan"]), **form_data)
    for kind in services.required_materials(application):
        services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)
    services.submit_application(application, actor=candidate)
    assert reconcile_application_forms() == 0  # printed and current: nothing to do
    # The content changes and the message asking to print it is lost (a Redis restart without
    # persistence after the relay sent it): a stored file exists, but for the old content.
    Application.objects.filter(pk=application.pk).update(phone="13900000000")
    assert forms_pdf.applications_with_outdated_form() == [application.pk]
    assert reconcile_application_forms() == 1  # back into the outbox, relayed, printed (eager)
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.form_pdf.name == pdf.pdf_name(fresh, pdf.photo_of(fresh))
    assert forms_pdf.applications_with_outdated_form() == []
    assert stored_text(application.pk)[:5] == b"%PDF-"
