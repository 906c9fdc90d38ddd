from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "统计"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The core's home page asks through its extension points (appraisal/extensions.py).
        from appraisal import extensions
        from stats import jobs

        extensions.register_job(jobs.KIND)
        extensions.HOME_PANELS.register(home_panels)
        extensions.HOME_NOTICES.register(home_notices)
        contribute_navigation()


def home_panels(user):
    """STAT-1: the key figures of the current quarter for everything under the user's center, with
    the trend of the last eight quarters. Staff and HR officials only."""
    from django.urls import reverse

    from appraisal.extensions import Panel
    from stats import selectors
    from stats.definitions import FIGURES_BY_KEY

    if not selectors.may_read(user):
        return []
    center = selectors.center_for(user)
    year, quarter = selectors.current_quarter()
    totals = selectors.quarter_totals(center, year, quarter)
    from stats.views import show

    keys = ("applied", "appraised", "qualified", "pass_rate", "certified")
    return [Panel("stats/_home.html", {
        "center": center, "year": year, "quarter": quarter,
        "figures": [{"label": FIGURES_BY_KEY[k].label, "text": show(totals[k], FIGURES_BY_KEY[k].kind)} for k in keys],
        "trend": [dict(p, rate=show(p["pass_rate"], "rate")) for p in selectors.trend(center, year, quarter)],
        "url": reverse("stats:quarter") + f"?center={center.pk}&year={year}&quarter={quarter}",
    })]


def home_notices(user):
    """STAT-1: a city's reminder or late alert of the quarter still to submit; the province's count."""
    from django.urls import reverse

    from appraisal import authority
    from appraisal.extensions import Notice
    from stats import selectors
    from stats.models import QuarterAlert, QuarterReport

    if not selectors.may_read(user) or user.center_id is None:
        return []
    year, quarter = selectors.previous_quarter(*selectors.current_quarter())
    pending = QuarterAlert.objects.filter(year=year, quarter=quarter, notified_centers=user.center_id).exclude(
        center__quarter_reports__in=QuarterReport.objects.filter(year=year, quarter=quarter).exclude(state="draft"))
    notices = [Notice(f"{a.center.name} {year}年第{quarter}季度统计：{a.get_kind_display()}（期限 {a.due_on:%Y-%m-%d}）",
                      reverse("stats:quarter") + f"?center={a.center_id}&year={year}&quarter={quarter}")
               for a in pending.select_related("center").order_by("center__division_code", "kind")[:10]]
    if authority.is_province_staff(user):
        waiting = QuarterReport.objects.filter(state="submitted").count()
        if waiting:
            notices.append(Notice(f"{waiting} 份季度统计待审核接收", reverse("stats:board")))
    return notices


def contribute_navigation():
    from appraisal.extensions import Link, contribute
    from appraisal.gates import CLERKS, HR_OFFICIALS

    contribute("topbar", [Link("统计", "stats:quarter", CLERKS | HR_OFFICIALS, order=400)])
    contribute("home", [Link("季度统计", "stats:quarter", CLERKS | HR_OFFICIALS, order=400)])
