"""The statistics pages (STAT-1, ORG-8): every number links to the records behind it, scoped by
the authority engine; candidates, examiners and visitors get no statistics; each role's home shows
the current quarter; versions and their diff, the province's board."""

import re

import pytest
from django.urls import reverse

from stats import selectors, services
from tests.stats.conftest import QUARTER, YEAR
from tests.stats.test_submission import AFTER

Q = {"year": YEAR, "quarter": QUARTER}


def _get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data)


@pytest.mark.parametrize("who", ["candidate", "examiner"])
def test_stat_1_candidate_and_examiner_refused(client, people, who):
    """Bad input: a candidate or an examiner asking for statistics."""
    for name in ("stats:quarter", "stats:records", "stats:board"):
        assert _get(client, people[who], reverse(name), dict(Q, figure="applied")).status_code == 403


def test_stat_1_anonymous_sent_to_login(client, db):
    response = client.get(reverse("stats:quarter"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_org_8_county_cannot_open_another_countys_figures_or_records(client, generated, people):
    """Bad input: 农安 asking for 榆树's or 长春's figures, or their drill-down: a 404."""
    chosen, _expected = generated
    for other in ("yushu", "changchun", "gongzhuling"):
        data = dict(Q, center=chosen[other].pk)
        assert _get(client, people["staff_nongan"], reverse("stats:quarter"), data).status_code == 404
        assert _get(client, people["staff_nongan"], reverse("stats:records"),
                    dict(data, figure="applied")).status_code == 404
    assert _get(client, people["staff_nongan"], reverse("stats:board"), Q).status_code == 403


def test_stat_1_future_quarter_is_a_clear_400(client, people):
    response = _get(client, people["staff_changchun"], reverse("stats:quarter"), {"year": 2099, "quarter": 1})
    assert response.status_code == 400 and "尚未开始" in response.content.decode()


def test_stat_1_every_number_links_to_its_records(client, generated, people):
    """STAT-1: the quarter page of 长春 links each total and each breakdown cell to a list whose count
    is the number shown; the expanded county's row lists its own records."""
    chosen, _expected = generated
    city = chosen["changchun"]
    response = _get(client, people["staff_changchun"], reverse("stats:quarter"), dict(Q, center=city.pk))
    assert response.status_code == 200
    page = response.content.decode()
    totals = selectors.quarter_totals(city, YEAR, QUARTER)
    links = re.findall(r'<a href="([^"]+)" data-figure="(\w+)">([^<]+)</a>', page)
    assert [key for _url, key, _text in links] == list(totals)
    for url, key, _text in links:
        if key in ("pass_rate", "fees_due", "fees_paid"):
            continue
        listing = client.get(url.replace("&amp;", "&"))
        assert listing.status_code == 200
        count = int(re.search(r'data-testid="records-count">(\d+)<', listing.content.decode()).group(1))
        assert count == totals[key], key
    county = chosen["gongzhuling"]
    client.force_login(people["province_admin"])
    listing = client.get(reverse("stats:records"), dict(Q, center=county.parent_id, figure="qualified",
                                                        breakdown="center", key=county.pk))
    count = int(re.search(r'data-testid="records-count">(\d+)<', listing.content.decode()).group(1))
    assert count == selectors.quarter_totals(county, YEAR, QUARTER)["qualified"] > 0
    level = selectors.quarter_figures(city, YEAR, QUARTER)["breakdowns"]["level"][0]
    listing = client.get(reverse("stats:records"), dict(Q, center=city.pk, figure="applied", breakdown="level",
                                                        key=level["key"]))
    assert f'data-testid="records-count">{level["figures"]["applied"]}<' in listing.content.decode()


def test_stat_1_home_shows_the_current_quarter_for_staff_only(client, people):
    """Each role's home: staff and HR officials see the current quarter's key figures and the trend."""
    for who in ("province_admin", "staff_changchun", "staff_nongan", "hr_official"):
        page = _get(client, people[who], reverse("home")).content.decode()
        assert 'data-testid="home-stats"' in page and 'data-testid="stats-trend"' in page, who
    for who in ("candidate", "examiner"):
        assert 'data-testid="home-stats"' not in _get(client, people[who], reverse("home")).content.decode()


def test_stat_1_submit_on_the_page_then_versions_diff_and_board(client, generated, people, monkeypatch):
    """The city submits from its page; the province returns it; the city resubmits with a reason; the
    versions and the diff are readable; the province's board shows the quarter."""
    chosen, _expected = generated
    city = chosen["changchun"]
    monkeypatch.setattr(services.timezone, "localdate", lambda: AFTER)
    client.force_login(people["staff_changchun"])
    response = client.post(reverse("stats:save_text", args=[0]), dict(
        Q, center=city.pk, report_text="第一稿", then="submit"))
    assert response.status_code == 302
    report = selectors.report_of(city, YEAR, QUARTER)
    assert report.state == "submitted" and report.versions.count() == 1
    client.force_login(people["province_admin"])
    client.post(reverse("stats:decide", args=[report.pk]), {"decision": "return", "comment": "请补充分析"})
    client.force_login(people["staff_changchun"])
    client.post(reverse("stats:save_text", args=[report.pk]), {"report_text": "第二稿", "then": "submit"})
    assert report.versions.count() == 1  # no reason: refused
    client.post(reverse("stats:save_text", args=[report.pk]),
                {"report_text": "第二稿", "then": "submit", "reason": "补充分析"})
    assert report.versions.count() == 2
    # A save that is refused (too long) submits nothing: the earlier text is not frozen in its place.
    client.force_login(people["province_admin"])
    client.post(reverse("stats:decide", args=[report.pk]), {"decision": "return", "comment": "再补充"})
    client.force_login(people["staff_changchun"])
    client.post(reverse("stats:save_text", args=[report.pk]),
                {"report_text": "长" * 50_001, "then": "submit", "reason": "补充分析"})
    report.refresh_from_db()
    assert report.versions.count() == 2 and report.state == "returned" and report.report_text == "第二稿"
    # A browser's CRLF line ends count once, as the textarea's maxlength counts them.
    client.post(reverse("stats:save_text", args=[report.pk]), {"report_text": "行\r\n" * 25_000})
    report.refresh_from_db()
    assert report.report_text == "行\n" * 25_000
    client.post(reverse("stats:save_text", args=[report.pk]), {"report_text": "第二稿"})
    # A reason or comment past its 500-character column is refused with a message, not a 500.
    response = client.post(reverse("stats:submit", args=[report.pk]), {"reason": "因" * 501}, follow=True)
    assert response.status_code == 200 and "不能超过500字" in response.content.decode()
    client.force_login(people["province_admin"])
    response = client.post(reverse("stats:decide", args=[report.pk]),
                           {"decision": "return", "comment": "意" * 501}, follow=True)
    assert response.status_code == 200
    client.force_login(people["staff_changchun"])
    client.post(reverse("stats:submit", args=[report.pk]), {"reason": "补充分析"})
    assert report.versions.count() == 3
    client.force_login(people["province_admin"])
    response = client.post(reverse("stats:decide", args=[report.pk]),
                           {"decision": "return", "comment": "意" * 501}, follow=True)
    assert "不能超过500字" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"
    client.force_login(people["staff_changchun"])
    page = client.get(reverse("stats:diff", args=[report.pk]), {"a": 1, "b": 2}).content.decode()
    assert "-第一稿" in page and "+第二稿" in page
    assert "第一稿" in client.get(reverse("stats:version", args=[report.pk, 1])).content.decode()
    assert _get(client, people["hr_official"], reverse("stats:version", args=[report.pk, 1])).status_code == 200
    for outsider in ("staff_nongan", "staff_jilin"):  # a county below, another city: not theirs to read
        assert _get(client, people[outsider], reverse("stats:version", args=[report.pk, 1])).status_code == 404
    board = _get(client, people["province_admin"], reverse("stats:board"), Q).content.decode()
    assert city.name in board and 'data-testid="board-compiled"' in board
