"""End-to-end fixtures: Debian's Chromium driven by Playwright's sync API against pytest-django's
live server. No pytest-playwright plugin: one browser per session, a fresh context and page per
test, a screenshot and the page's HTML in test-artifacts/ when a test fails.

Chromium comes from the system (`apt-get install chromium`, or `scripts/setup.sh --with-browser`);
Playwright never downloads its own. Set PLAYWRIGHT_CHROMIUM to use another binary. Without a
browser the tests skip, except in CI (CI=true), where they fail.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from appraisal.demo import DEMO_PASSWORD, load_demo
from appraisal.models import Center, ScheduledAppraisalDay
from tests.registration.conftest import open_registration_date

# Playwright's sync API runs an asyncio event loop in the test thread for as long as the browser
# lives (a session). Django sees that running loop and refuses ORM calls made from the test thread
# (the demo data fixture, the database flush after each transactional test) with
# SynchronousOnlyOperation. The calls are really synchronous (Playwright is idle while the test's
# own code runs), so the check is a false alarm here. The variable is process-wide: once this file
# is collected, it holds for every test of the run.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=zh-CN",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Fail fast: pages come from a local server, 10 s is already generous (Playwright's default is 30 s).
TIMEOUT_MS = 10_000

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {  # an iPhone 12-14 class phone
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
COMMON_CONTEXT = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def _in_ci():
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("PLAYWRIGHT_CHROMIUM") or "/usr/bin/chromium"
    resolved = shutil.which(executable)
    if resolved is None:
        message = (
            f"Chromium not found at {executable!r}: install it with `apt-get install -y chromium` "
            "(or `bash scripts/setup.sh --with-browser`), or point PLAYWRIGHT_CHROMIUM at a Chromium binary."
        )
        if _in_ci():
            pytest.fail(f"CI: end-to-end tests need a browser. {message}", pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=resolved, headless=True, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            pytest.fail(f"Chromium at {resolved} did not start: {exc}", pytrace=False)
        yield browser
        browser.close()
    finally:
        playwright.stop()


def _open_page(browser, request, options):
    context = browser.new_context(**COMMON_CONTEXT, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = None
    violations: list[str] = []
    try:
        page = context.new_page()
        # Every page of every end-to-end test is also a check of the Content-Security-Policy: the
        # browser reports what the policy blocked (an inline script, a style) on the console.
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        yield page
        assert violations == [], f"the Content-Security-Policy blocked something: {violations}"
    finally:
        report = getattr(request.node, "rep_call", None)
        stem = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid).strip("_")
        if page is not None and report is not None and report.failed:
            _save_failure_artifacts(page, stem)
        elif report is not None and report.passed:  # don't leave a stale failure lying around
            for suffix in (".png", ".html"):
                stem.with_name(stem.name + suffix).unlink(missing_ok=True)
        context.close()


def _save_failure_artifacts(page, stem):
    """A full-page screenshot and the HTML (with its URL) of where the test stopped."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=stem.with_name(stem.name + ".png"), full_page=True)
        html = f"<!-- {page.url} -->\n{page.content()}"
        stem.with_name(stem.name + ".html").write_text(html, encoding="utf-8")
    except Exception as exc:  # the page may have crashed; the test's own failure is what matters
        print(f"could not save failure artifacts to {stem}.*: {exc}")


@pytest.fixture
def page(browser, request):
    """A desktop-sized page in a fresh browser context (no cookies shared between tests)."""
    yield from _open_page(browser, request, DESKTOP)


@pytest.fixture
def phone_page(browser, request):
    """A phone-sized touch page (390x844 CSS pixels at 2x) in a fresh browser context."""
    yield from _open_page(browser, request, PHONE)


@pytest.fixture
def demo(live_server, transactional_db):
    """The demo data set. Transactional tests start from an empty database (it is flushed after each
    one), so every end-to-end test loads it again: 2017 (the notice's year) and the current year."""
    return load_demo(years=tuple(sorted({2017, timezone.localdate().year})))


@pytest.fixture
def artifacts():
    """test-artifacts/ (gitignored): screenshots a test takes on purpose go here too."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def url(live_server):
    """Absolute URL of a path on the live server: url("/login/")."""

    def build(path):
        return live_server.url + path

    return build


@pytest.fixture
def login(url):
    """Log in through the login form as a demo user; returns once the home page has loaded."""

    def do_login(page, username, password=DEMO_PASSWORD):
        page.goto(url("/login/"))
        page.get_by_label("用户名", exact=True).fill(username)
        page.get_by_label("密码", exact=True).fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_url(url("/"))

    return do_login


@pytest.fixture
def open_nongan_day(demo):
    """A scheduled day of 农安县 45 days ahead: registration (10 working days before) is open today."""
    day = open_registration_date()
    scheduled, _created = ScheduledAppraisalDay.objects.get_or_create(
        center=Center.objects.get(division_code="220122"), day=day
    )
    return scheduled


def no_sideways_scroll(page):
    """The page fits the phone's width: nothing makes the reader scroll sideways."""
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], widths
