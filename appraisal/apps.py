from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "鉴定基础数据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from appraisal import authority, extensions, gates, signals  # noqa: F401

        # The core's own links on the staff home, after the apps' work.
        extensions.contribute(
            "home",
            [
                extensions.Link("鉴定机构", "center_list", gates.STAFF, order=900),
                extensions.Link("鉴定权限查询", "authority_check", gates.STAFF, order=910),
                extensions.Link("工作日历维护", "calendar_keep", gates.CLERKS, order=915,
                                when=authority.is_province_staff),
            extensions.Link("个人信息访问记录", "access_log", gates.CLERKS, order=920,
                            when=authority.is_province_staff),
            ],
        )
        extensions.HOME_NOTICES.register(calendar_notices)


def calendar_notices(user):
    """CAL-4: while the calendar of this year or the next is unknown, the province's staff are asked
    to enter it (everyone else reads 待公布 on their home, with whom to ask)."""
    from django.urls import reverse
    from django.utils import timezone

    from appraisal import authority, calendar_keeping
    from appraisal.extensions import Notice

    if not authority.is_province_staff(user):
        return []
    today = timezone.localdate()
    return [
        Notice(f"{year}年法定节假日和调休安排尚未录入，{year}年的报名截止日期暂显示为“待公布”",
               reverse("calendar_keep") + f"?year={year}")
        for year in (today.year, today.year + 1) if not calendar_keeping.year_is_maintained(year)
    ]
