"""Accessibility on the main pages of each role: axe-core (npm, installed by scripts/setup.sh into
node_modules/) runs in the page and the test fails on any serious or critical violation; every page
has a skip link to the main content as its first stop, and the focus is visible."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from appraisal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Served to the page from the live server's own origin, so the Content-Security-Policy (scripts from
# 'self' only, no inline script) holds while the test runs axe.
AXE_PATH = "/__e2e__/axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_file():
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `bash scripts/setup.sh` (npm install)", pytrace=False)
    return AXE


def check_page(page, url, axe_file, where):
    """Run axe on the loaded page; returns the serious/critical violations, formatted."""
    page.route(url(AXE_PATH), lambda route: route.fulfill(path=str(axe_file), content_type="text/javascript"))
    page.add_script_tag(url=url(AXE_PATH))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}))"""
    )
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']} {json.dumps(v['nodes'], ensure_ascii=False)}"
            for v in violations if v["impact"] in BLOCKING]


def assert_skip_link_and_focus(page):
    first = page.evaluate("""() => document.querySelector(
        'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])').textContent""")
    assert first == "跳到正文"  # the first stop in the tab order
    # From the site's name (the first thing in the top bar), one Shift+Tab reaches the skip link.
    page.focus("a.brand")
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {text: e.textContent.trim(), href: e.getAttribute("href"), outline: s.outlineStyle,
                width: s.outlineWidth, top: e.getBoundingClientRect().top}; }""")
    assert focused["text"] == "跳到正文" and focused["href"] == "#main", focused
    assert focused["outline"] != "none" and focused["width"] != "0px", focused  # the focus shows
    assert focused["top"] >= 0, focused  # and the link comes into view when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def login_as(page, url, username):
    page.goto(url("/login/"))
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(url("/"))


def main_pages(page, url):
    """Home and every page the role's top menu offers (not the admin, which is Django's own)."""
    page.goto(url("/"))
    links = page.eval_on_selector_all("nav.nav a", "links => links.map(a => a.getAttribute('href'))")
    return ["/", *dict.fromkeys(h for h in links if h and h.startswith("/") and not h.startswith("/admin/"))]


def audit(page, url, axe_file, paths):
    problems = []
    for path in paths:
        page.goto(url(path))
        problems += check_page(page, url, axe_file, path)
    return problems


def test_login_page_is_accessible(phone_page, demo, url, axe_file):
    phone_page.goto(url("/login/"))
    assert_skip_link_and_focus(phone_page)
    assert check_page(phone_page, url, axe_file, "/login/") == []
    phone_page.goto(url("/no-such-page/"))  # the site's own error page, as users see it
    assert check_page(phone_page, url, axe_file, "/no-such-page/") == []


def test_candidate_pages_on_a_phone_are_accessible(phone_page, demo, url, axe_file):
    login_as(phone_page, url, "candidate")
    paths = main_pages(phone_page, url)
    phone_page.goto(url("/registration/my/"))
    detail = phone_page.eval_on_selector_all(
        "main a[href^='/registration/my/']", "links => links.map(a => a.getAttribute('href'))")
    paths += [p for p in detail if p.rstrip("/").split("/")[-1].isdigit()][:1]
    paths += ["/registration/my/apply/", "/password/"]
    assert len(paths) >= 4, paths
    assert audit(phone_page, url, axe_file, paths) == []
    phone_page.goto(url(paths[-3]))
    assert_skip_link_and_focus(phone_page)


@pytest.mark.parametrize("username", ["staff_nongan", "hr_official", "province_admin"])
def test_staff_pages_are_accessible(page, demo, url, axe_file, username):
    """A county clerk, an HR official and the province: home and each page of their menu."""
    login_as(page, url, username)
    paths = main_pages(page, url)
    assert len(paths) >= 2, paths
    if "/registration/staff/review/" in paths:  # and one application as the reviewer sees it
        page.goto(url("/registration/staff/review/"))
        details = page.eval_on_selector_all(
            "main a[href^='/registration/staff/review/']", "links => links.map(a => a.getAttribute('href'))")
        paths += [p for p in details if p.rstrip("/").split("/")[-1].isdigit()][:1]
    assert audit(page, url, axe_file, paths) == []
    page.goto(url(paths[-1]))
    assert_skip_link_and_focus(page)


def test_axe_check_catches_a_violation(page, demo, url, axe_file):
    """The control: the same check does fail on an image without a text alternative (critical)."""
    page.goto(url("/login/"))
    page.evaluate("""() => { const img = document.createElement("img"); img.src = "/static/none.png";
        document.querySelector("main").appendChild(img); }""")
    problems = check_page(page, url, axe_file, "/login/")
    assert any("image-alt (critical)" in problem for problem in problems), problems
