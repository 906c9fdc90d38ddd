"""The registration API covers the page flows (REG-1..REG-6), with structured Chinese errors."""

import datetime
from decimal import Decimal

from registration import services
from registration.models import FeeSchedule, Status
from tests.registration.conftest import good_file, image_bytes, pdf_bytes, upload

BASE = "/api/registration/applications/"


def payload(day, occupation_id, form_data, **extra):
    data = {**form_data, "birth_month": "1990-03-01", "occupation": occupation_id, "level": 5,
            "scheduled_day": day.pk}
    data.update(extra)
    return data


def test_reg1_candidate_applies_uploads_and_submits_through_the_api(api, candidate, centers, open_day,
                                                                       occupation, form_data):
    client = api(candidate)
    day = open_day(centers["nongan"])
    response = client.post(BASE, payload(day, occupation("汽车维修工").pk, form_data), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == Status.DRAFT and body["center_name"] == "农安县职业技能鉴定中心"
    assert body["id_number"] == form_data["id_number"]  # the candidate sees their own number
    pk = body["id"]
    for kind in body["required_materials"]:
        response = client.post(f"{BASE}{pk}/materials/", {"kind": kind, "file": good_file(kind)}, format="multipart")
        assert response.status_code == 201, response.json()
    response = client.post(f"{BASE}{pk}/submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.SUBMITTED


def test_reg5_api_errors_are_structured_and_chinese(api, candidate, centers, open_day, occupation, form_data):
    client = api(candidate)
    day = open_day(centers["nongan"])
    response = client.post(BASE, payload(day, occupation("汽车维修工").pk, form_data, birth_month="1985-01-01"),
                           format="json")
    assert response.status_code == 400
    assert "不一致" in response.json()["birth_month"][0]
    response = client.post(BASE, payload(day, occupation("汽车维修工").pk, form_data, id_number="220122199003150012"),
                           format="json")
    assert response.status_code == 400
    assert "校验位" in str(response.json())


def test_reg2_renamed_pdf_as_photo_refused_by_api(api, draft, candidate):
    response = api(candidate).post(
        f"{BASE}{draft.pk}/materials/", {"kind": "photo", "file": upload("photo.jpg", pdf_bytes(), "image/jpeg")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "实际是PDF" in str(response.json())
    assert draft.materials.count() == 0


def test_reg2_photo_with_wrong_aspect_refused(api, draft, candidate):
    response = api(candidate).post(
        f"{BASE}{draft.pk}/materials/",
        {"kind": "photo", "file": upload("wide.jpg", image_bytes(640, 480), "image/jpeg")}, format="multipart",
    )
    assert response.status_code == 400
    assert "小二寸" in str(response.json())


def test_org8_candidate_cannot_open_another_candidates_application(api, draft, db):
    other = services.register_candidate(
        full_name="李四", id_number="11010519491231002X", phone="13900000001", password="Another-pass-2017",
        region=draft.center,
    )
    client = api(other)
    assert client.get(f"{BASE}{draft.pk}/").status_code == 404
    assert client.post(f"{BASE}{draft.pk}/submit/").status_code == 404
    assert client.get(BASE).json()["count"] == 0


def test_org8_county_clerk_cannot_see_another_countys_application(api, submitted, demo_user):
    client = api(demo_user("staff_gongzhuling"))
    assert client.get(f"{BASE}{submitted.pk}/").status_code == 404
    assert client.post(f"{BASE}{submitted.pk}/approve/").status_code == 404


def test_reg5_staff_reviews_through_the_api_and_lists_mask_ids(api, submitted, demo_user):
    client = api(demo_user("staff_nongan"))
    listing = client.get(BASE, {"status": "submitted"}).json()
    assert listing["count"] == 1
    assert listing["results"][0]["id_number"] == "220122********0019"
    response = client.post(f"{BASE}{submitted.pk}/reject/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "原因" in str(response.json())
    response = client.post(f"{BASE}{submitted.pk}/return/", {"reason": "学历证书不清晰"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.RETURNED
    assert body["transitions"][-1]["reason"] == "学历证书不清晰"
    assert body["id_number"] == "220122199003150019"  # the detail shows it to the reviewing clerk


def test_fee1_payment_recorded_by_staff_only(api, submitted, demo_user, candidate, occupation):
    assert api(candidate).post(f"{BASE}{submitted.pk}/payment/", {"paid": True}, format="json").status_code == 403
    clerk = api(demo_user("staff_nongan"))
    response = clerk.post(f"{BASE}{submitted.pk}/payment/", {"paid": True}, format="json")
    assert response.status_code == 400 and "尚未设置收费标准" in str(response.json())
    FeeSchedule.objects.create(occupation=occupation("汽车维修工"), level=5, amount=Decimal("120.00"),
                               effective_from=datetime.date(2001, 1, 1))
    response = clerk.post(f"{BASE}{submitted.pk}/payment/", {"paid": True}, format="json")
    assert response.status_code == 200 and response.json()["fee_paid"] is True
    assert response.json()["fee_due"] == "120.00"


def test_reg3_staff_enters_application_on_behalf(api, demo_user, candidate, centers, open_day, occupation, form_data):
    day = open_day(centers["nongan"])
    client = api(demo_user("staff_nongan"))
    response = client.post(BASE, payload(day, occupation("汽车维修工").pk, form_data), format="json")
    assert response.status_code == 400 and "指定考生" in str(response.json())
    response = client.post(BASE, payload(day, occupation("汽车维修工").pk, form_data, candidate=candidate.pk),
                           format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["transitions"][0]["reason"] == "由鉴定机构代为录入"


def test_openapi_schema_lists_registration_endpoints(client, db):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/registration/applications/", "/api/registration/applications/{id}/submit/",
                 "/api/registration/applications/{id}/materials/", "/api/registration/applications/{id}/return/"):
        assert path in schema


def test_reg1_submit_reads_and_writes_only_what_it_must(api, complete_draft, candidate):
    """The busiest write of the season: after the reference data is warm, a candidate's submit is the
    locked read, the materials, the audit row, the update, the messages (MSG-1) and the outbox rows
    that deliver them and print the form PDF (in the same transaction, so nothing is lost); no
    lookups of conditions or fees, and no savepoint inside its transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisal.messaging.models import Message

    services.check_eligibility(complete_draft)  # the draft page warms conditions and fees
    client = api(candidate)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{BASE}{complete_draft.pk}/submit/")
    assert response.status_code == 200, response.json()
    sql = [q["sql"] for q in queries.captured_queries]
    statements = [s.split()[0] for s in sql]
    # The test's own transaction makes the submit's a savepoint: the only one.
    assert statements == ["SAVEPOINT",
                          "SELECT", "SELECT", "INSERT", "UPDATE",  # locked read (center joined), materials, audit
                          "SELECT", "INSERT",  # the center's clerks; the candidate's and their messages in one
                          "INSERT", "INSERT",  # the outbox: the messages' delivery, the form PDF
                          "RELEASE"], [s[:80] for s in sql]
    assert "registration_material" in sql[2] and "appraisal_message" in sql[6]
    assert all("appraisal_outboxmessage" in s and "ON CONFLICT DO NOTHING" in s for s in sql[7:9])
    assert Message.objects.filter(event__startswith=f"application:{complete_draft.pk}:").count() >= 2


def _queries_of(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _more_history(application, demo_user):
    """Transitions and payments by several different people, and an HR opinion: what would cost a
    query per row if a relation were read row by row."""
    from registration.models import ApplicationTransition, PaymentRecord

    actors = [demo_user(name) for name in ("staff_nongan", "staff_changchun", "province_admin")]
    for actor in actors:
        ApplicationTransition.objects.create(application=application, from_status=Status.SUBMITTED,
                                             to_status=Status.SUBMITTED, actor=actor, reason="复核")
        PaymentRecord.objects.create(application=application, paid=True, amount=Decimal("100.00"), actor=actor)
    type(application).objects.filter(pk=application.pk).update(
        hr_opinion="同意", hr_opinion_date=datetime.date(2026, 1, 5), hr_opinion_by=actors[0])


def test_reg1_application_read_takes_a_constant_number_of_queries(api, submitted, candidate, demo_user):
    """REG-1 on registration day: the application read (API) costs the same queries with one
    transition as with many by different people, payments and an HR opinion (no N+1)."""
    client = api(candidate)
    url = f"{BASE}{submitted.pk}/"
    client.get(url)  # warm: reference data caches
    before = _queries_of(client, url)
    _more_history(submitted, demo_user)
    after = _queries_of(client, url)
    assert after == before
    body = client.get(url).json()
    assert len(body["transitions"]) >= 4 and len(body["payments"]) == 3
    assert body["hr_opinion_by_name"] == "孙县员"


def test_reg1_application_page_takes_a_constant_number_of_queries(logged_in_client, submitted, candidate,
                                                                   demo_user):
    """REG-1: the candidate's application page, likewise, whatever the history's length."""
    client = logged_in_client(candidate)
    url = f"/registration/my/{submitted.pk}/"
    client.get(url)
    before = _queries_of(client, url)
    _more_history(submitted, demo_user)
    assert _queries_of(client, url) == before


def _captured(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_reg1_candidates_own_read_joins_only_names_of_people(api, logged_in_client, submitted, candidate,
                                                             demo_user):
    """REG-1 on registration day: the candidate's own application (API and page) reads no whole user
    row besides the login's, only the names of who acted; the page reads no payments it does not
    show. What it shows stays the same: who acted, who gave the HR opinion, the payments (API)."""
    _more_history(submitted, demo_user)
    response, queries = _captured(api(candidate), f"{BASE}{submitted.pk}/")
    detail = [sql for sql in queries if "registration_" in sql]
    assert detail and not any('"appraisal_user"."password"' in sql for sql in detail)
    body = response.json()
    assert body["hr_opinion_by_name"] == "孙县员" and body["candidate"] == candidate.pk
    assert {t["actor_name"] for t in body["transitions"]} >= {"孙县员"}
    assert "孙县员" in {p["actor_name"] for p in body["payments"]}

    page, queries = _captured(logged_in_client(candidate), f"/registration/my/{submitted.pk}/")
    detail = [sql for sql in queries if "registration_" in sql]
    assert not any('"appraisal_user"."password"' in sql for sql in detail)
    assert not any("registration_paymentrecord" in sql for sql in queries)
    assert sum("registration_material" in sql for sql in queries) == 1  # the eligibility check reuses them
    html = page.content.decode()
    assert "孙县员" in html and "本人" in html


def test_reg1_status_poll_is_one_narrow_query(api, submitted, candidate, demo_user):
    """REG-1: the status poll after a submit reads one row's few columns; another person's
    application, or a number that is not one, answers 404."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(candidate)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{BASE}{submitted.pk}/status/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == submitted.pk and body["status"] == Status.SUBMITTED and body["status_display"] == "待审核"
    assert body["submitted_at"]
    assert len(queries) == 1 and "JOIN" not in queries.captured_queries[0]["sql"]
    assert client.get(f"{BASE}abc/status/").status_code == 404
    other = api(demo_user("staff_gongzhuling"))  # a center that does not hold 农安's applications
    assert other.get(f"{BASE}{submitted.pk}/status/").status_code == 404
    assert api(demo_user("staff_nongan")).get(f"{BASE}{submitted.pk}/status/").json()["status"] == Status.SUBMITTED
