"""The core's read API (DRF): authentication, scoping by the authority engine (ORG-8), the
occupation catalogue (OCC), the calendar (CAL-1..CAL-5), the authority check, and the OpenAPI
schema and docs (served without a CDN)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from appraisal.demo import DEMO_PASSWORD
from appraisal.models import Center, Occupation, OccupationCategory, ScheduledAppraisalDay

pytestmark = pytest.mark.django_db

CHANGCHUN_REGION = {
    "长春市职业技能鉴定中心",
    "农安县职业技能鉴定中心",
    "榆树市职业技能鉴定中心",
    "德惠市职业技能鉴定中心",
    "长春职业技术学院职业技能鉴定所",
}


@pytest.fixture
def api(logged_in_client):
    return logged_in_client


def names(response):
    return {row["center_name"] if "center_name" in row else row["name"] for row in response.json()["results"]}


# --- Authentication -----------------------------------------------------------------------------


def test_token_auth(client):
    response = client.post(
        reverse("api-token"), {"username": "staff_nongan", "password": DEMO_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40

    me = client.get(reverse("api-me"), headers={"Authorization": f"Token {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "staff_nongan"

    # Same token on a second request: it is stable, not one-shot.
    again = client.post(
        reverse("api-token"), {"username": "staff_nongan", "password": DEMO_PASSWORD}, content_type="application/json"
    )
    assert again.json()["token"] == token


def test_token_auth_refuses_a_wrong_password(client):
    response = client.post(
        reverse("api-token"), {"username": "staff_nongan", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_bad_token_is_refused(client):
    response = client.get(reverse("api-me"), headers={"Authorization": "Token " + "0" * 40})
    assert response.status_code in (401, 403)


def test_session_auth_and_me(api):
    response = api("staff_changchun").get(reverse("api-me"))
    assert response.status_code == 200
    assert response.json() == {
        "username": "staff_changchun",
        "display_name": "钱市员",
        "role": "center_staff",
        "role_display": "鉴定机构工作人员",
        "center": Center.objects.get(division_code="220100").pk,
        "center_name": "长春市职业技能鉴定中心",
        "scope": "长春市职业技能鉴定中心本级及所辖县（市）、院校和企业鉴定机构。",
    }


def test_me_for_a_candidate_has_no_center(api):
    body = api("candidate").get(reverse("api-me")).json()
    assert body["role"] == "candidate"
    assert body["center"] is None and body["center_name"] is None
    assert body["scope"] == "仅本人的申报、准考证、成绩和证书。"


@pytest.mark.parametrize(
    "url",
    ["/api/me/", "/api/centers/", "/api/occupations/", "/api/calendar/unified/", "/api/calendar/retake-days/",
     "/api/calendar/appraisal-days/"],
)
def test_unauthenticated_requests_are_refused(client, url):
    response = client.get(url)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


# --- Centers (ORG-8) ------------------------------------------------------------------------------


def test_org8_api_county_sees_only_its_center(api):
    body = api("staff_nongan").get("/api/centers/").json()
    assert body["count"] == 1
    assert body["results"][0]["name"] == "农安县职业技能鉴定中心"
    assert body["results"][0]["division_code"] == "220122"


def test_org8_api_city_sees_its_region(api):
    response = api("staff_changchun").get("/api/centers/")
    assert response.json()["count"] == len(CHANGCHUN_REGION)
    assert names(response) == CHANGCHUN_REGION


def test_org8_api_province_sees_all(api):
    body = api("province_admin").get("/api/centers/", {"page_size": 100}).json()
    assert body["count"] == Center.objects.count() >= 53


def test_org8_api_candidate_sees_no_center_list(api):
    body = api("candidate").get("/api/centers/").json()
    assert body["count"] == 0


def test_org8_api_center_detail_outside_scope_is_404(api, centers):
    client = api("staff_nongan")
    assert client.get(f"/api/centers/{centers['nongan'].pk}/").status_code == 200
    assert client.get(f"/api/centers/{centers['yushu'].pk}/").status_code == 404


def test_org5_api_center_shows_granted_levels_and_hotlines(api, centers):
    client = api("province_admin")
    gongzhuling = client.get(f"/api/centers/{centers['gongzhuling'].pk}/").json()
    assert gongzhuling["kind"] == "expanded_county"
    assert gongzhuling["kind_display"] == "扩权县鉴定中心"
    assert gongzhuling["granted_levels"] == [5, 4, 3]
    province = client.get(f"/api/centers/{centers['province'].pk}/").json()
    assert province["supervision_phone"] == "(0431) 80880690"  # OTH-2
    assert province["enquiry_phone"] == "(0431) 88690718、88690738"
    assert province["duty_phone"] == "(0431) 88679995"


def test_api_centers_filter_and_search(api):
    client = api("province_admin")
    body = client.get("/api/centers/", {"kind": "expanded_county"}).json()
    assert {row["name"] for row in body["results"]} == {"公主岭市职业技能鉴定中心", "梅河口市职业技能鉴定中心"}
    body = client.get("/api/centers/", {"search": "延吉"}).json()
    assert [row["name"] for row in body["results"]] == ["延吉市职业技能鉴定中心"]
    body = client.get("/api/centers/", {"search": "220281"}).json()
    assert [row["name"] for row in body["results"]] == ["蛟河市职业技能鉴定中心"]


def test_api_centers_constant_queries(api, django_assert_max_num_queries):
    """DESIGN quality bar: the province's full list (53 rows) costs a handful of queries."""
    client = api("province_admin")
    with django_assert_max_num_queries(6):
        response = client.get("/api/centers/", {"page_size": 100})
    assert len(response.json()["results"]) == 50  # PAGE_SIZE; page_size is not a client option


# --- Occupations (OCC) ----------------------------------------------------------------------------


def test_occ3_api_occupations_filter_by_category(api):
    body = api("staff_nongan").get("/api/occupations/", {"category": "daily"}).json()
    daily = Occupation.objects.filter(category=OccupationCategory.DAILY)
    assert body["count"] == daily.count() >= 20
    assert {row["category"] for row in body["results"]} == {"daily"}
    assert {row["category_display"] for row in body["results"]} == {"日常鉴定职业"}


def test_occ1_api_occupations_national_unified(api):
    body = api("candidate").get("/api/occupations/", {"category": "national_unified", "status": "active"}).json()
    assert {row["name"] for row in body["results"]} == {
        "企业人力资源管理师", "心理咨询师", "电子商务师", "职业指导人员", "企业培训师"}


def test_occ3_api_occupations_search_with_levels(api):
    body = api("staff_nongan").get("/api/occupations/", {"search": "焊"}).json()
    assert [row["name"] for row in body["results"]] == ["焊工"]
    welder = body["results"][0]
    assert welder["code"] == "6-18-02-04"
    levels = {row["level"]: row for row in welder["levels"]}
    assert set(levels) == {5, 4, 3, 2, 1}
    assert levels[4]["theory_minutes"] == 60  # EXAM-1
    assert levels[2]["theory_minutes"] == 90
    assert levels[4]["skill_mode"] == "practical"
    assert levels[4]["level_display"] == "四级/中级工"


def test_occ4_api_cancelled_occupations(api):
    body = api("staff_nongan").get("/api/occupations/", {"status": "cancelled"}).json()
    rows = body["results"]
    assert {row["name"] for row in rows} == {"物流师", "公共营养师", "商务策划师"}
    assert all(row["cancelled_by_state_council"] and row["cancelled_on"] == "2016-12-01" for row in rows)


def test_api_occupations_constant_queries(api, django_assert_max_num_queries):
    client = api("staff_nongan")
    with django_assert_max_num_queries(6):
        response = client.get("/api/occupations/")
    assert len(response.json()["results"]) >= 30  # every level nested, prefetched


# --- Calendar (CAL) -------------------------------------------------------------------------------


def test_cal1_cal2_api_unified(api):
    body = api("candidate").get("/api/calendar/unified/", {"year": 2017}).json()
    rows = {row["half"]: row for row in body["results"]}
    assert rows[1]["first_day"] == "2017-05-20" and rows[1]["second_day"] == "2017-05-21"
    assert rows[1]["registration_opens"] == "2017-03-15" and rows[1]["registration_closes"] == "2017-04-14"
    assert rows[2]["first_day"] == "2017-11-18" and rows[2]["second_day"] == "2017-11-19"
    assert rows[2]["registration_opens"] == "2017-09-05" and rows[2]["registration_closes"] == "2017-10-10"
    assert rows[1]["half_display"] == "上半年"


def test_cal5_api_retake_days(api):
    body = api("staff_nongan").get("/api/calendar/retake-days/", {"year": 2017}).json()
    assert {(row["kind"], row["day"], row["failed_in_year"]) for row in body["results"]} == {
        ("daily", "2017-04-22", 2016),
        ("unified", "2017-05-20", 2016),
    }


def test_cal3_org8_api_appraisal_days_county_scope_with_deadlines(api, centers):
    """The county's six 2017 days (third Saturday of even months), each with its deadline."""
    body = api("staff_nongan").get("/api/calendar/appraisal-days/", {"day__gte": "2017-01-01",
                                                                       "day__lte": "2017-12-31"}).json()
    assert body["count"] == 6
    assert {row["center"] for row in body["results"]} == {centers["nongan"].pk}
    deadlines = {row["day"]: row["registration_deadline"] for row in body["results"]}
    assert deadlines == {
        "2017-02-18": "2017-02-06",  # 2-17..2-13 (5), 2-10..2-6 (10)
        "2017-04-15": "2017-03-31",  # 清明: Saturday 4-1 works, 4-2..4-4 off
        "2017-06-17": "2017-06-05",
        "2017-08-19": "2017-08-07",
        "2017-10-21": "2017-10-09",
        "2017-12-16": "2017-12-04",
    }


def test_cal3_org8_api_appraisal_days_city_scope(api, centers):
    response = api("staff_changchun").get(
        "/api/calendar/appraisal-days/", {"day__gte": "2017-01-01", "day__lte": "2017-12-31"}
    )
    body = response.json()
    # 12 city days + 6 for each of its 3 counties and for its school body; no other city's.
    assert body["count"] == 12 + 3 * 6 + 6
    assert {row["center_name"] for row in body["results"]} == CHANGCHUN_REGION
    october = next(row for row in body["results"] if row["day"] == "2017-10-21" and row["center"] == centers[
        "changchun"].pk)
    assert october["registration_extension_days"] == 1
    assert october["registration_deadline"] == "2017-10-10"  # one working day later than the county's


def test_cal3_org8_api_appraisal_days_candidate_sees_the_centers_that_could_appraise_them(api):
    body = api("candidate").get(
        "/api/calendar/appraisal-days/", {"day__gte": "2017-01-01", "day__lte": "2017-12-31"}
    ).json()
    assert {row["center_name"] for row in body["results"]} == {
        "农安县职业技能鉴定中心", "长春市职业技能鉴定中心", "吉林省职业技能鉴定中心"}
    assert body["count"] == 6 + 12 + 12


def test_cal3_api_appraisal_days_unknown_year_gives_null_deadline(api, centers):
    ScheduledAppraisalDay.objects.create(center=centers["nongan"], day="2035-06-16")
    body = api("staff_nongan").get("/api/calendar/appraisal-days/", {"day": "2035-06-16"}).json()
    assert body["count"] == 1
    assert body["results"][0]["registration_deadline"] is None


def test_cal3_api_appraisal_days_constant_queries(api, django_assert_max_num_queries):
    client = api("province_admin")
    with django_assert_max_num_queries(6):  # session, user, count, page, one override query for 2017
        response = client.get("/api/calendar/appraisal-days/", {"day__gte": "2017-01-01"})
    assert len(response.json()["results"]) == 50


@pytest.mark.parametrize(
    ("day", "extension", "expected"),
    [("2017-10-14", 0, "2017-09-26"), ("2017-10-14", 1, "2017-09-27"), ("2017-10-14", 2, "2017-09-28"),
     ("2017-02-11", 0, "2017-01-24")],
)
def test_cal3_api_deadline(client, day, extension, expected):
    """Public (no login): the deadline calculator."""
    response = client.get("/api/calendar/deadline/", {"appraisal_day": day, "extension_days": extension})
    assert response.status_code == 200
    assert response.json() == {"appraisal_day": day, "extension_days": extension, "registration_deadline": expected}


def test_cal3_api_deadline_default_extension_is_zero(client):
    body = client.get("/api/calendar/deadline/", {"appraisal_day": "2017-10-14"}).json()
    assert body["extension_days"] == 0 and body["registration_deadline"] == "2017-09-26"


@pytest.mark.parametrize("extension", [3, -1])
def test_cal3_api_deadline_refuses_a_bad_extension_with_a_chinese_message(client, extension):
    response = client.get("/api/calendar/deadline/", {"appraisal_day": "2017-10-14", "extension_days": extension})
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body["detail"], list)
    assert "报名截止只能延长0、1或2个工作日" in body["detail"][0]


def test_cal4_api_deadline_refuses_an_unknown_year_with_a_chinese_message(client):
    response = client.get("/api/calendar/deadline/", {"appraisal_day": "2035-06-16"})
    assert response.status_code == 400
    assert "2035年的法定节假日尚未维护" in response.json()["detail"][0]


def test_api_deadline_missing_or_malformed_day_is_a_field_error(client):
    missing = client.get("/api/calendar/deadline/")
    assert missing.status_code == 400
    assert "appraisal_day" in missing.json()
    bad = client.get("/api/calendar/deadline/", {"appraisal_day": "2017-02-30"})
    assert bad.status_code == 400
    assert "appraisal_day" in bad.json()


# --- Authority check (ORG-8) ----------------------------------------------------------------------


def test_org8_api_authority_check_returns_decisions_with_reasons(api, centers, occupation):
    response = api("staff_changchun").post(
        "/api/authority/check/",
        {"occupation": occupation("焊工").pk, "level": 4, "region": centers["nongan"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    decisions = {row["center_name"]: row for row in response.json()}
    assert list(decisions) == ["农安县职业技能鉴定中心", "长春市职业技能鉴定中心", "吉林省职业技能鉴定中心"]
    nongan, city, province = decisions.values()
    assert (nongan["allowed"], nongan["rule"]) == (True, "ORG-2")
    assert nongan["reason"] == "农安县职业技能鉴定中心负责本县（市）初级工、中级工鉴定。"
    assert nongan["center"] == centers["nongan"].pk
    assert (city["allowed"], city["rule"]) == (False, "ORG-3")
    assert "长春市职业技能鉴定中心只负责本级（市区）的初级工、中级工鉴定" in city["reason"]
    assert (province["allowed"], province["rule"]) == (False, "ORG-4")
    assert province["reason"]


def test_org6_api_authority_check_unified_goes_to_the_province(api, centers, occupation):
    response = api("staff_nongan").post(
        "/api/authority/check/",
        {"occupation": occupation("企业人力资源管理师").pk, "level": 3, "region": centers["nongan"].pk},
        content_type="application/json",
    )
    allowed = [row for row in response.json() if row["allowed"]]
    assert [(row["center_name"], row["rule"]) for row in allowed] == [("吉林省职业技能鉴定中心", "ORG-6")]


def test_cal5_api_authority_check_retake_of_a_cancelled_occupation(api, centers, occupation):
    client = api("province_admin")
    payload = {"occupation": occupation("物流师").pk, "level": 4, "region": centers["nongan"].pk}
    refused = client.post("/api/authority/check/", payload, content_type="application/json").json()
    assert not any(row["allowed"] for row in refused)
    assert {row["rule"] for row in refused} == {"OCC-4"}
    retake = client.post("/api/authority/check/", {**payload, "retake": True}, content_type="application/json").json()
    assert any(row["allowed"] for row in retake)


def test_api_authority_check_invalid_input_is_a_structured_400(api):
    response = api("staff_nongan").post(
        "/api/authority/check/", {"occupation": 999999, "level": 7}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"occupation", "level"}


def test_api_authority_check_requires_login(client, occupation):
    response = client.post("/api/authority/check/", {"occupation": occupation("焊工").pk, "level": 4},
                           content_type="application/json")
    assert response.status_code in (401, 403)


# --- OpenAPI --------------------------------------------------------------------------------------

API_PATHS = [
    "/api/auth/token/",
    "/api/me/",
    "/api/centers/",
    "/api/centers/{id}/",
    "/api/occupations/",
    "/api/calendar/unified/",
    "/api/calendar/retake-days/",
    "/api/calendar/appraisal-days/",
    "/api/calendar/deadline/",
    "/api/authority/check/",
]


def test_api_schema_is_an_openapi_document_with_every_path(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "吉林省职业技能鉴定管理系统 API"
    for path in API_PATHS:
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/authority/check/"]
    params = {p["name"] for p in schema["paths"]["/api/calendar/deadline/"]["get"]["parameters"]}
    assert {"appraisal_day", "extension_days"} <= params
    # The appraisal-day detail is typed from the model (the viewset's queryset is inspectable).
    detail = schema["paths"]["/api/calendar/appraisal-days/{id}/"]["get"]["parameters"]
    assert next(p for p in detail if p["name"] == "id")["schema"]["type"] == "integer"


def test_api_docs_are_served_without_a_cdn(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs", "//cdn."):
        assert cdn not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # Swagger UI's start-up script is a file of its own (no inline script under the CSP); it loads the schema.
    assert f'{reverse("api-docs")}?script=' in html
    assert reverse("api-schema") in client.get(reverse("api-docs"), {"script": ""}).content.decode()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


# --- The schema tells the truth: filters, pages and errors as documented ---------------------------


def test_filters_take_whole_ids_true_false_and_no_empty_values(api):
    client = api("province_admin")
    assert client.get("/api/centers/", {"parent": 0}).json()["count"] == 0  # no such center: an empty list
    for params in ({"parent": "0.5"}, {"parent": "长春"}, {"parent": str(2**64)}, {"is_active": "maybe"},
                   {"is_active": "null"},
                   {"kind": ""}, {"page": "0"}):
        response = client.get("/api/centers/", params)
        assert response.status_code in (400, 404), params
        assert response["Content-Type"].startswith("application/json")
    assert client.get("/api/centers/", {"is_active": "false"}).json()["count"] == 0
    assert "不能为空" in str(client.get("/api/centers/", {"kind": ""}).json())


def test_every_operation_documents_its_error_answers(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) > 60
    for path, method, operation in operations:
        assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
    assert "429" in schema["paths"]["/api/auth/token/"]["post"]["responses"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "接口或记录不存在。"}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_a_nul_in_a_search_is_a_400_in_the_documented_shape(api):
    """DRF's SearchFilter refuses a NUL character with a bare list; the API answers every 400 as an
    object ({"detail": [...]}) as its schema says (found by schemathesis)."""
    response = api("staff_nongan").get("/api/occupations/", {"search": "焊\x00工"})
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body, dict) and body["detail"] and all(isinstance(m, str) for m in body["detail"])
