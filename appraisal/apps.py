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
            extensions.Link("个人信息访问记录", "access_log", gates.CLERKS, order=920,
                            when=authority.is_province_staff),
            ],
        )
