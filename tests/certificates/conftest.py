"""Fixtures for certificates: a published session of 农安县 (printed by 长春) whose candidates passed,
paid, and have both opinions of the 申报表 written."""

import datetime

import pytest
from django.utils import timezone

from exams import services as exam_services
from exams.models import ExamSession, Subject
from registration.models import Application
from tests.exams.conftest import (  # noqa: F401  (fixtures shared with the exams tests)
    exam_day,
    examiner,
    make_applications,
    seated_session,
    session,
    site,
)

PUBLISHED_ON = datetime.date(2017, 7, 3)  # a Monday; 15 working days later is 2017-07-24


def score_and_publish(exam_session, staff, *, values=None, published_on=PUBLISHED_ON):
    """Every seated candidate scores `values` (default: passes both subjects); the session is published
    on `published_on` (moved there after publishing, so the delivery deadline is known)."""
    for application in Application.objects.filter(seat__session=exam_session):
        for subject in (Subject.THEORY, Subject.SKILL):
            value = (values or {}).get((application.pk, subject), 80)
            exam_services.enter_score(application=application, subject=subject, value=value, actor=staff)
    exam_services.publish_session(session=exam_session, actor=staff)
    at = timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(10)))
    ExamSession.objects.filter(pk=exam_session.pk).update(published_at=at)
    exam_session.refresh_from_db()
    return exam_session


def write_opinions(applications, hr_official):
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        center_opinion="同意", center_opinion_date=PUBLISHED_ON, hr_opinion="同意发证",
        hr_opinion_date=PUBLISHED_ON, hr_opinion_by=hr_official)


@pytest.fixture
def published_session(seated_session, demo_user):  # noqa: F811 (the imported fixture)
    """Three candidates of 农安县, all qualified, paid, with both opinions: eligible for certificates."""
    score_and_publish(seated_session, demo_user("staff_nongan"))
    write_opinions(Application.objects.filter(seat__session=seated_session), demo_user("hr_official"))
    return seated_session


@pytest.fixture
def issued(published_session, demo_user):
    """The three certificates of `published_session`, issued by 农安县's clerk."""
    from certificates import services

    result = services.issue_for_session(published_session, actor=demo_user("staff_nongan"))
    assert len(result.issued) == 3 and not result.refused
    return result.issued


def read_qr(image) -> list[str]:
    """The texts of the QR codes in a PIL image (a rendered page, or the code's own PNG of one pixel
    a module, which is enlarged and given its quiet zone first so a reader finds it)."""
    import zxingcpp
    from PIL import Image, ImageOps

    image = image.convert("L")
    if image.width < 200:
        image = ImageOps.expand(image.resize((image.width * 4, image.height * 4), Image.NEAREST), border=16, fill=255)
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def qr_of_data_uri(uri: str) -> list[str]:
    import base64
    import io

    from PIL import Image

    assert uri.startswith("data:image/png;base64,"), uri[:40]
    return read_qr(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
