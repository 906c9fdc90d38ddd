"""Root URLs: the core's pages and API, then each app's, the admin and the API schema.

The wiring is the only place that names every app; the core (appraisal) never does."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "吉林省职业技能鉴定管理系统 · 管理后台"
admin.site.site_title = "鉴定管理后台"
admin.site.index_title = "基础数据与业务管理"

urlpatterns = [
    path("", include("appraisal.urls")),
    path("registration/", include("registration.urls")),
    path("exams/", include("exams.urls")),
    path("certificates/", include("certificates.urls")),
    path("stats/", include("stats.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
]

handler400 = "appraisal.error_pages.bad_request"
handler403 = "appraisal.error_pages.forbidden"
handler404 = "appraisal.error_pages.not_found"
handler500 = "appraisal.error_pages.server_error"
