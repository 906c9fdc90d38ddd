"""Hand-built figures dicts of the shape stats.selectors.quarter_figures() returns, so the outputs
(report, charts, workbook, PDF) are tested on known numbers without building records."""

from __future__ import annotations

from decimal import Decimal

FIGURE_KEYS = ("applied", "approved", "rejected", "returned", "appraised", "qualified", "pass_rate", "certified",
               "delivered", "delivered_on_time", "revoked", "retakes", "fees_due", "fees_paid")


def figures_row(appraised, qualified, *, applied=None, fees=Decimal("100.00")):
    applied = applied if applied is not None else appraised + 5
    return {
        "applied": applied, "approved": appraised + 2, "rejected": 2, "returned": 1, "appraised": appraised,
        "qualified": qualified, "pass_rate": round(qualified / appraised, 4) if appraised else None,
        "certified": qualified, "delivered": qualified - 1 if qualified else 0, "delivered_on_time": max(qualified - 2, 0),
        "revoked": 0, "retakes": 3, "fees_due": fees * applied, "fees_paid": fees * appraised,
    }


def item(key, label, appraised, qualified):
    return {"key": key, "label": label, "figures": figures_row(appraised, qualified)}


def figures(*, year=2026, quarter=3, center=("changchun", "长春市职业技能鉴定中心"), scale=1, occupations=None,
            levels=None):
    """A quarter: three levels, four occupations, kinds and centers; `scale` multiplies the counts."""
    levels = levels if levels is not None else [(5, "五级/初级工", 60, 54), (4, "四级/中级工", 40, 30), (3, "三级/高级工", 20, 8)]
    occupations = occupations if occupations is not None else [(1, "电工", 50, 45), (2, "焊工", 30, 20), (3, "育婴员", 25, 20), (4, "中式烹调师", 15, 7)]
    level_items = [item(k, label, a * scale, q * scale) for k, label, a, q in levels]
    appraised = sum(i["figures"]["appraised"] for i in level_items)
    qualified = sum(i["figures"]["qualified"] for i in level_items)
    totals = figures_row(appraised, qualified)
    return {
        "center": {"id": center[0], "name": center[1]}, "year": year, "quarter": quarter,
        "totals": totals,
        "breakdowns": {
            "level": level_items,
            "occupation": [item(k, label, a * scale, q * scale) for k, label, a, q in occupations],
            "appraisal_kind": [item("national", "全国统一鉴定", 20 * scale, 15 * scale),
                               item("provincial", "全省统一鉴定", 40 * scale, 30 * scale),
                               item("daily", "日常鉴定", 60 * scale, 47 * scale)],
            "candidate_kind": [item("student", "院校学生", 50 * scale, 40 * scale),
                               item("employee", "企业职工", 40 * scale, 32 * scale),
                               item("central", "中省属单位", 10 * scale, 8 * scale),
                               item("other", "其他", 20 * scale, 12 * scale)],
            "center": [item(10, "长春市", 70 * scale, 60 * scale), item(11, "农安县", 30 * scale, 20 * scale),
                       item(12, "公主岭市", 20 * scale, 12 * scale)],
        },
        "trend": [{"year": y, "quarter": q, "appraised": 100 + 10 * i, "qualified": 80 + 5 * i,
                   "pass_rate": round((80 + 5 * i) / (100 + 10 * i), 4)}
                  for i, (y, q) in enumerate([(2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1),
                                              (2026, 2), (2026, 3)])],
    }
