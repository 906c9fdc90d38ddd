"""EXAM-4: the admission ticket (准考证) as PDF — one A4 page per candidate with real (extractable)
text: ticket number, name, masked ID number, occupation and level, subjects with their times, site,
room, seat and the exam rules; the photo embedded. Downloads are scoped (ORG-8): a candidate gets
only their own, staff only those of sessions in scope (404 otherwise). A whole session prints as one
PDF, in the request or through the idempotent Celery task. Checked with poppler-utils."""

import re
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import Occupation, UnifiedAppraisal
from exams import marking, services, tickets
from exams.models import SeatAssignment
from exams.tasks import render_session_tickets
from registration.models import Material, MaterialKind
from tests.registration.conftest import image_bytes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(content: bytes, tmp_path, name="t.pdf") -> str:
    assert content.startswith(b"%PDF-"), content[:40]
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_info(content: bytes, tmp_path, tool="pdfinfo") -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    args = [tool, "-list", str(path)] if tool == "pdfimages" else [tool, str(path)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pages(content: bytes, tmp_path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", pdf_info(content, tmp_path), re.M).group(1))


@pytest.fixture
def seated(session, make_applications, demo_user):
    """Three candidates seated in the 农安 session; the first has a photo."""
    apps = make_applications(3)
    services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))
    Material.objects.create(
        application=apps[0], kind=MaterialKind.PHOTO, file=ContentFile(image_bytes(), name="photo.jpg"),
        content_type="image/jpeg", size=1000, width=330, height=480, sha256="0" * 64,
        uploaded_by=apps[0].candidate,
    )
    return list(tickets.session_ticket_seats(session))


def test_exam4_ticket_pdf_text_one_page_per_candidate(seated, tmp_path):
    content = tickets.render_tickets(seated)
    assert pages(content, tmp_path) == len(seated) == 3
    text = pdf_text(content, tmp_path)
    assert text.count("职业技能鉴定准考证") == 3
    per_page = text.split("\f")
    for seat, page in zip(seated, per_page, strict=False):
        app = seat.application
        assert seat.ticket_number in page
        assert app.name in page
        assert app.id_number[:6] in page and app.id_number[-4:] in page
        assert app.id_number not in page  # masked: first 6 + last 4 only
        assert "理论知识" in page and "操作技能" in page and "综合评审" not in page  # level 5
        assert "汽车维修工" in page and "五级/初级工" in page
        assert "农安县职业技能鉴定考点" in page and seat.room.name in page and f"{seat.seat_number}号" in page
        assert "2017年6月17日" in page and "09:00" in page and "60分钟" in page
        assert "考场规则" in page and "提前30分钟" in page and "身份证" in page and "手机" in page
    # The photo of the first candidate is embedded (one image in the whole document).
    images = pdf_info(content, tmp_path, "pdfimages").strip().splitlines()[2:]
    assert len(images) == 1


def test_exam8_subject_passed_last_year_printed_as_exempt(seated, monkeypatch, tmp_path):
    seat = seated[0]
    monkeypatch.setattr(marking, "retained_passes_by_candidate",
                        lambda ids, *args: {seat.application.candidate_id: {"theory"}})
    text = pdf_text(tickets.render_tickets([seat]), tmp_path)
    assert "免考" in text and "操作技能" in text


def test_exam4_batch_render_queries_do_not_grow_with_seats(session, make_applications, demo_user):
    make_applications(5)
    services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))

    def count(n):
        with CaptureQueriesContext(connection) as queries:
            tickets.render_tickets(list(tickets.session_ticket_seats(session)[:n]))
        return len(queries)

    assert count(5) == count(1)


def test_exam4_candidate_downloads_own_ticket_not_anothers(client, seated, tmp_path):
    mine, other = seated[0], seated[1]
    client.force_login(mine.application.candidate)
    response = client.get(reverse("exams:ticket_pdf", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert mine.ticket_number in pdf_text(content, tmp_path) and pages(content, tmp_path) == 1
    assert client.get(reverse("exams:ticket_pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("exams:ticket_pdf", args=[999999])).status_code == 404
    # A candidate never gets a whole session's tickets.
    assert client.get(reverse("exams:session_tickets_pdf", args=[mine.session_id])).status_code == 403


def test_org8_ticket_scoped_to_staff_of_the_session(client, seated, demo_user):
    seat = seated[0]
    url = reverse("exams:ticket_pdf", args=[seat.pk])
    client.force_login(demo_user("staff_gongzhuling"))  # a county clerk of another county
    assert client.get(url).status_code == 404
    assert client.get(reverse("exams:session_tickets_pdf", args=[seat.session_id])).status_code == 404
    client.force_login(demo_user("staff_nongan"))
    assert client.get(url).status_code == 200
    client.force_login(demo_user("staff_changchun"))  # the city above 农安
    assert client.get(url).status_code == 200


def test_exam4_session_tickets_as_one_pdf(client, seated, demo_user, tmp_path):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(reverse("exams:session_tickets_pdf", args=[seated[0].session_id]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert pages(content, tmp_path) == 3
    text = pdf_text(content, tmp_path)
    assert all(seat.ticket_number in text for seat in seated)


def test_exam4_session_without_seats_has_no_tickets(client, session, demo_user):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(reverse("exams:session_tickets_pdf", args=[session.pk]), follow=True)
    assert "尚未编排考位" in response.content.decode()
    assert services.store_session_tickets(session.pk) == ""


def test_exam4_large_session_goes_through_the_task(client, seated, demo_user, monkeypatch, tmp_path,
                                                   django_capture_on_commit_callbacks):
    from exams.views import papers as views_papers

    session_id = seated[0].session_id
    monkeypatch.setattr(views_papers, "SYNC_TICKET_LIMIT", 2)
    client.force_login(demo_user("staff_nongan"))
    page = client.get(reverse("exams:session_tickets_pdf", args=[session_id]), follow=True).content.decode()
    assert "后台生成" in page
    assert client.get(reverse("exams:session_tickets_stored", args=[session_id])).status_code == 404
    # Queued through the outbox; its relay after the commit runs the task (eager here).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exams:session_tickets_render", args=[session_id]), follow=True)
    assert "已提交后台生成" in response.content.decode()
    response = client.get(reverse("exams:session_tickets_stored", args=[session_id]))
    assert response.status_code == 200
    assert pages(b"".join(response.streaming_content), tmp_path) == 3
    # Another county cannot fetch the stored file nor queue the task.
    client.force_login(demo_user("staff_gongzhuling"))
    assert client.get(reverse("exams:session_tickets_stored", args=[session_id])).status_code == 404
    assert client.post(reverse("exams:session_tickets_render", args=[session_id])).status_code == 404


def test_exam4_render_task_is_idempotent(seated, tmp_path, media):
    session_id = seated[0].session_id
    first = render_session_tickets(session_id)
    second = render_session_tickets(session_id)
    assert first == second == f"tickets/session-{session_id}.pdf"
    assert sorted(p.name for p in (media / "tickets").iterdir()) == [f"session-{session_id}.pdf"]
    with default_storage.open(first, "rb") as handle:
        assert pages(handle.read(), tmp_path) == 3
    assert render_session_tickets(999999) == ""


def test_exam3_level2_ticket_prints_the_review_subject(centers, demo_user, tmp_path):
    """Level 2 sessions print the comprehensive review as a third subject."""
    province = demo_user("province_admin")
    site = services.create_site(actor=province, center=centers["province"], name="省考点", address="长春市人民大街1号")
    services.add_room(actor=province, site=site, name="一号考场", capacity=5)
    session = services.schedule_session(
        actor=province, center=centers["province"], site=site, occupation=Occupation.objects.get(name="汽车维修工"),
        level=2, target=UnifiedAppraisal.objects.get(year=2017, half=1), allow_past=True,
    )
    seat = SeatAssignment(session=session, room=site.rooms.get(), seat_number=1, ticket_number="TEST0001",
                          application=None)
    seat.application = _unsaved_application(session)
    text = pdf_text(tickets.render_tickets([seat], photos={}), tmp_path)
    assert "综合评审" in text and "TEST0001" in text and "长春市人民大街1号" in text


def _unsaved_application(session):
    from registration.models import Application

    return Application(pk=None, candidate_id=None, name="李四", id_number="220122199003150019", level=session.level,
                       occupation=session.occupation)
