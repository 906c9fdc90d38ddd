"""URLs of registration, a block per views module."""

from django.urls import path

from registration.views import candidate, documents, entry, exports, extra_sessions, imports, review

app_name = "registration"

urlpatterns = [
    # Candidate pages
    path("signup/", candidate.signup, name="signup"),
    path("my/", candidate.my_applications, name="my_applications"),
    path("my/apply/", candidate.apply, name="apply"),
    path("my/<int:pk>/", candidate.application_detail, name="application_detail"),
    path("my/<int:pk>/edit/", candidate.application_edit, name="application_edit"),
    path("my/<int:pk>/materials/", candidate.material_upload, name="material_upload"),
    path("my/<int:pk>/submit/", candidate.submit, name="submit"),
    path("my/<int:pk>/withdraw/", candidate.withdraw, name="withdraw"),
    # Staff review: queue, detail, decisions
    path("staff/review/", review.review_queue, name="review_queue"),
    path("staff/review/<int:pk>/", review.review_detail, name="review_detail"),
    path("staff/review/<int:pk>/decide/", review.review_decide, name="review_decide"),
    path("staff/review/<int:pk>/payment/", review.record_payment, name="record_payment"),
    path("staff/review/<int:pk>/materials/", review.upload_material, name="staff_material_upload"),
    path("staff/review/<int:pk>/submit/", review.submit_for_candidate, name="staff_submit"),
    path("staff/review/<int:pk>/original/", review.confirm_original, name="confirm_original"),
    path("staff/review/hr-opinions/", review.record_hr_opinions, name="hr_opinions"),
    path("staff/review/<int:pk>/hr-opinion/", review.record_hr_opinion, name="hr_opinion"),
    # Entry on a candidate's behalf
    path("staff/enter/", entry.enter_for_candidate, name="enter_for_candidate"),
    path("staff/enter/<int:candidate_pk>/", entry.enter_application, name="enter_application"),
    # Downloads: uploaded files, the 申报表 PDF, batch print
    path("materials/<int:pk>/", documents.material_file, name="material_file"),
    path("materials/<int:pk>/thumbnail/", documents.photo_thumbnail_file, name="photo_thumbnail"),
    path("pdf/<int:pk>/", documents.application_pdf, name="application_pdf"),
    path("pdf/batch/", documents.batch_pdf, name="batch_pdf"),
    # Bulk import and exports
    path("bulk/import/", imports.import_upload, name="bulk_import"),
    path("bulk/import/template.xlsx", imports.import_template, name="bulk_import_template"),
    path("bulk/exports/", exports.export_index, name="bulk_exports"),
    path("bulk/exports/report/<str:kind>/<int:pk>/", exports.export_report, name="bulk_export_report"),
    path("bulk/exports/retake/<int:pk>/", exports.export_retake, name="bulk_export_retake"),
    # Extra appraisal sessions
    path("extra-sessions/", extra_sessions.extra_session_list, name="extra_sessions"),
    path("extra-sessions/pending/", extra_sessions.extra_session_pending, name="extra_sessions_pending"),
    path("extra-sessions/<int:pk>/decide/", extra_sessions.extra_session_decide, name="extra_session_decide"),
]
