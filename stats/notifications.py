"""Messages of the quarter's submission (STAT-1, appraisal/messaging): the province's clerks hear of
a quarter submitted to them, the compiling center's clerks of its return (with the comment) or
acceptance, and of the deadline's reminder and late alert. Written in the transaction of the change,
once per event (the messages' unique event)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.messaging import MessageKind
from appraisal.messaging.services import clerks_of, notify_many
from appraisal.models import Center, CenterKind


def _quarter_link(center_id: int, year: int, quarter: int) -> str:
    return reverse("stats:quarter") + "?" + urlencode({"center": center_id, "year": year, "quarter": quarter})


def _label(report) -> str:
    return _("%(center)s%(year)d年第%(quarter)d季度统计") % {
        "center": report.center.name, "year": report.year, "quarter": report.quarter}


def submitted(report, version, transition) -> None:
    """To the province's clerks: a quarter waits for them to accept or return it."""
    province = Center.objects.filter(kind=CenterKind.PROVINCE).values_list("pk", flat=True)
    notify_many(clerks_of(province), kind=MessageKind.QUARTER_STATISTICS,
                event=f"stats.quarter:{report.pk}:transition:{transition.pk}",
                title=_("%(label)s已报送（第%(number)d版），待审核") % {"label": _label(report), "number": version.number},
                body=version.reason and _("重新报送原因：%(reason)s") % {"reason": version.reason},
                link=_quarter_link(report.center_id, report.year, report.quarter))


def decided(report, transition, *, accepted: bool) -> None:
    """To the compiling center's clerks: the province accepted their quarter, or returned it."""
    title = (_("%(label)s已被省职业技能鉴定中心接收") if accepted
             else _("%(label)s被退回，请修改后重新报送")) % {"label": _label(report)}
    notify_many(clerks_of([report.center_id]), kind=MessageKind.QUARTER_STATISTICS,
                event=f"stats.quarter:{report.pk}:transition:{transition.pk}", title=title,
                body="" if accepted else _("退回意见：%(comment)s") % {"comment": transition.comment},
                link=_quarter_link(report.center_id, report.year, report.quarter))


def deadline_alert(alert, centers) -> None:
    """The reminder before the deadline (to the center) or the late alert (to it and the province)."""
    notify_many(clerks_of(centers), kind=MessageKind.OVERDUE_ALERT, event=f"stats.alert:{alert.pk}",
                title=_("%(center)s%(year)d年第%(quarter)d季度统计%(kind)s") % {
                    "center": alert.center.name, "year": alert.year, "quarter": alert.quarter,
                    "kind": alert.get_kind_display()},
                body=_("报送期限%(due)s。") % {"due": alert.due_on.isoformat()},
                link=_quarter_link(alert.center_id, alert.year, alert.quarter))
