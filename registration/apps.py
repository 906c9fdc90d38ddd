from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "报名管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from appraisal.extensions import HOME_NOTICES, register_job
        from registration import jobs, signals  # noqa: F401  (signals connects the receivers)

        for kind in jobs.KINDS:
            register_job(kind)
        HOME_NOTICES.register(home_notices)
        contribute_navigation()


def home_notices(user):
    """REG-1: the HR official's count of applications waiting for their opinion, linking to them."""
    from django.urls import reverse

    from appraisal import gates
    from appraisal.extensions import Notice
    from registration import selectors

    if not gates.has_role(user, gates.HR_OFFICIALS):
        return []
    waiting = selectors.awaiting_hr_opinion(user).count()
    if not waiting:
        return []
    return [Notice(f"{waiting} 份申报待填写人社部门意见",
                   reverse("registration:review_queue") + f"?status={selectors.AWAITING_OPINION}")]


def contribute_navigation():
    from appraisal.extensions import ANONYMOUS, Link, contribute
    from appraisal.gates import CANDIDATES, CLERKS, HR_OFFICIALS, STAFF

    contribute(
        "topbar",
        [
            Link("我的申报", "registration:my_applications", CANDIDATES, order=100),
            Link("报名审核", "registration:review_queue", STAFF, order=100),
        ],
    )
    contribute(
        "home",
        [
            Link("新建鉴定申报", "registration:apply", CANDIDATES, order=100),
            Link("我的申报与审核进度", "registration:my_applications", CANDIDATES, order=110),
            Link("报名审核", "registration:review_queue", CLERKS, order=100),
            Link("代考生录入", "registration:enter_for_candidate", CLERKS, order=110),
            Link("批量导入", "registration:bulk_import", CLERKS, order=120),
            Link("数据导出", "registration:bulk_exports", CLERKS, order=130),
            Link("增加鉴定场次", "registration:extra_sessions", CLERKS, order=140),
            Link("报名情况", "registration:review_queue", HR_OFFICIALS, order=100),
            Link("数据导出", "registration:bulk_exports", HR_OFFICIALS, order=130),
        ],
    )
    contribute("public", [Link("考生注册", "registration:signup", frozenset({ANONYMOUS}), order=100)])
