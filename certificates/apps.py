from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "证书管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Earlier steps ask through the core's extension points (appraisal/extensions.py): a
        # certified application stays (FEE-1 and its withdrawal), its published scores are
        # corrected only after revocation (EXAM-6), and the 申报表 prints the number (REG-1).
        from appraisal import extensions
        from certificates import jobs
        from certificates.services import guards

        extensions.APPLICATION_WITHDRAWAL_GUARDS.register(guards.certified_application_stays)
        extensions.PAYMENT_WITHDRAWAL_GUARDS.register(guards.certified_application_stays)
        extensions.SCORE_CHANGE_GUARDS.register(guards.revoke_before_score_change)
        extensions.APPLICATION_FORM_CELLS.register(guards.certificate_numbers_for_forms)
        extensions.HOME_NOTICES.register(home_notices)
        extensions.register_job(jobs.KIND)
        contribute_navigation()


def home_notices(user):
    """CERT-3: overdue certificates in the staff member's scope, and their center's open batches."""
    from django.urls import reverse

    from appraisal import gates
    from appraisal.extensions import Notice
    from certificates import selectors

    if not gates.has_role(user, gates.CLERKS | gates.HR_OFFICIALS):
        return []
    notices = []
    overdue = selectors.overdue_for(user).count()
    if overdue:
        notices.append(Notice(f"{overdue} 张证书已超过发放期限（成绩发布后15个工作日）未发放",
                              reverse("certificates:index") + "?overdue=1"))
    batches = selectors.open_batches_count(user)
    if batches:
        notices.append(Notice(f"{batches} 个证书打印批次待确认", reverse("certificates:batches")))
    incoming = selectors.reports_for(user).filter(receiver_id=user.center_id, state="sent").count()
    if incoming:
        notices.append(Notice(f"{incoming} 个证书数据上报批次待本机构接收", reverse("certificates:reports")))
    reminder = selectors.todays_report_reminder(user)
    if reminder:
        notices.append(Notice(f"{reminder.unreported} 张证书核发已超过规定工作日仍未上报", reverse("certificates:reports")))
    return notices


def _at_province(user) -> bool:
    from appraisal import authority

    return authority.is_province_staff(user)


def contribute_navigation():
    from appraisal.extensions import ANONYMOUS, Link, contribute
    from appraisal.gates import CANDIDATES, CLERKS, HR_OFFICIALS

    contribute("topbar", [
        Link("我的证书", "certificates:mine", CANDIDATES, order=300),
        Link("证书", "certificates:index", CLERKS | HR_OFFICIALS, order=300),
    ])
    contribute("home", [
        Link("我的证书", "certificates:mine", CANDIDATES, order=300),
        Link("证书核发", "certificates:sessions", CLERKS, order=300),
        Link("证书打印", "certificates:print_queue", CLERKS, order=310),
        Link("证书查询与发放", "certificates:index", CLERKS, order=320),
        Link("证书查询", "certificates:index", HR_OFFICIALS, order=320),
        Link("证书数据上报", "certificates:reports", CLERKS, order=330),
        Link("全国数据交换", "certificates:exchange", CLERKS, order=340, when=_at_province),
    ])
    contribute("public", [Link("证书查验", "certificates:verify", frozenset({ANONYMOUS}), order=300)])
