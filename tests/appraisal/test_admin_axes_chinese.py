"""The admin's login-lockout block (django-axes) speaks Chinese like the rest of the admin: the app,
its models, their columns and fields, filters and actions."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

# Technical names that stay as they are in Chinese admin pages too.
ALLOWED = {"IP", "GET", "POST", "HTTP", "Accept", "SHA", "Chrome", "Mozilla", "login", "admin"}


class _VisibleText(HTMLParser):
    """The text a reader sees inside the admin's #content (no scripts, styles or attributes)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in ("br", "img", "input", "meta", "link", "hr")
        elif dict(attrs).get("id") == "content":
            self.depth = 1
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def english_words(html, data_values=()):
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for value in data_values:  # the records' own data (a browser's user agent) is not UI text
        text = text.replace(value, " ")
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED})


@pytest.fixture
def admin_client(client, demo_user):
    client.force_login(demo_user("province_admin"))
    return client


@pytest.fixture
def attempt(db):
    return AccessAttempt.objects.create(
        user_agent="TestBrowser/1.0", ip_address="10.0.0.1", username="220122199001011234",
        http_accept="text/html", path_info="/login/", get_data="", post_data="username=2201",
        failures_since_start=3,
    )


def test_admin_index_names_the_lockout_block_in_chinese(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "登录安全" in html and "登录失败记录" in html and "登录失败日志" in html
    assert "Axes" not in html and "Access attempts" not in html and "Access failures" not in html


@pytest.mark.parametrize("model", [AccessAttempt, AccessFailureLog, AccessLog])
def test_lockout_changelists_have_no_english(admin_client, attempt, model):
    AccessFailureLog.objects.create(user_agent="TestBrowser/1.0", ip_address="10.0.0.1",
                                    username="x1", http_accept="text/html", path_info="/login/")
    AccessLog.objects.create(user_agent="TestBrowser/1.0", ip_address="10.0.0.1", username="x1",
                             http_accept="text/html", path_info="/login/")
    url = reverse(f"admin:axes_{model._meta.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert english_words(html, ["TestBrowser/1.0", "text/html", "/login/", "x1"]) == []


def test_lockout_attempt_page_and_status_are_chinese(admin_client, attempt):
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "剩余 2 次尝试机会" in changelist and "状态" in changelist
    html = admin_client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).content.decode()
    for label in ("用户名", "路径", "失败次数", "表单数据", "请求信息", "浏览器标识", "IP 地址"):
        assert label in html, label
    assert english_words(html, ["TestBrowser/1.0", "text/html", "/login/", "username=2201"]) == []


def test_lockout_cleanup_action_reports_in_chinese(admin_client, attempt):
    old = AccessAttempt.objects.create(
        user_agent="b", ip_address="10.0.0.2", username="old", http_accept="*/*", path_info="/login/",
        get_data="", post_data="", failures_since_start=5,
    )
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(hours=2))
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "cleanup_expired_attempts", "_selected_action": [attempt.pk]}, follow=True,
    )
    assert response.status_code == 200
    assert "已清理 1 条过期的登录尝试记录。" in response.content.decode()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["220122199001011234"]


def test_lockout_records_are_named_in_chinese(attempt):
    failure = AccessFailureLog.objects.create(user_agent="b", ip_address="10.0.0.1", username="x1",
                                              http_accept="*/*", path_info="/login/", locked_out=True)
    assert str(attempt).startswith("登录尝试：220122199001011234（")
    assert str(failure).startswith("登录失败：x1（") and "10.0.0.1" in str(failure) and "已锁定" in str(failure)


def test_every_catalogue_entry_is_compiled_and_translates():
    """locale/zh_Hans's .po is compiled (scripts/setup.sh) and current: each entry translates."""
    from django.conf import settings
    from django.utils import translation

    po = (settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, flags=re.MULTILINE)
    assert len(entries) > 20
    with translation.override("zh-hans"):
        for msgid, msgstr in entries:
            assert translation.gettext(msgid) == msgstr, (msgid, "run scripts/setup.sh to compile locale/")
