"""URLs of the statistics app: the quarter page, the records behind a number, the submission and
its versions, and the province's board."""

from django.urls import path

from stats import views, views_outputs

app_name = "stats"

urlpatterns = [
    path("", views.quarter, name="quarter"),
    path("records/", views.records, name="records"),
    path("board/", views.board, name="board"),
    path("deadline/", views.deadline, name="deadline"),
    path("reports/<int:pk>/text/", views.save_text, name="save_text"),
    path("reports/<int:pk>/submit/", views.submit, name="submit"),
    path("reports/<int:pk>/decide/", views.decide, name="decide"),
    path("reports/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("reports/<int:pk>/diff/", views.diff, name="diff"),
    # the outputs: the workbook (a background job), the report as a PDF, live or as submitted
    path("<int:center>/<int:year>/<int:quarter>/excel/", views_outputs.workbook, name="quarter_workbook"),
    path("<int:center>/<int:year>/<int:quarter>/report.pdf", views_outputs.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/versions/<int:number>/report.pdf", views_outputs.version_pdf, name="version_pdf"),
]
