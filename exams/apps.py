from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考务管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registration cannot import exams (dependencies go one way), so exams plugs into the
        # extension points: a seated candidate stays paid (FEE-1), and the 申报表 shows the
        # published scores in its 鉴定成绩 cells (REG-1). The score import runs as a background job.
        from appraisal import extensions
        from exams import jobs
        from exams.services.scores import published_scores_for_forms
        from exams.services.seating import seated_guard

        extensions.PAYMENT_WITHDRAWAL_GUARDS.register(seated_guard)
        extensions.APPLICATION_FORM_CELLS.register(published_scores_for_forms)
        extensions.register_job(jobs.KIND)
        contribute_navigation()


def _at_province(user) -> bool:
    return user.center is not None and user.center.kind == "province"


def contribute_navigation():
    from appraisal.extensions import Link, contribute
    from appraisal.gates import CANDIDATES, CLERKS, EXAMINERS, HR_OFFICIALS, STAFF

    contribute(
        "topbar",
        [
            Link("准考证", "exams:my_tickets", CANDIDATES, order=200),
            Link("我的成绩", "exams:my_scores", CANDIDATES, order=210),
            Link("考务管理", "exams:session_list", STAFF, order=200),
            Link("成绩", "exams:score_index", STAFF, order=210),
        ],
    )
    contribute(
        "home",
        [
            Link("打印准考证", "exams:my_tickets", CANDIDATES, order=200),
            Link("查询成绩", "exams:my_scores", CANDIDATES, order=210),
            Link("考试场次与考位", "exams:session_list", CLERKS, order=200),
            Link("考点与考场", "exams:site_list", CLERKS, order=210),
            Link("考评员资格", "exams:qualification_list", CLERKS, order=220),
            Link("成绩录入与发布", "exams:score_index", CLERKS, order=230),
            Link("成绩更正", "exams:corrections", CLERKS, order=240),
            Link("试卷申请", "exams:paper_requests", CLERKS, order=250, when=_at_province),
            Link("我参与的考试场次", "exams:session_list", EXAMINERS, order=200),
            Link("成绩录入", "exams:score_index", EXAMINERS, order=230),
            Link("考试场次", "exams:session_list", HR_OFFICIALS, order=200),
            Link("成绩更正", "exams:corrections", HR_OFFICIALS, order=240),
        ],
    )
