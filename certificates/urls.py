"""URLs of the certificates app: staff, the printing center, the candidate, and public verification."""

from django.urls import path

from certificates.views import candidate, offline, printing, public, reporting, staff

app_name = "certificates"

urlpatterns = [
    # staff: issuing per session, the list, one certificate and its actions
    path("", staff.index, name="index"),
    path("sessions/", staff.sessions, name="sessions"),
    path("sessions/<int:pk>/", staff.session_issue, name="session_issue"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("deliver/", staff.deliver, name="deliver"),
    path("<int:pk>/reissue/", staff.reissue, name="reissue"),
    path("<int:pk>/spoiled/", staff.spoiled, name="spoiled"),
    path("<int:pk>/revoke/", staff.revoke, name="revoke"),
    # the printing center
    path("print/", printing.print_queue, name="print_queue"),
    path("print/batches/", printing.batches, name="batches"),
    path("print/batches/new/", printing.batch_create, name="batch_create"),
    path("print/batches/<int:pk>/", printing.batch, name="batch"),
    path("print/batches/<int:pk>/cancel/", printing.batch_cancel, name="batch_cancel"),
    # reporting up the chain (CERT-1) and the province's national exchange
    path("reports/", reporting.board, name="reports"),
    path("reports/send/", reporting.send, name="report_send"),
    path("reports/corrections/send/", reporting.send_corrections, name="report_send_corrections"),
    path("reports/<int:pk>/", reporting.report, name="report"),
    path("reports/<int:pk>/decide/", reporting.decide, name="report_decide"),
    path("exchange/", reporting.exchange, name="exchange"),
    path("exchange/<int:pk>/file/", reporting.exchange_file, name="exchange_file"),
    # the candidate (and staff in scope): the electronic certificate
    path("mine/", candidate.mine, name="mine"),
    path("<int:pk>/pdf/", candidate.electronic_pdf, name="pdf"),
    # anyone
    path("verify/", public.verify, name="verify"),
    path("offline/", offline.verifier, name="offline_verifier"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("offline/keys.json", offline.public_keys, name="offline_keys"),
    path("offline/revocations.json", offline.revocations, name="offline_revocations"),
]
