"""Exams API (DRF, EXAM-1..EXAM-11), by concern: sites, sessions (with their seats and examiners,
papers and supervision, scores), papers and custody, scores and corrections, and the candidate's
tickets and scores. Thin over exams.services and exams.selectors: every read is scoped by the
authority engine through the selectors (another center's session is a 404), every write is a
service call (see docs/architecture.md)."""

from exams.api.candidate import MyScoreViewSet, MyTicketViewSet
from exams.api.papers import CustodyEntryViewSet, PaperRequestViewSet, PaperViewSet
from exams.api.scores import CorrectionViewSet, ScoreViewSet
from exams.api.sessions import ExamSessionViewSet
from exams.api.sites import SiteViewSet

__all__ = [
    "CorrectionViewSet", "CustodyEntryViewSet", "ExamSessionViewSet", "MyScoreViewSet",
    "MyTicketViewSet", "PaperRequestViewSet", "PaperViewSet", "ScoreViewSet", "SiteViewSet",
]
