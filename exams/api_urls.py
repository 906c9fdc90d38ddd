"""Exams API routes, included under /api/exams/."""

from rest_framework.routers import DefaultRouter

from exams.api.candidate import MyScoreViewSet, MyTicketViewSet
from exams.api.papers import CustodyEntryViewSet, PaperRequestViewSet, PaperViewSet
from exams.api.scores import CorrectionViewSet, ScoreViewSet
from exams.api.sessions import ExamSessionViewSet
from exams.api.sites import SiteViewSet

router = DefaultRouter()
router.register("sites", SiteViewSet, basename="exam-site")
router.register("sessions", ExamSessionViewSet, basename="exam-session")
router.register("scores", ScoreViewSet, basename="exam-score")
router.register("corrections", CorrectionViewSet, basename="exam-correction")
router.register("papers", PaperViewSet, basename="exam-paper")
router.register("paper-requests", PaperRequestViewSet, basename="exam-paper-request")
router.register("custody", CustodyEntryViewSet, basename="exam-custody")
router.register("my-tickets", MyTicketViewSet, basename="exam-my-ticket")
router.register("my-scores", MyScoreViewSet, basename="exam-my-score")

urlpatterns = router.urls
