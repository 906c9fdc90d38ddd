from django.urls import include, path
from rest_framework.routers import DefaultRouter

from appraisal import api

router = DefaultRouter()
router.register("centers", api.CenterViewSet, basename="center")
router.register("occupations", api.OccupationViewSet, basename="occupation")
router.register("calendar/unified", api.UnifiedAppraisalViewSet, basename="unified-appraisal")
router.register("calendar/retake-days", api.RetakeDayViewSet, basename="retake-day")
router.register("calendar/appraisal-days", api.ScheduledAppraisalDayViewSet, basename="appraisal-day")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.me, name="api-me"),
    path("calendar/deadline/", api.deadline, name="api-deadline"),
    path("authority/check/", api.authority_check, name="api-authority-check"),
    path("", include(router.urls)),
]
