"""CERT-4 end to end, on a phone: a member of the public opens a certificate's QR link and sees
"有效" (the signature checked in the browser, then the online answer with the holder's name);
after the province revokes it, the same link says "已吊销"; once opened, the verifier works
without a network."""

import pytest
from playwright.sync_api import expect

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import User
from certificates import services
from certificates.models import Certificate, State
from certificates.services import offline

pytestmark = pytest.mark.e2e


@pytest.fixture
def keyring(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY_DIR = tmp_path / "signing-keys"


@pytest.fixture
def certificates(demo):
    """The certificates demo: 王考生's certificate delivered and accepted up to the province."""
    from certificates import demo as certificates_demo
    from exams import demo as exams_demo

    exams_demo.load()
    certificates_demo.load()


def test_cert4_public_opens_the_qr_link_on_a_phone_valid_then_revoked(phone_page, certificates, url, keyring, artifacts):
    page = phone_page
    certificate = Certificate.objects.get(holder_name=DEMO_CANDIDATE["full_name"], state=State.DELIVERED)
    link = url(f"/certificates/verify/?number={certificate.number}#c={offline.statement_for(certificate)}")

    page.goto(link)
    result = page.get_by_test_id("offline-result")
    expect(result).to_contain_text("证书有效")
    expect(result).to_contain_text(certificate.number)
    expect(result).to_contain_text("王*")  # the holder masked
    expect(page.get_by_label("证书编号")).to_have_value(certificate.number)
    page.get_by_label("持证人姓名").fill(certificate.holder_name)
    page.get_by_test_id("verify").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("证书有效")
    page.screenshot(path=artifacts / "verify-qr-valid-phone.png", full_page=True)

    # Opened once: the verifier and the lists are kept, and the link still checks without a network.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.context.set_offline(True)
    page.goto(link)
    expect(page.get_by_test_id("offline-result")).to_contain_text("证书有效")
    expect(page.get_by_test_id("offline-result")).to_contain_text("吊销名单生成于")  # the list kept when online
    page.context.set_offline(False)

    services.revoke(certificate=certificate, actor=User.objects.get(username="province_admin"),
                    reason="经查材料不实", document="吉鉴撤E2E号")
    certificate.refresh_from_db()
    page.goto(link)
    page.reload()  # the same link, opened again
    result = page.get_by_test_id("offline-result")
    expect(result).to_contain_text("证书已吊销")
    expect(result).to_contain_text(f"{certificate.revoked_on.year}年{certificate.revoked_on.month}月")
    page.get_by_label("持证人姓名").fill(certificate.holder_name)
    page.get_by_test_id("verify").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("证书已吊销")
    page.screenshot(path=artifacts / "verify-qr-revoked-phone.png", full_page=True)


def test_cert4_a_forged_qr_code_is_not_trusted(phone_page, certificates, url, keyring):
    page = phone_page
    certificate = Certificate.objects.filter(state=State.DELIVERED).first()
    prefix, body, signature = offline.statement_for(certificate).split(".")
    forged = f"{prefix}.{body}.{signature[:-4]}AAAA"
    page.goto(url(f"/certificates/offline/#c={forged}"))
    expect(page.get_by_test_id("offline-result")).to_contain_text("证书不可信")
    expect(page.get_by_test_id("offline-result")).to_contain_text("签名核验失败")
