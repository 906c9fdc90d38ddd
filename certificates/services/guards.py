"""What the certificates app tells earlier steps through the core's extension points (registered in
certificates/apps.py): a certified application stays (no withdrawal, no undoing of its payment), a
published score of a certified application is corrected only after the certificate is revoked, and
the 申报表 prints the number in its 证书编号 cell (REG-1)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from certificates.models import Certificate, State


def _valid_number(application) -> str | None:
    return (Certificate.objects.filter(application_id=application.pk).exclude(state=State.REVOKED)
            .values_list("number", flat=True).first())


def certified_application_stays(application) -> str | None:
    number = _valid_number(application)
    if number:
        return _("该申报已核发证书（编号%(number)s），不能撤回或撤销缴费。") % {"number": number}
    return None


def revoke_before_score_change(application) -> str | None:
    number = _valid_number(application)
    if number:
        return _("该考生已获发证书（编号%(number)s），须先由省鉴定中心撤销证书，才能更正成绩。") % {"number": number}
    return None


def certificate_numbers_for_forms(applications) -> dict[int, dict]:
    """{application pk: {"certificate_number": "…"}} for valid certificates, one query."""
    rows = Certificate.objects.filter(application_id__in=[a.pk for a in applications]).exclude(
        state=State.REVOKED).values_list("application_id", "number")
    return {application_id: {"certificate_number": number} for application_id, number in rows}
