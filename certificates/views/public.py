"""Anyone verifies a certificate (CERT-4): the number, the holder's name and, optionally, the ID
number. The answer comes from certificates.services.verification; a wrong name answers as an
unknown number does. Limits per address and per number, and a captcha after repeated failures,
come from certificates/throttle.py, and the page says why it refused. The form is sent by POST so
that names and ID numbers stay out of URLs and access logs; the QR code's link (GET ?number=) only
fills the number in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from appraisal.errors import add_service_errors
from certificates import throttle
from certificates.forms import VerifyForm
from certificates.services import verification


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    answer = refusal = None
    status = 200
    if request.method != "POST":
        number = request.GET.get("number", "")[:16]
        initial = {"number": number if number.isdigit() else ""}
        captcha = throttle.needs_captcha(request)
        # Each captcha drawn is a row and an image: drawing them counts against the address's limit.
        refusal = throttle.check_address(request) if captcha else None
        if refusal:
            return _page(request, VerifyForm(initial=initial), refusal=refusal, status=refusal.status)
        return _page(request, VerifyForm(initial=initial, captcha=captcha))
    refusal = throttle.check_address(request)
    if refusal:
        form = VerifyForm(initial={"number": request.POST.get("number", "")[:16]})
        return _page(request, form, refusal=refusal, status=refusal.status)
    captcha = throttle.needs_captcha(request)
    form = VerifyForm(request.POST, captcha=captcha)
    if form.is_valid():
        try:
            query = verification.clean_query(form.cleaned_data["number"], form.cleaned_data["name"],
                                             form.cleaned_data["id_number"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            refusal = throttle.check_number(request, query.number)
            if refusal is None:
                answer = verification.verify(query)
    if form.errors:
        status = 400
        if captcha and "captcha" in form.errors:
            refusal, status = throttle.captcha_refusal(), throttle.captcha_refusal().status
    elif refusal:
        status = refusal.status
    if form.errors or (answer and not answer.found):
        throttle.record_failure(request)
    if "captcha" not in form.fields and throttle.needs_captcha(request):
        form.ask_captcha()  # asked from the next try on; the errors of this one stay shown
    return _page(request, form, answer=answer, refusal=refusal, status=status)


def _page(request, form, *, answer=None, refusal=None, status=200):
    return render(request, "certificates/verify.html", {
        "form": form, "answer": answer, "refusal": refusal,
        "captcha_reason": throttle.captcha_refusal().message}, status=status)
