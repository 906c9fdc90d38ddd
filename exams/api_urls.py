"""Exams API routes, included under /api/exams/."""

from rest_framework.routers import DefaultRouter

from exams import api

router = DefaultRouter()
router.register("sites", api.SiteViewSet, basename="exam-site")
router.register("sessions", api.ExamSessionViewSet, basename="exam-session")
router.register("scores", api.ScoreViewSet, basename="exam-score")
router.register("corrections", api.CorrectionViewSet, basename="exam-correction")
router.register("papers", api.PaperViewSet, basename="exam-paper")
router.register("paper-requests", api.PaperRequestViewSet, basename="exam-paper-request")
router.register("custody", api.CustodyEntryViewSet, basename="exam-custody")
router.register("my-tickets", api.MyTicketViewSet, basename="exam-my-ticket")
router.register("my-scores", api.MyScoreViewSet, basename="exam-my-score")

urlpatterns = router.urls
