"""The quarter's figures (STAT-1, ORG-8): computed from generated records, a level equals the sum
of the level below for every figure, an expanded-authority county counts in its city only, and the
queries per quarter do not grow with the number of centers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal import authority
from appraisal.models import Center
from stats import selectors
from stats.definitions import BREAKDOWN_KEYS, FIGURE_KEYS, FIGURES, PINNED_TOTALS, RATE
from tests.stats.conftest import QUARTER, YEAR


def _sum(rows, key):
    return sum(row["figures"][key] for row in rows)


def test_stat_1_province_totals_are_the_generated_records(generated):
    """STAT-1: every counted figure of the province is exactly what was generated."""
    chosen, expected = generated
    totals = selectors.quarter_totals(chosen["province"], YEAR, QUARTER)
    for key, value in expected.items():
        assert totals[key] == value, key
    assert totals["pass_rate"] == round(expected["qualified"] / expected["appraised"], 4)
    assert set(PINNED_TOTALS) <= set(totals) and all(isinstance(totals[k], int) for k in PINNED_TOTALS)


def test_stat_1_every_level_is_the_sum_of_the_level_below(generated):
    """STAT-1: for every figure, the province equals the sum of its center rows (its own and each
    child's whole region), each city equals its own plus its counties, and every breakdown adds up
    to the totals."""
    chosen, _expected = generated
    summed = [f.key for f in FIGURES if f.kind != RATE]
    province = selectors.quarter_figures(chosen["province"], YEAR, QUARTER)
    for row in province["breakdowns"]["center"]:
        child_total = selectors.quarter_totals(Center.objects.get(pk=row["key"]), YEAR, QUARTER)
        if row["key"] != chosen["province"].pk:
            assert {k: child_total[k] for k in summed} == {k: row["figures"][k] for k in summed}, row["label"]
    for breakdown in BREAKDOWN_KEYS:
        rows = province["breakdowns"][breakdown]
        for key in summed:
            assert _sum(rows, key) == province["totals"][key], (breakdown, key)
    for city in ("changchun", "jilin_city", "siping"):
        figures = selectors.quarter_figures(chosen[city], YEAR, QUARTER)
        children = [chosen[k] for k in chosen if chosen[k].parent_id == chosen[city].pk]
        own = next(r for r in figures["breakdowns"]["center"] if r["key"] == chosen[city].pk)["figures"]
        for key in summed:
            below = sum(selectors.quarter_totals(child, YEAR, QUARTER)[key] for child in children)
            assert figures["totals"][key] == own[key] + below, (city, key)


def test_stat_1_expanded_county_counted_in_its_city_and_only_there(generated):
    """STAT-1/ORG-5: 公主岭 (expanded authority) is inside its city's figures, in no other city's, and
    once in the province's center breakdown (under its city, never as a row of its own)."""
    chosen, _expected = generated
    county = chosen["gongzhuling"]
    own = selectors.quarter_totals(county, YEAR, QUARTER)
    assert own["applied"] > 0
    city = county.parent
    rows = selectors.quarter_figures(city, YEAR, QUARTER)["breakdowns"]["center"]
    assert [r["figures"]["applied"] for r in rows if r["key"] == county.pk] == [own["applied"]]
    province_rows = selectors.quarter_figures(chosen["province"], YEAR, QUARTER)["breakdowns"]["center"]
    assert county.pk not in [r["key"] for r in province_rows]
    city_row = next(r for r in province_rows if r["key"] == city.pk)
    assert city_row["figures"]["applied"] == selectors.quarter_totals(city, YEAR, QUARTER)["applied"]
    for other in ("changchun", "jilin_city", "siping"):
        if chosen[other].pk != city.pk:
            assert county.pk not in authority.counted_in(chosen[other])
            other_rows = selectors.quarter_figures(chosen[other], YEAR, QUARTER)["breakdowns"]["center"]
            assert county.pk not in [r["key"] for r in other_rows]


def test_stat_1_shape_and_constant_queries(generated, centers):
    """The pinned shape; the same number of queries for a county as for the province."""
    chosen, _expected = generated
    counts = []
    for center in (chosen["nongan"], chosen["changchun"], chosen["province"]):
        with CaptureQueriesContext(connection) as captured:
            figures = selectors.quarter_figures(center, YEAR, QUARTER)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2]
    assert set(figures) == {"center", "year", "quarter", "totals", "breakdowns", "trend"}
    assert list(figures["totals"]) == list(FIGURE_KEYS)
    assert list(figures["breakdowns"]) == list(BREAKDOWN_KEYS)
    assert len(figures["trend"]) == 8 and figures["trend"][-1]["appraised"] == figures["totals"]["appraised"]
    assert set(figures["breakdowns"]["level"][0]) == {"key", "label", "figures"}


@pytest.mark.parametrize("year,quarter", [(2027, 1), (2015, 4), (2026, 5), ("x", 1)])
def test_stat_1_refuses_a_future_or_too_early_quarter(year, quarter):
    """Bad input: a quarter in the future, before the data starts, or not a quarter."""
    import datetime

    with pytest.raises(ValidationError):
        selectors.check_quarter(year, quarter, today=datetime.date(2026, 12, 1))


def test_stat_1_docs_list_every_figure_with_its_chinese_definition():
    """docs/statistics.md lists every figure and breakdown with the definition the code holds."""
    from pathlib import Path

    from stats.definitions import BREAKDOWNS

    text = (Path(__file__).resolve().parents[2] / "docs" / "statistics.md").read_text(encoding="utf-8")
    for item in list(FIGURES) + list(BREAKDOWNS):
        assert f"`{item.key}` | {item.label} |" in text and str(item.definition) in text, item.key


def test_stat_1_queries_do_not_grow_with_the_number_of_centers(generated):
    """Ten more counties with records: the province's quarter asks the same number of queries."""
    chosen, _expected = generated
    from tests.stats.generated import generate

    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.quarter_figures(chosen["province"], YEAR, QUARTER)
        return len(captured.captured_queries)

    before = queries()
    added = {f"extra{n}": Center.objects.create(name=f"统计测试县{n}", kind="county", parent=chosen["siping"])
             for n in range(10)}
    generate(added, year=YEAR, quarter=QUARTER, per_center=3, seed=3)
    assert queries() == before
    rows = selectors.quarter_figures(chosen["province"], YEAR, QUARTER)["breakdowns"]["center"]
    siping = next(r for r in rows if r["key"] == chosen["siping"].pk)
    assert siping["figures"]["applied"] == selectors.quarter_totals(chosen["siping"], YEAR, QUARTER)["applied"]


def test_stat_1_a_subject_made_void_before_any_score_is_not_qualified(generated):
    """STAT-1/EXAM-11: no score may be entered for a subject made void, so a candidate whose theory
    was voided and whose skill passed has one passed score and nothing else. Certificate
    eligibility (`exams.services.outcomes_for`) calls that not qualified; so must the statistics:
    appraised, not qualified, and not among the records behind 鉴定合格人数."""
    from exams.models import DisciplineIncident, IncidentMeasure, Score, Subject
    from registration.models import Application, Status

    chosen, _expected = generated
    before = selectors.quarter_totals(chosen["province"], YEAR, QUARTER)
    trend_before = selectors.trend(chosen["province"], YEAR, QUARTER)[-1]
    sat = Score.objects.filter(application__center=chosen["nongan"], subject=Subject.SKILL, passed=True).first()
    other = Application.objects.filter(center=chosen["nongan"], status=Status.APPROVED).exclude(
        scores__isnull=False).first() or Application.objects.filter(center=chosen["nongan"]).exclude(
        scores__isnull=False).first()
    other.status = Status.APPROVED
    other.save(update_fields=["status"])
    Score.objects.create(application=other, session=sat.session, subject=Subject.SKILL, value=sat.value,
                         passed=True, entered_by=sat.entered_by)
    DisciplineIncident.objects.create(session=sat.session, application=other, kind="copying",
                                      measure=IncidentMeasure.SUBJECT_VOID, subject=Subject.THEORY,
                                      description="抄袭", recorded_by=sat.entered_by)

    after = selectors.quarter_totals(chosen["province"], YEAR, QUARTER)
    assert after["appraised"] == before["appraised"] + 1
    assert after["qualified"] == before["qualified"]
    trend_after = selectors.trend(chosen["province"], YEAR, QUARTER)[-1]
    assert (trend_after["appraised"], trend_after["qualified"]) == (trend_before["appraised"] + 1,
                                                                     trend_before["qualified"])
    _kind, qualified = selectors.records_behind(chosen["province"], YEAR, QUARTER, "qualified")
    assert other.pk not in set(qualified.values_list("pk", flat=True))
    assert qualified.count() == after["qualified"]
