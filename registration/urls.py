"""URLs of registration. Each area keeps its own views module; add its paths in its own block."""

from django.urls import path  # noqa: F401

app_name = "registration"

urlpatterns = []

# --- candidate pages (views_candidate.py) ---
from registration import views_candidate  # noqa: E402

urlpatterns += [
    path("signup/", views_candidate.signup, name="signup"),
    path("my/", views_candidate.my_applications, name="my_applications"),
    path("my/apply/", views_candidate.apply, name="apply"),
    path("my/<int:pk>/", views_candidate.application_detail, name="application_detail"),
    path("my/<int:pk>/edit/", views_candidate.application_edit, name="application_edit"),
    path("my/<int:pk>/materials/", views_candidate.material_upload, name="material_upload"),
    path("my/<int:pk>/submit/", views_candidate.submit, name="submit"),
    path("my/<int:pk>/withdraw/", views_candidate.withdraw, name="withdraw"),
]

# --- staff pages: review queue, detail, decisions, entry on behalf (views_staff.py) ---
from registration import views_staff  # noqa: E402

urlpatterns += [
    path("staff/review/", views_staff.review_queue, name="review_queue"),
    path("staff/review/<int:pk>/", views_staff.review_detail, name="review_detail"),
    path("staff/review/<int:pk>/decide/", views_staff.review_decide, name="review_decide"),
    path("staff/review/<int:pk>/payment/", views_staff.record_payment, name="record_payment"),
    path("staff/review/<int:pk>/materials/", views_staff.upload_material, name="staff_material_upload"),
    path("staff/review/<int:pk>/submit/", views_staff.submit_for_candidate, name="staff_submit"),
    path("staff/review/<int:pk>/original/", views_staff.confirm_original, name="confirm_original"),
    path("staff/review/<int:pk>/hr-opinion/", views_staff.record_hr_opinion, name="hr_opinion"),
    path("staff/enter/", views_staff.enter_for_candidate, name="enter_for_candidate"),
    path("staff/enter/<int:candidate_pk>/", views_staff.enter_application, name="enter_application"),
    path("materials/<int:pk>/", views_staff.material_file, name="material_file"),
]

# --- PDF: 申报表 download and batch print (views_pdf.py) ---
from registration import views_pdf  # noqa: E402

urlpatterns += [
    path("pdf/<int:pk>/", views_pdf.application_pdf, name="application_pdf"),
    path("pdf/batch/", views_pdf.batch_pdf, name="batch_pdf"),
]

# --- bulk import, exports, extra sessions, retakes (views_bulk.py) ---
from registration import views_bulk  # noqa: E402

urlpatterns += [
    path("bulk/import/", views_bulk.import_upload, name="bulk_import"),
    path("bulk/import/template.xlsx", views_bulk.import_template, name="bulk_import_template"),
    path("bulk/exports/", views_bulk.export_index, name="bulk_exports"),
    path("bulk/exports/report/<str:kind>/<int:pk>.xlsx", views_bulk.export_report, name="bulk_export_report"),
    path("bulk/exports/retake/<int:pk>.xlsx", views_bulk.export_retake, name="bulk_export_retake"),
    path("extra-sessions/", views_bulk.extra_session_list, name="extra_sessions"),
    path("extra-sessions/pending/", views_bulk.extra_session_pending, name="extra_sessions_pending"),
    path("extra-sessions/<int:pk>/decide/", views_bulk.extra_session_decide, name="extra_session_decide"),
]
