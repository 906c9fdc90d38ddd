"""Every page carries a Content-Security-Policy without inline script and a Permissions-Policy; the
templates hold no inline script, event handler or style attribute, and their <style> blocks carry
the request's nonce."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from appraisal.demo import DEMO_PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url_name", ["login", "calendar", "healthz"])
def test_public_pages_carry_the_policies(client, db, url_name):
    response = client.get(reverse(url_name))
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_the_style_blocks_carry_this_responses_nonce(client, db):
    client.login(username="staff_nongan", password=DEMO_PASSWORD)
    response = client.get(reverse("registration:review_queue"))
    nonce = next(s for s in directives(response)["style-src"] if s.startswith("'nonce-"))[7:-1]
    html = response.content.decode()
    styles = re.findall(r"<style[^>]*>", html)
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)


def test_the_admin_and_the_api_docs_may_have_inline_styles_but_no_inline_script(client, db):
    client.login(username="province_admin", password=DEMO_PASSWORD)
    for url in ("/admin/", reverse("api-docs")):
        policy = directives(client.get(url))
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["script-src"] == ["'self'"]


def test_templates_hold_no_inline_script_handler_or_style_attribute():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.parts:  # PDFs are rendered by WeasyPrint, never by a browser
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style(?![^>]*nonce)"):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []
