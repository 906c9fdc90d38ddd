"""Scoped reads of the statistics app: the figures (`figures`), the submissions and the board
(`submissions`), and the records behind a figure (`records`). `quarter_totals` and
`quarter_figures` are pinned for reuse by other parts."""

from stats.selectors.figures import (  # noqa: F401
    check_quarter,
    current_quarter,
    first_quarter,
    last_quarters,
    previous_quarter,
    quarter_bounds,
    quarter_figures,
    quarter_of,
    quarter_totals,
    trend,
)
from stats.selectors.records import UnknownFigure, records_behind  # noqa: F401, E402
from stats.selectors.submissions import (  # noqa: F401, E402
    READERS,
    board,
    center_for,
    may_read,
    province_center,
    report_for,
    report_of,
    reports_for,
    transitions_of,
    version_diff,
    versions_of,
)
