"""Who prints the certificates (CERT-2)."""

from __future__ import annotations

from appraisal.models import Center, CenterKind


def printing_center(center: Center, *, unified: bool) -> Center:
    """The center that prints the certificates of an appraisal held by `center` (CERT-2): a city
    center prints its own daily appraisals and those of its counties, expanded-authority counties
    included, and of the school and enterprise bodies under it; the province center prints its own
    (levels 2 and 1, the 中省属 units), the unified appraisals, and those of the bodies directly under
    it. Load `center` with its parent (select_related) to ask no query."""
    if unified:
        node = center
        while node.parent_id is not None:
            node = node.parent
        return node  # the province, wherever a unified appraisal was sat
    if center.kind in (CenterKind.PROVINCE, CenterKind.CITY):
        return center
    return center.parent  # a county's city; a body's city or the province
