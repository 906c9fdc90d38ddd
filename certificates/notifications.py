"""Messages of certificate events (appraisal/messaging): the holder hears that their certificate
was issued and when it is printed and ready to collect; the clerks of the printing and appraising
centers get the delivery deadline's alerts (CERT-3). In the transaction of the change, once per event."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.messaging import MessageKind
from appraisal.messaging.services import clerks_of, notify_each, notify_many
from appraisal.models import Center
from registration.models import Application


def _holders(certificates) -> dict[int, int]:
    return dict(Application.objects.filter(pk__in=[c.application_id for c in certificates])
                .values_list("pk", "candidate_id"))


def issued(certificates) -> None:
    holders, link = _holders(certificates), reverse("certificates:mine")
    notify_each(kind=MessageKind.CERTIFICATE_ISSUED, entries=[{
        "recipient": holders[certificate.application_id], "event": f"certificate:{certificate.pk}:issued",
        "title": _("证书已核发：%(number)s") % {"number": certificate.number},
        "body": _("证书打印后会再通知您领取；电子证书可在“我的证书”中查看。"), "link": link,
    } for certificate in certificates])


def ready_for_collection(certificates) -> None:
    """Printed: the holder may collect it from the center that appraised them."""
    holders, link = _holders(certificates), reverse("certificates:mine")
    # A batch's certificates come from a handful of centers: their names in one query.
    bodies = dict(Center.objects.filter(pk__in={c.body_id for c in certificates}).values_list("pk", "name"))
    notify_each(kind=MessageKind.CERTIFICATE_READY, entries=[{
        "recipient": holders[certificate.application_id],
        "event": f"certificate:{certificate.pk}:printed:{certificate.blank_serial}",
        "title": _("证书已打印，可以领取：%(number)s") % {"number": certificate.number},
        "body": _("请携带身份证到%(body)s领取证书。") % {
            "body": bodies[certificate.body_id]},
        "link": link,
    } for certificate in certificates])


def delivery_alert(alert, centers) -> None:
    certificate = alert.certificate
    notify_many(clerks_of(centers), kind=MessageKind.OVERDUE_ALERT, event=f"certificates.delivery_alert:{alert.pk}",
                title=_("证书%(kind)s：%(number)s") % {"kind": alert.get_kind_display(), "number": certificate.number},
                body=_("持证人%(name)s，发放期限%(due)s。") % {"name": certificate.holder_name,
                                                         "due": alert.due_on.isoformat()},
                link=reverse("certificates:detail", args=[certificate.pk]))
