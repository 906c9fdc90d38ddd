"""No English left for the API's readers: every operation in /api/docs/ has a Chinese summary and
description under a Chinese group, the top description covers every part of the system, and the
browsable API's pages are named in Chinese."""

import re

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

CJK = re.compile(r"[\u3400-\u9fff]")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_chinese_summary_and_description(schema):
    found = list(operations(schema))
    assert len(found) > 50
    missing = [name for name, op in found
               if not CJK.search(op.get("summary", "")) or not CJK.search(op.get("description", ""))]
    assert missing == [], f"operations without a Chinese summary or description: {missing}"


def test_every_operation_is_grouped_under_a_chinese_tag(schema):
    english = sorted({tag for _name, op in operations(schema) for tag in op.get("tags", []) if not CJK.search(tag)})
    assert english == [], "add the tag's Chinese name to appraisal/schema.py TAGS"
    assert all(CJK.search(tag["description"]) for tag in schema["tags"])


def test_top_description_covers_every_part(schema):
    description = schema["info"]["description"]
    for part in ("报名", "考务", "成绩", "证书", "上报", "鉴定日历", "鉴定机构", "鉴定职业"):
        assert part in description, part


def test_schema_walk_catches_an_english_summary():
    """The control: the check above does fail on an operation summarised in English only."""
    fake = {"paths": {"/api/x/": {"get": {"summary": "List things", "description": "Things."}}}}
    assert [name for name, op in operations(fake) if not CJK.search(op["summary"])] == ["GET /api/x/"]


@pytest.mark.parametrize("path", ["/api/", "/api/registration/", "/api/exams/"])
def test_browsable_api_root_is_chinese(client, demo_user, path):
    client.force_login(demo_user("province_admin"))
    html = client.get(path, HTTP_ACCEPT="text/html").content.decode()
    assert "接口目录" in html and "本系统的接口一览" in html
    assert "Api Root" not in html and "The default basic root view" not in html


def test_browsable_api_pages_are_named_in_chinese(client, demo_user):
    client.force_login(demo_user("province_admin"))
    html = client.get(reverse("center-list"), HTTP_ACCEPT="text/html").content.decode()
    assert "鉴定机构列表（按权限范围）" in html and "Center List" not in html
    html = client.get(reverse("api-me"), HTTP_ACCEPT="text/html").content.decode()
    assert "当前用户及其权限范围" in html and ">Me<" not in html
    html = client.get(reverse("api-token"), HTTP_ACCEPT="text/html").content.decode()
    assert "POST username and password" not in html
