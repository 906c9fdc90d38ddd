"""The core's pages: login and password, every role's home, the calendar, centers, authority."""

from django.urls import path

from appraisal import views
from appraisal.messaging import views as messaging_views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/keep/", views.calendar_keep, name="calendar_keep"),
    path("centers/", views.center_list, name="center_list"),
    path("authority/", views.authority_check, name="authority_check"),
    path("access-log/", views.access_log, name="access_log"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/file/", views.job_output, name="job_output"),
    path("messages/", messaging_views.message_list, name="message_list"),
    path("messages/<int:pk>/", messaging_views.message_detail, name="message_detail"),
    path("messages/read-all/", messaging_views.mark_all_read, name="message_mark_all_read"),
    path("profile/", messaging_views.profile, name="profile"),
    path("password/forgot/", messaging_views.forgot_password, name="password_forgot"),
    path("password/forgot/code/", messaging_views.reset_confirm, name="password_reset_confirm"),
    path("healthz/", views.healthz, name="healthz"),
]
