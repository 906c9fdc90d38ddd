"""CERT-4: verification by anyone, on the page and the JSON endpoint: valid / revoked / not found,
only what the province accepted, a wrong name answered as an unknown number after the same single
query, and bad input refused in Chinese."""

import pytest
from django.urls import reverse

from appraisal.idnumbers import mask_id_number
from certificates import services
from certificates.models import Report
from certificates.services import verification
from tests.certificates.verification.conftest import accept_up_to_province

API = "/api/certificates/verify/"


def _result(html: str) -> str:
    return html.split('data-testid="verify-result"')[1].split("</section>")[0]


def test_cert4_valid_answer_with_masked_id(published, client):
    c = published[0]
    response = client.post(reverse("certificates:verify"), {"number": c.number, "name": c.holder_name})
    html = response.content.decode()
    assert response.status_code == 200 and "证书有效" in _result(html)
    assert c.holder_id_number not in html and mask_id_number(c.holder_id_number) in html
    assert c.occupation.name in html and c.issuing_authority in html and c.body.name in html
    data = client.post(API, {"number": c.number, "name": c.holder_name, "id_number": c.holder_id_number},
                       content_type="application/json").json()
    assert data["status"] == "valid" and data["masked_id_number"] == c.holder_id_number[:6] + "*" * 8 + c.holder_id_number[-4:]
    assert data["issued_on"] == c.issued_on.isoformat() and data["revoked_on"] is None


def test_cert4_wrong_name_answers_as_unknown_number_after_one_query(published, client, django_assert_num_queries):
    c = published[0]
    asks = {"wrong name": verification.Query(c.number, "张三"),
            "unknown number": verification.Query("2622999999999999", c.holder_name),
            "wrong ID number": verification.Query(c.number, c.holder_name, "220122199001011234"),
            "right": verification.Query(c.number, c.holder_name, c.holder_id_number)}
    answers = {}
    for label, query in asks.items():
        with django_assert_num_queries(1):
            answers[label] = verification.verify(query)
    assert answers["right"].status == "valid"
    assert answers["wrong name"] == answers["unknown number"] == answers["wrong ID number"] == verification.Answer("not_found")
    url = reverse("certificates:verify")
    wrong = client.post(url, {"number": c.number, "name": "张三"}).content.decode()
    unknown = client.post(url, {"number": "2622999999999999", "name": c.holder_name}).content.decode()
    assert _result(wrong) == _result(unknown) and "未查到该证书" in unknown
    api = [client.post(API, body, content_type="application/json").json()
           for body in ({"number": c.number, "name": "张三"}, {"number": "2622999999999999", "name": c.holder_name})]
    assert api[0] == api[1] and api[0]["status"] == "not_found"


def test_cert4_only_what_the_province_accepted(issued, demo_user, client, django_capture_on_commit_callbacks):
    c = issued[0]
    query = verification.Query(c.number, c.holder_name)
    assert verification.verify(query).status == "not_found"  # issued, not reported
    report = services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[x.pk for x in issued])
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_report(report=report, actor=demo_user("staff_changchun"))
    assert verification.verify(query).status == "not_found"  # accepted by the city, not yet the province
    services.accept_report(report=Report.objects.get(origin=report), actor=demo_user("province_admin"))
    assert verification.verify(query).status == "valid"
    # A name amended locally answers only once its correction is accepted up the chain.
    services.amend_holder_name(certificate=c, actor=demo_user("staff_nongan"), name="王更正", reason="错字")
    assert verification.verify(verification.Query(c.number, "王更正")).status == "not_found"
    assert verification.verify(query).status == "valid"
    correction_report = services.send_corrections(
        actor=demo_user("staff_nongan"), correction_ids=list(services.unreported_corrections(c.body).values_list("pk", flat=True)))
    accept_up_to_province(correction_report, demo_user, django_capture_on_commit_callbacks)
    assert verification.verify(verification.Query(c.number, "王更正")).status == "valid"
    assert verification.verify(query).status == "not_found"


def test_cert4_revoked_with_its_date(published, demo_user, client):
    c = published[1]
    services.revoke(certificate=c, actor=demo_user("province_admin"), reason="材料造假", document="吉鉴撤9号")
    c.refresh_from_db()
    answer = verification.verify(verification.Query(c.number, c.holder_name))
    assert answer.status == "revoked" and answer.revoked_on == c.revoked_on
    html = client.post(reverse("certificates:verify"), {"number": c.number, "name": c.holder_name}).content.decode()
    assert f"证书已吊销（{c.revoked_on.year}年{c.revoked_on.month}月{c.revoked_on.day}日）" in html
    data = client.post(API, {"number": c.number, "name": c.holder_name}, content_type="application/json").json()
    assert data["status"] == "revoked" and data["revoked_on"] == c.revoked_on.isoformat()


@pytest.mark.parametrize(("field", "body", "message"), [
    ("number", {"number": "12ab", "name": "张三"}, "证书编号为16位数字"),
    ("number", {"number": "2622' OR '1'='1", "name": "张三"}, "证书编号为16位数字"),
    ("name", {"number": "2622010500001026", "name": "张" * 41}, "姓名最多40个字"),
    ("name", {"number": "2622010500001026", "name": "张" * 5000}, "姓名最多40个字"),
    ("name", {"number": "2622010500001026", "name": "张三' OR '1'='1"}, "姓名只能包含汉字、字母、数字、间隔号"),
    ("name", {"number": "2622010500001026", "name": "<script>alert(1)</script>"}, "姓名只能包含汉字、字母、数字、间隔号"),
    ("name", {"number": "2622010500001026", "name": "张三\x00"}, "不能包含空字符"),
    ("name", {"number": "2622010500001026", "name": "张三\u202e"}, "姓名只能包含汉字、字母、数字、间隔号"),
    ("name", {"number": "2622010500001026", "name": "   "}, "请填写持证人姓名"),
    ("id_number", {"number": "2622010500001026", "name": "张三", "id_number": "22012219900101"}, "身份证号为18位"),
])
def test_cert4_bad_input_refused_in_chinese(db, client, field, body, message):
    page = client.post(reverse("certificates:verify"), body)
    assert page.status_code == 400 and message in page.content.decode()
    assert 'data-testid="verify-result"' not in page.content.decode()
    api = client.post(API, body, content_type="application/json")
    assert api.status_code == 400 and message in "".join(api.json()[field])


def test_cert4_accepted_name_forms(db):
    assert verification.clean_query("2622010500001026", " 阿卜杜拉·买买提 ").name == "阿卜杜拉·买买提"
    assert verification.clean_query("2622010500001026", "John  Smith", "22012219900101123x").id_number.endswith("X")


def test_cert4_qr_link_fills_the_number_in(published, client):
    number = published[0].number
    html = client.get(reverse("certificates:verify"), {"number": number}).content.decode()
    assert f'value="{number}"' in html and 'data-testid="verify-result"' not in html
    injected = client.get(reverse("certificates:verify"), {"number": '"><script>'}).content.decode()
    assert "<script>" not in injected.split("<form")[1]


def test_cert4_endpoint_in_the_openapi_schema(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"][API]["post"]
    assert operation["summary"].startswith("证书查验") and operation.get("security") in ([], [{}], None)


def test_cert4_api_refuses_what_its_serializer_refuses(db, client):
    """Well-formed input skips the serializer (verification_api._plain); anything it would refuse still
    goes through it: a lone surrogate, a number sent as a list, a missing name."""
    for body, field in (({"number": "2622010500001026", "name": "张\ud800"}, "name"),
                        ({"number": ["2622010500001026"], "name": "张三"}, "number"),
                        ({"number": "2622010500001026"}, "name")):
        answer = client.post(API, body, content_type="application/json")
        assert answer.status_code == 400 and field in answer.json(), body


def test_cert4_api_answers_after_one_query_and_one_redis_round_trip(published, client, django_assert_num_queries,
                                                                     monkeypatch):
    """Issue 11's cost: the limits counted in one round trip (a Lua script on Redis), one SQL statement."""
    import redis.connection
    from django.core.cache import caches

    sent = []
    send = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command",
                        lambda self, *args, **kwargs: sent.append(1) or send(self, *args, **kwargs))
    c = published[0]
    client.post(API, {"number": c.number, "name": c.holder_name}, content_type="application/json")  # warm-up
    sent.clear()
    with django_assert_num_queries(1):
        answer = client.post(API, {"number": c.number, "name": c.holder_name}, content_type="application/json")
    assert answer.json()["status"] == "valid"
    on_redis = "redis" in caches["ratelimit"].__class__.__module__
    assert len(sent) == (1 if on_redis else 0)
