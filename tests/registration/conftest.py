"""Fixtures for registration: files that pass (and fail) the content checks, an appraisal day
whose registration is open whatever today's date, and applications in each state."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import ScheduledAppraisalDay, WorkdayOverride
from appraisal.workdays import library_knows
from registration import services
from registration.models import MaterialKind


def image_bytes(width=330, height=480, fmt="JPEG", color=(200, 220, 240)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes():
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def good_file(kind):
    if kind == MaterialKind.PHOTO:
        return upload("photo.jpg", image_bytes(), "image/jpeg")
    return upload(f"{kind}.pdf", pdf_bytes(), "application/pdf")


def ensure_calendar_known(year):
    """Years chinese-calendar does not know count as maintained once they have one override."""
    if not library_knows(year):
        WorkdayOverride.objects.get_or_create(
            day=datetime.date(year, 1, 1), defaults={"is_working_day": False, "name": "元旦（测试维护）"}
        )


def open_registration_date(days_ahead=45) -> datetime.date:
    """A date far enough ahead that registration for an appraisal on it is open today, with the
    calendars of this year and its year known."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    for year in {timezone.localdate().year, day.year}:
        ensure_calendar_known(year)
    return day


@pytest.fixture
def open_day(db):
    """A scheduled appraisal day of `center` far enough ahead that registration is open today."""

    def make(center, days_ahead=45, extension_days=0):
        day = open_registration_date(days_ahead)
        scheduled, _created = ScheduledAppraisalDay.objects.get_or_create(
            center=center, day=day, defaults={"registration_extension_days": extension_days}
        )
        return scheduled

    return make


@pytest.fixture
def candidate(demo_user):
    return demo_user("candidate")


@pytest.fixture
def form_data():
    """The REG-1 fields for the demo candidate (ID 220122199003150019: born 1990-03, male)."""
    return {
        "name": DEMO_CANDIDATE["full_name"],
        "gender": "M",
        "birth_month": datetime.date(1990, 3, 1),
        "education": "senior",
        "id_number": DEMO_CANDIDATE["id_number"],
        "employer_name": DEMO_CANDIDATE["employer_name"],
        "current_occupation": "汽车修理",
        "phone": DEMO_CANDIDATE["phone"],
        "years_in_occupation": 4,
        "work_history": "2012年至今在农安县某汽车维修有限公司从事汽车维修工作。",
    }


@pytest.fixture
def draft(candidate, centers, occupation, open_day, form_data):
    """A draft for 汽车维修工 level 5 (初级工) at 农安县 on an open scheduled day."""
    day = open_day(centers["nongan"])
    return services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5, target=day, **form_data
    )


@pytest.fixture
def complete_draft(draft, candidate):
    for kind in services.required_materials(draft):
        services.attach_material(draft, kind=kind, uploaded=good_file(kind), actor=candidate)
    return draft


@pytest.fixture
def submitted(complete_draft, candidate):
    return services.submit_application(complete_draft, actor=candidate)


@pytest.fixture
def api():
    """An API client logged in as `user` (DRF force_authenticate)."""

    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


@pytest.fixture
def tmp_media(settings, tmp_path):
    """Uploads and PDFs go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
