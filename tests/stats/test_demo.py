"""The statistics demo (STAT-1): two past quarters of records, 长春 accepted, 吉林市 returned with a
comment, 四平 late; loading it twice adds nothing."""

from appraisal.models import User
from stats import demo, selectors
from stats.models import QuarterReport, QuarterState, QuarterTransition


def test_stat_1_demo_quarters_and_submissions(db):
    demo.load(quiet=True)
    users = User.objects.count()
    demo.load(quiet=True)
    assert User.objects.count() == users
    last = selectors.previous_quarter(*selectors.current_quarter())
    earlier = selectors.previous_quarter(*last)
    states = {(r.center.division_code, (r.year, r.quarter)): r for r in QuarterReport.objects.select_related("center")}
    assert states[("220100", earlier)].state == states[("220100", last)].state == QuarterState.ACCEPTED
    returned = states[("220200", last)]
    assert returned.state == QuarterState.RETURNED
    assert QuarterTransition.objects.get(report=returned, to_state=QuarterState.RETURNED).comment
    assert not states[("220300", last)].versions.get().on_time
    board = selectors.board(*last)
    assert board["counts"]["late"] == 1 and board["counts"]["on_time"] == 2 and board["accepted"] == 1
    for quarter in (earlier, last):
        center = states[("220100", quarter)].center
        totals = selectors.quarter_totals(center, *quarter)
        assert totals["applied"] == demo.PER_QUARTER and totals["appraised"] > totals["qualified"] > 0
