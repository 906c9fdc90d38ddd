"""Anyone verifies a certificate (CERT-4): the number and the holder's name. A wrong name answers
as an unknown number does, after the same single query."""

from __future__ import annotations

from django.shortcuts import render

from certificates import selectors
from certificates.forms import VerifyForm


def verify(request):
    asked = "number" in request.GET and "name" in request.GET
    form = VerifyForm(request.GET if asked else None, initial={"number": request.GET.get("number", "")[:16]})
    result = None
    if asked and form.is_valid():
        result = selectors.verification(form.cleaned_data["number"], form.cleaned_data["name"])
    status = 400 if asked and form.errors else 200
    return render(request, "certificates/verify.html", {"form": form, "asked": asked and form.is_valid(),
                                                        "result": result}, status=status)
