"""The candidate's certificates (CERT-3, CERT-4): state, the day it is due, the electronic PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from appraisal.gates import CANDIDATES, role_required
from appraisal.idnumbers import sees_full_id_numbers
from appraisal.models import Role
from certificates import selectors, services
from certificates.models import Certificate


@role_required(CANDIDATES, gettext_lazy("此页面仅供考生本人查看。"))
def mine(request):
    return render(request, "certificates/mine.html", {"certificates": selectors.candidate_certificates(request.user)})


@login_required
@require_GET
def electronic_pdf(request, pk):
    """The electronic certificate: the holder's own, or staff in scope who see full ID numbers.
    Someone else's number or URL is a 404, as for a certificate that does not exist."""
    certificate = get_object_or_404(selectors.certificates_for(request.user), pk=pk)
    if request.user.role != Role.CANDIDATE and not sees_full_id_numbers(request.user):
        raise PermissionDenied(_("电子证书载有完整身份证号，仅限持证人本人和鉴定机构工作人员下载。"))
    if not certificate.is_valid:
        raise PermissionDenied(_("该证书已撤销，不能下载。"))
    name = services.electronic_certificate(certificate)
    storage = Certificate._meta.get_field("pdf").storage
    response = FileResponse(storage.open(name, "rb"), content_type="application/pdf",
                            filename=_("职业资格证书-%(number)s.pdf") % {"number": certificate.number})
    response["Cache-Control"] = "private, no-store"
    return response
