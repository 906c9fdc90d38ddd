"""More than one web node: with DJANGO_STORAGE=s3 the uploads, the 申报表 and the admission tickets
live in an S3-compatible object store (here moto's server on 127.0.0.1), nothing on the node's
disk, and every download streams from the store through the permission-checked views."""

import socket

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exams import services as exam_services
from registration import services as registration_services
from registration.models import Application, MaterialKind, Status
from registration.services import forms_pdf
from tests.registration.conftest import image_bytes

BUCKET = "appraisal-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def object_store(settings, tmp_path):
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=endpoint, **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, "access_key": "test", "secret_key": "test",
                    "region_name": "us-east-1", "default_acl": "private", "file_overwrite": False},
    }}
    yield client
    server.stop()
    assert not settings.MEDIA_ROOT.exists()  # nothing was written to the node's disk


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_reg2_exam4_uploads_forms_and_tickets_live_in_the_object_store(
    object_store, session, make_applications, demo_user, client
):
    application = make_applications(1)[0]
    staff = demo_user("staff_nongan")
    assert type(storages["default"]).__name__ == "S3Storage"

    # The center captures the photo while the application is still a draft (then it is approved).
    Application.objects.filter(pk=application.pk).update(status=Status.DRAFT)
    photo = SimpleUploadedFile("photo.jpg", image_bytes(), content_type="image/jpeg")
    material = registration_services.attach_material(
        Application.objects.get(pk=application.pk), kind=MaterialKind.PHOTO, uploaded=photo, actor=staff
    )
    Application.objects.filter(pk=application.pk).update(status=Status.APPROVED)
    assert material.file.name in keys(object_store)

    form_name = forms_pdf.store_application_pdf(application.pk)
    assert form_name in keys(object_store)
    assert Application.objects.get(pk=application.pk).form_pdf.name == form_name

    exam_services.assign_seats_automatically(session=session, actor=staff)
    tickets_name = exam_services.store_session_tickets(session.pk)
    assert tickets_name in keys(object_store)

    # Downloads stream from the store, after the usual permission checks.
    client.force_login(staff)
    photo_response = client.get(reverse("registration:material_file", args=[material.pk]))
    assert photo_response.status_code == 200
    assert b"".join(photo_response.streaming_content)[:2] == b"\xff\xd8"
    form_response = client.get(reverse("registration:application_pdf", args=[application.pk]))
    assert form_response.status_code == 200 and b"".join(form_response.streaming_content).startswith(b"%PDF-")
    tickets_response = client.get(reverse("exams:session_tickets_stored", args=[session.pk]))
    assert tickets_response.status_code == 200 and b"".join(tickets_response.streaming_content).startswith(b"%PDF-")
    client.force_login(demo_user("staff_gongzhuling"))  # another county: the stored files do not exist for it
    assert client.get(reverse("registration:material_file", args=[material.pk])).status_code == 404
