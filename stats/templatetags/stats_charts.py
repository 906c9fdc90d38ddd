"""{% stats_chart figures "pass_rate_by_level" %}: one chart of stats/charts.py, inline, on a page
(with the request's CSP nonce) or in a PDF template (no request, no nonce)."""

from __future__ import annotations

from django import template

from stats import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def stats_chart(context, figures, name):
    nonce = context.get("CSP_NONCE")
    return charts.svg(figures, name, nonce=str(nonce) if nonce else None)


@register.inclusion_tag("stats/_charts.html", takes_context=True)
def stats_charts(context, figures):
    """The three charts of the quarter, in CHARTS's order."""
    nonce = context.get("CSP_NONCE")
    return {"svgs": list(charts.all_svgs(figures, nonce=str(nonce) if nonce else None).values())}
