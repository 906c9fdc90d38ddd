from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from appraisal import views

admin.site.site_header = "吉林省职业技能鉴定管理系统 · 管理后台"
admin.site.site_title = "鉴定管理后台"
admin.site.index_title = "基础数据与业务管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("calendar/", views.calendar, name="calendar"),
    path("centers/", views.center_list, name="center_list"),
    path("authority/", views.authority_check, name="authority_check"),
    path("healthz/", views.healthz, name="healthz"),
    path("registration/", include("registration.urls")),
    path("exams/", include("exams.urls")),
    path("admin/", admin.site.urls),
    path("api/registration/", include("registration.api_urls")),
    path("api/exams/", include("exams.api_urls")),
    path("api/", include("appraisal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
