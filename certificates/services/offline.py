"""Offline verification (CERT-4), what the database knows: the signed statement a certificate's QR
code carries, the signed revocation list and the public keys, published at fixed URLs
(certificates/views/offline.py). The cryptography and the keyring are certificates/signing.py."""

from __future__ import annotations

from django.utils import timezone

from appraisal.idnumbers import mask_id_number
from certificates import signing
from certificates.models import Certificate, State


def statement_for(certificate: Certificate) -> str:
    """What the certificate's QR code carries: its particulars as printed, masked, signed."""
    c = certificate
    return signing.sign_statement(number=c.number, name=c.holder_name, id_number_masked=mask_id_number(c.holder_id_number),
                                  occupation=c.occupation.name, level=c.level, issued_on=c.issued_on,
                                  issuing_authority=c.issuing_authority, body=c.body.name)


def revocation_list() -> str:
    """Every revoked number with its date, signed now. Revocation is the province's own act, so the
    list holds it at once (as public verification answers it)."""
    revoked = (Certificate.objects.filter(state=State.REVOKED).order_by("number")
               .values_list("number", "revoked_on"))
    return signing.sign_revocations([(number, day.isoformat()) for number, day in revoked],
                                    generated_at=timezone.now().isoformat(timespec="seconds"))


def public_keys_document() -> dict:
    active = signing.active_key_id()
    return {"format": "jl-certificate-keys/1", "algorithm": "Ed25519",
            "keys": [{"key_id": key_id, "public_key": signing.b64url(key), "signing": key_id == active}
                     for key_id, key in signing.public_keys().items()]}
