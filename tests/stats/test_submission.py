"""Submission to the province (STAT-1): frozen versions, return and resubmission with a reason,
the diff, the audit of every transition, the deadline's beat job and the province's board; and the
bad inputs of the issue."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal.workdays import add_working_days
from stats import selectors, services
from stats.models import AlertKind, QuarterAlert, QuarterState, QuarterTransition
from tests.stats.conftest import QUARTER, YEAR
from tests.stats.generated import generate

AFTER = datetime.date(2025, 10, 9)  # inside the deadline window of 2025 Q3


def _submitted(people, chosen, text="本季度鉴定工作平稳。"):
    report = services.open_report(actor=people["staff_changchun"], center=chosen["changchun"], year=YEAR,
                                  quarter=QUARTER)
    services.save_text(actor=people["staff_changchun"], report=report, text=text)
    return report, services.submit(actor=people["staff_changchun"], report=report, today=AFTER)


def test_stat_1_submission_is_frozen_returned_resubmitted_and_accepted(generated, people):
    """STAT-1: a submitted quarter keeps its figures and report when the records change; the
    province returns it with a comment, the city resubmits with a reason as version 2, the diff shows
    what changed, the province accepts; every transition is audited."""
    chosen, _expected = generated
    report, first = _submitted(people, chosen)
    applied = first.figures["totals"]["applied"]
    assert applied == selectors.quarter_totals(chosen["changchun"], YEAR, QUARTER)["applied"] > 0
    assert first.on_time and first.report_text == "本季度鉴定工作平稳。"
    # Later records change the live figures, never the version.
    generate({"nongan": chosen["nongan"]}, year=YEAR, quarter=QUARTER, per_center=4, seed=11)
    assert selectors.quarter_totals(chosen["changchun"], YEAR, QUARTER)["applied"] == applied + 4
    first.refresh_from_db()
    assert first.figures["totals"]["applied"] == applied

    with pytest.raises(ValidationError):
        services.decide(actor=people["province_admin"], report=report, accept=False, comment="  ")
    services.decide(actor=people["province_admin"], report=report, accept=False, comment="农安县数据需核对")
    report.refresh_from_db()
    assert report.state == QuarterState.RETURNED
    with pytest.raises(ValidationError):  # resubmission without a reason
        services.submit(actor=people["staff_changchun"], report=report, reason="", today=AFTER)
    services.save_text(actor=people["staff_changchun"], report=report, text="本季度鉴定工作平稳。\n补录农安县数据。")
    second = services.submit(actor=people["staff_changchun"], report=report, reason="补录农安县4份申报",
                             today=AFTER)
    assert second.number == 2 and second.figures["totals"]["applied"] == applied + 4
    diff = selectors.version_diff(first, second)
    assert {"key": "applied", "old": applied, "new": applied + 4, "delta": 4} in [
        {k: c[k] for k in ("key", "old", "new", "delta")} for c in diff["totals"]]
    assert any(row["label"] == chosen["nongan"].name for row in diff["breakdowns"])
    assert "+补录农安县数据。" in diff["text"]
    services.decide(actor=people["province_admin"], report=report, accept=True)
    report.refresh_from_db()
    assert report.state == QuarterState.ACCEPTED
    trail = list(QuarterTransition.objects.filter(report=report).values_list("from_state", "to_state", "actor__username"))
    assert trail == [("draft", "submitted", "staff_changchun"), ("submitted", "returned", "province_admin"),
                     ("returned", "submitted", "staff_changchun"), ("submitted", "accepted", "province_admin")]
    with pytest.raises(ValidationError):  # nothing after acceptance
        services.save_text(actor=people["staff_changchun"], report=report, text="改")


def test_stat_1_a_county_does_not_compile_nor_submit_for_its_city(generated, people):
    """Bad input: a county's quarter is compiled by its city; a county's staff cannot submit the city's."""
    chosen, _expected = generated
    with pytest.raises(ValidationError):
        services.open_report(actor=people["staff_nongan"], center=chosen["nongan"], year=YEAR, quarter=QUARTER)
    with pytest.raises(PermissionDenied):
        services.open_report(actor=people["staff_nongan"], center=chosen["changchun"], year=YEAR, quarter=QUARTER)
    report = services.open_report(actor=people["staff_changchun"], center=chosen["changchun"], year=YEAR,
                                  quarter=QUARTER)
    for intruder in ("staff_nongan", "staff_jilin", "hr_official", "examiner"):
        with pytest.raises(PermissionDenied):
            services.submit(actor=people[intruder], report=report, today=AFTER)


def test_stat_1_the_province_does_not_edit_a_returned_quarter(generated, people):
    """Bad input: a returned quarter is corrected by the city, never edited or resubmitted by the province;
    nor does the city accept its own."""
    chosen, _expected = generated
    report, _version = _submitted(people, chosen)
    with pytest.raises(PermissionDenied):
        services.decide(actor=people["staff_changchun"], report=report, accept=True)
    services.decide(actor=people["province_admin"], report=report, accept=False, comment="请核对")
    with pytest.raises(PermissionDenied):
        services.save_text(actor=people["province_admin"], report=report, text="省里改的")
    with pytest.raises(PermissionDenied):
        services.submit(actor=people["province_admin"], report=report, reason="省里报", today=AFTER)
    report.refresh_from_db()
    assert report.state == QuarterState.RETURNED and report.report_text == "本季度鉴定工作平稳。"


def test_stat_1_future_and_unfinished_quarters_are_refused(people, centers):
    """Bad input: a quarter in the future, before the data starts, or not yet ended."""
    with pytest.raises(ValidationError):
        services.open_report(actor=people["staff_changchun"], center=centers["changchun"], year=2099, quarter=1)
    with pytest.raises(ValidationError):
        services.open_report(actor=people["staff_changchun"], center=centers["changchun"], year=2010, quarter=1)
    year, quarter = selectors.current_quarter()
    report = services.open_report(actor=people["staff_changchun"], center=centers["changchun"], year=year,
                                  quarter=quarter)
    with pytest.raises(ValidationError):
        services.submit(actor=people["staff_changchun"], report=report)


def test_stat_1_deadline_default_and_set_by_the_province(people, db):
    """The default deadline is the 10th working day after the quarter ends; the province sets another."""
    assert services.deadline_for(YEAR, QUARTER) == add_working_days(datetime.date(2025, 9, 30), 10)
    with pytest.raises(PermissionDenied):
        services.set_deadline(actor=people["staff_changchun"], year=YEAR, quarter=QUARTER,
                              due_on=datetime.date(2025, 10, 31))
    with pytest.raises(ValidationError):
        services.set_deadline(actor=people["province_admin"], year=YEAR, quarter=QUARTER,
                              due_on=datetime.date(2025, 9, 1))
    services.set_deadline(actor=people["province_admin"], year=YEAR, quarter=QUARTER,
                          due_on=datetime.date(2025, 10, 31))
    assert services.deadline_for(YEAR, QUARTER) == datetime.date(2025, 10, 31)


def test_stat_1_beat_reminds_then_alerts_once_even_run_twice(generated, people):
    """Bad input: the beat job run twice gives the same figures and one alert. A city that has not
    submitted is reminded 3 working days before the deadline and alerted once when late, the
    province told too; a city that submitted is neither."""
    chosen, _expected = generated
    _submitted(people, chosen)
    due = services.deadline_for(YEAR, QUARTER)
    before = add_working_days(due, -3)
    figures = selectors.quarter_figures(chosen["jilin_city"], YEAR, QUARTER)
    assert services.check_deadlines(today=add_working_days(before, -1)) == {"reminders": 0, "late": 0}
    first = services.check_deadlines(today=before)
    assert first["reminders"] > 0 and services.check_deadlines(today=before) == {"reminders": 0, "late": 0}
    late_day = due + datetime.timedelta(days=1)
    assert services.check_deadlines(today=late_day)["late"] == first["reminders"]
    assert services.check_deadlines(today=late_day) == {"reminders": 0, "late": 0}
    assert selectors.quarter_figures(chosen["jilin_city"], YEAR, QUARTER) == figures
    alerts = QuarterAlert.objects.filter(year=YEAR, quarter=QUARTER)
    assert not alerts.filter(center=chosen["changchun"]).exists()
    jilin = alerts.filter(center=chosen["jilin_city"])
    assert sorted(jilin.values_list("kind", flat=True)) == [AlertKind.LATE, AlertKind.REMINDER]
    late = jilin.get(kind=AlertKind.LATE)
    assert set(late.notified_centers.values_list("kind", flat=True)) == {"city", "province"}


def test_stat_1_board_of_completeness_and_timeliness(generated, people):
    """The province's board: 长春 on time and accepted, 吉林市 late, the others missing after the
    deadline; the compiled quarter is the accepted submissions' sum beside the live figures."""
    chosen, _expected = generated
    report, version = _submitted(people, chosen)
    services.decide(actor=people["province_admin"], report=report, accept=True)
    jilin = services.open_report(actor=people["staff_jilin"], center=chosen["jilin_city"], year=YEAR, quarter=QUARTER)
    late = services.submit(actor=people["staff_jilin"], report=jilin,
                           today=services.deadline_for(YEAR, QUARTER) + datetime.timedelta(days=3))
    assert not late.on_time
    board = selectors.board(YEAR, QUARTER)
    by_name = {row["center"].name: row for row in board["rows"]}
    assert by_name[chosen["changchun"].name]["timeliness"] == "on_time"
    assert by_name[chosen["changchun"].name]["state"] == QuarterState.ACCEPTED
    assert by_name[chosen["jilin_city"].name]["timeliness"] == "late"
    assert by_name[chosen["siping"].name]["timeliness"] == "missing"
    assert "长白山管委会职业技能鉴定中心" in by_name
    assert board["compiled"]["applied"] == version.figures["totals"]["applied"]
    assert board["live"]["applied"] > board["compiled"]["applied"]


def test_stat_1_people_hear_of_submission_return_acceptance_and_deadlines(generated, people):
    """STAT-1 with MSG-2: the province's clerks are told a quarter waits for them; the city's clerks
    that it was returned (with the comment) or accepted; a late city and the province get the alert.
    Each once, however often the beat job runs."""
    from appraisal.messaging import MessageKind
    from appraisal.messaging.models import Message

    chosen, _expected = generated

    def titles(who, kind=MessageKind.QUARTER_STATISTICS):
        return list(Message.objects.filter(recipient=people[who], kind=kind).order_by("pk")
                    .values_list("title", flat=True))

    report, _version = _submitted(people, chosen)
    assert titles("province_admin") == [f"{chosen['changchun'].name}{YEAR}年第{QUARTER}季度统计已报送（第1版），待审核"]
    assert titles("staff_jilin") == [] and titles("staff_nongan") == []
    services.decide(actor=people["province_admin"], report=report, accept=False, comment="农安县数据需核对")
    [returned] = Message.objects.filter(recipient=people["staff_changchun"], kind=MessageKind.QUARTER_STATISTICS)
    assert "被退回" in returned.title and returned.body == "退回意见：农安县数据需核对"
    assert f"center={chosen['changchun'].pk}" in returned.link
    services.submit(actor=people["staff_changchun"], report=report, reason="已核对", today=AFTER)
    assert Message.objects.get(recipient=people["province_admin"], title__contains="第2版").body == "重新报送原因：已核对"
    services.decide(actor=people["province_admin"], report=report, accept=True)
    assert "已被省职业技能鉴定中心接收" in titles("staff_changchun")[-1]

    late_day = services.deadline_for(YEAR, QUARTER) + datetime.timedelta(days=1)
    services.check_deadlines(today=late_day)
    services.check_deadlines(today=late_day)
    late_titles = titles("staff_jilin", MessageKind.OVERDUE_ALERT)
    assert len(late_titles) == 1 and chosen["jilin_city"].name in late_titles[0]
    assert any(chosen["jilin_city"].name in t for t in titles("province_admin", MessageKind.OVERDUE_ALERT))
    assert titles("staff_changchun", MessageKind.OVERDUE_ALERT) == []
