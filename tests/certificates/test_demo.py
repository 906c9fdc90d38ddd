"""The demo shows the end of the cycle: certificates in every state, once."""

from io import StringIO

from django.core.management import call_command

from certificates.models import (
    BatchStatus,
    Certificate,
    CertificateCorrection,
    DeliveryAlert,
    PrintBatch,
    PublishedRecord,
    State,
)


def test_load_demo_shows_every_state_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--quiet", stdout=StringIO())
    states = sorted(Certificate.objects.values_list("state", flat=True))
    assert states == sorted([State.DELIVERED] * 4 + [State.REVOKED, State.PRINTED, State.ISSUED])
    assert Certificate.objects.get(application__candidate__username="candidate").state == State.DELIVERED
    assert PrintBatch.objects.filter(status=BatchStatus.OPEN, printing_center__name="长春市职业技能鉴定中心").count() == 1
    assert DeliveryAlert.objects.filter(kind="overdue").exists()
    assert PublishedRecord.objects.filter(kind="original").count() == 7  # reported up to the province
    assert CertificateCorrection.objects.get().kind == "revocation"  # waiting at 农安 to be reported
    call_command("load_demo", "--quiet", stdout=StringIO())
    assert Certificate.objects.count() == 7
