"""URLs of exams. Each area keeps its own views module; add its paths in its own block."""

from django.urls import path  # noqa: F401

app_name = "exams"

urlpatterns = []

# --- staff: sites, sessions, seats, examiners (views_sessions.py) ---
from exams import views_sessions  # noqa: E402

urlpatterns += [
    path("sites/", views_sessions.site_list, name="site_list"),
    path("sites/<int:pk>/rooms/", views_sessions.room_add, name="room_add"),
    path("sessions/", views_sessions.session_list, name="session_list"),
    path("sessions/new/", views_sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", views_sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/seats/auto/", views_sessions.seats_auto, name="seats_auto"),
    path("sessions/<int:pk>/seats/assign/", views_sessions.seat_assign, name="seat_assign"),
    path("sessions/<int:pk>/seats/chart/", views_sessions.seat_chart, name="seat_chart"),
    path("sessions/<int:pk>/examiners/", views_sessions.examiner_assign, name="examiner_assign"),
    path("examiners/", views_sessions.qualification_list, name="qualification_list"),
]

# --- scores, publication, corrections; candidate tickets and scores (views_scores.py) ---
from exams import views_scores  # noqa: E402

urlpatterns += [
    path("scores/", views_scores.score_index, name="score_index"),
    path("scores/sessions/<int:pk>/", views_scores.score_sheet, name="score_sheet"),
    path("scores/sessions/<int:pk>/template.xlsx", views_scores.score_template, name="score_template"),
    path("scores/sessions/<int:pk>/import/", views_scores.score_import, name="score_import"),
    path("scores/sessions/<int:pk>/publish/", views_scores.publish, name="score_publish"),
    path("scores/<int:pk>/correction/", views_scores.request_correction, name="score_correction"),
    path("scores/corrections/", views_scores.corrections, name="corrections"),
    path("scores/corrections/<int:pk>/decide/", views_scores.decide_correction, name="correction_decide"),
    path("my/tickets/", views_scores.my_tickets, name="my_tickets"),
    path("my/scores/", views_scores.my_scores, name="my_scores"),
]

# --- papers, custody, supervision, tickets PDF (views_papers.py) ---
from exams import views_papers  # noqa: E402

urlpatterns += [
    path("papers/sessions/<int:pk>/", views_papers.session_papers, name="session_papers"),
    path("papers/sessions/<int:pk>/compose/", views_papers.paper_compose, name="paper_compose"),
    path("papers/sessions/<int:pk>/request/", views_papers.paper_request, name="paper_request"),
    path("papers/sessions/<int:pk>/supervision/", views_papers.supervision_add, name="supervision_add"),
    path("papers/sessions/<int:pk>/incidents/", views_papers.incident_add, name="incident_add"),
    path("papers/sessions/<int:pk>/tickets.pdf", views_papers.session_tickets_pdf, name="session_tickets_pdf"),
    path("papers/sessions/<int:pk>/tickets/render/", views_papers.session_tickets_render,
         name="session_tickets_render"),
    path("papers/sessions/<int:pk>/tickets/stored.pdf", views_papers.session_tickets_stored,
         name="session_tickets_stored"),
    path("papers/requests/", views_papers.paper_requests, name="paper_requests"),
    path("papers/requests/<int:pk>/fulfil/", views_papers.paper_request_fulfil, name="paper_request_fulfil"),
    path("papers/<int:pk>/custody/", views_papers.paper_custody, name="paper_custody"),
    path("papers/<int:pk>/trace/", views_papers.paper_trace, name="paper_trace"),
    path("tickets/<int:pk>.pdf", views_papers.ticket_pdf, name="ticket_pdf"),
]
