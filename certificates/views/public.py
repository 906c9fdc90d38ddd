"""Anyone verifies a certificate (CERT-4): the number, the holder's name and, optionally, the ID
number. The answer comes from certificates.services.verification; a wrong name answers as an
unknown number does. The form is sent by POST so that names and ID numbers stay out of URLs and
access logs; the QR code's link (GET ?number=) only fills the number in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from appraisal.errors import add_service_errors
from certificates.forms import VerifyForm
from certificates.services import verification


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    answer, status = None, 200
    if request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid():
            try:
                query = verification.clean_query(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                answer = verification.verify(query)
        if form.errors:
            status = 400
    else:
        number = request.GET.get("number", "")[:16]
        form = VerifyForm(initial={"number": number if number.isdigit() else ""})
    return render(request, "certificates/verify.html", {"form": form, "answer": answer}, status=status)
