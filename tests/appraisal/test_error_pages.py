"""Error pages speak Chinese, and so does Django itself whatever the browser's language."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from appraisal.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_404_page_is_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_page_shows_the_reason_in_chinese(client, db):
    assert client.login(username="candidate", password=DEMO_PASSWORD)
    response = client.get("/centers/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "此页面仅限鉴定机构和人社部门工作人员使用" in html


def test_django_messages_stay_chinese_for_an_english_browser(client, db):
    response = client.post("/login/", {"username": "candidate", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名或密码不正确" in response.content.decode()
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode() and "Username" not in response.content.decode()


def test_login_page_shows_the_system_name_not_the_host(client, db):
    html = client.get("/login/").content.decode()
    assert "<title>登录 · 吉林省职业技能鉴定管理系统</title>" in html
    assert "testserver" not in html


@pytest.mark.urls("tests.appraisal.error_urls")
def test_500_page_is_chinese_and_hides_the_error(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统暂时出错" in html and "请稍后再试" in html
    assert "RuntimeError" not in html and "Traceback" not in html
    api = client.get("/api/boom/")
    assert api.status_code == 500 and api.json() == {"detail": "服务器内部错误，请稍后再试。"}


def test_404_page_uses_the_site_layout_not_the_debug_page(client, db):
    html = client.get("/no-such-page/").content.decode()
    assert "/static/css/site.css" in html
    assert "Page not found" not in html and "URLconf" not in html


def test_static_files_are_served_with_debug_off(client, db):
    """WhiteNoise serves the stylesheet the error pages link to, with debug off as in the demo."""
    assert settings.DEBUG is False
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
    # The API documentation's Swagger UI and the admin's styles come from the apps' static folders.
    for path in ("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css", "/static/admin/css/base.css"):
        assert client.get(path).status_code == 200, path


def test_debug_is_off_by_default_and_on_when_a_developer_asks():
    """The embedded default (no variables, as scripts/run.sh starts it) runs with debug off, so users
    and the demo see the Chinese error pages; DJANGO_DEBUG=true turns Django's debug pages on."""
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.DEBUG, 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE]))")
    base = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for extra, expected in (({}, "[false, true]"), ({"DJANGO_DEBUG": "true"}, "[true, true]")):
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **extra},
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected


def test_run_script_keeps_debug_off_unless_asked():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert 'export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"' in script
