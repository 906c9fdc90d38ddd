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
