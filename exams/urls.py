"""URLs of exams, by area: staff pages of sessions, scores and papers, and the candidate's own pages."""

from django.urls import path

from exams.views import candidate, papers, scores, sessions

app_name = "exams"

urlpatterns = [
    # staff: sites, sessions, seats, examiners
    path("sites/", sessions.site_list, name="site_list"),
    path("sites/<int:pk>/rooms/", sessions.room_add, name="room_add"),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/seats/auto/", sessions.seats_auto, name="seats_auto"),
    path("sessions/<int:pk>/seats/assign/", sessions.seat_assign, name="seat_assign"),
    path("sessions/<int:pk>/seats/chart/", sessions.seat_chart, name="seat_chart"),
    path("sessions/<int:pk>/examiners/", sessions.examiner_assign, name="examiner_assign"),
    path("examiners/", sessions.qualification_list, name="qualification_list"),
    # scores, publication, corrections
    path("scores/", scores.score_index, name="score_index"),
    path("scores/sessions/<int:pk>/", scores.score_sheet, name="score_sheet"),
    path("scores/sessions/<int:pk>/template.xlsx", scores.score_template, name="score_template"),
    path("scores/sessions/<int:pk>/import/", scores.score_import, name="score_import"),
    path("scores/sessions/<int:pk>/publish/", scores.publish, name="score_publish"),
    path("scores/<int:pk>/correction/", scores.request_correction, name="score_correction"),
    path("scores/corrections/", scores.corrections, name="corrections"),
    path("scores/corrections/<int:pk>/decide/", scores.decide_correction, name="correction_decide"),
    # the candidate's tickets and scores
    path("my/tickets/", candidate.my_tickets, name="my_tickets"),
    path("my/scores/", candidate.my_scores, name="my_scores"),
    # papers, custody, supervision, tickets PDF
    path("papers/sessions/<int:pk>/", papers.session_papers, name="session_papers"),
    path("papers/sessions/<int:pk>/compose/", papers.paper_compose, name="paper_compose"),
    path("papers/sessions/<int:pk>/request/", papers.paper_request, name="paper_request"),
    path("papers/sessions/<int:pk>/supervision/", papers.supervision_add, name="supervision_add"),
    path("papers/sessions/<int:pk>/incidents/", papers.incident_add, name="incident_add"),
    path("papers/sessions/<int:pk>/tickets.pdf", papers.session_tickets_pdf, name="session_tickets_pdf"),
    path("papers/sessions/<int:pk>/tickets/render/", papers.session_tickets_render, name="session_tickets_render"),
    path("papers/sessions/<int:pk>/tickets/stored.pdf", papers.session_tickets_stored, name="session_tickets_stored"),
    path("papers/requests/", papers.paper_requests, name="paper_requests"),
    path("papers/requests/<int:pk>/fulfil/", papers.paper_request_fulfil, name="paper_request_fulfil"),
    path("papers/<int:pk>/custody/", papers.paper_custody, name="paper_custody"),
    path("papers/<int:pk>/trace/", papers.paper_trace, name="paper_trace"),
    path("tickets/<int:pk>.pdf", papers.ticket_pdf, name="ticket_pdf"),
]
