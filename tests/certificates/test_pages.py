"""The certificates pages: each role sees its work, nobody else's; forms refuse bad input in Chinese."""

import datetime

import pytest
from django.urls import reverse

from certificates.models import Certificate, State
from tests.certificates.conftest import qr_of_data_uri


@pytest.fixture
def candidate_user(issued):
    return issued[0].application.candidate


def test_session_page_issues_the_whole_session(published_session, logged_in_client):
    client = logged_in_client("staff_nongan")
    page = client.get(reverse("certificates:session_issue", args=[published_session.pk]))
    assert page.status_code == 200 and 'data-testid="eligible-count">3<' in page.content.decode()
    response = client.post(reverse("certificates:session_issue", args=[published_session.pk]), follow=True)
    assert "已核发 3 张证书" in response.content.decode()
    assert Certificate.objects.count() == 3
    client.post(reverse("certificates:session_issue", args=[published_session.pk]))  # a double click
    assert Certificate.objects.count() == 3


def test_session_page_outside_scope_is_404(published_session, logged_in_client):
    assert logged_in_client("staff_gongzhuling").get(
        reverse("certificates:session_issue", args=[published_session.pk])).status_code == 404


def test_print_queue_batch_and_confirm_pages(issued, logged_in_client, django_capture_on_commit_callbacks):
    client = logged_in_client("staff_changchun")
    queue = client.get(reverse("certificates:print_queue")).content.decode()
    assert all(c.number in queue for c in issued)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:batch_create"), {"certificate": [c.pk for c in issued]})
    batch_url = response["Location"]
    page = client.get(batch_url).content.decode()
    assert 'data-testid="job-file"' in page
    bad = client.post(batch_url, {"first_serial": "=cmd"})
    assert bad.status_code == 400 and "流水码应为" in bad.content.decode()
    done = client.post(batch_url, {"first_serial": "J0001", "spoiled": [issued[0].pk],
                                   f"reason_{issued[0].pk}": "卡纸"}, follow=True)
    assert "已确认：打印 2 张，作废 1 张" in done.content.decode()


def test_staff_list_and_deliver(issued, logged_in_client):
    Certificate.objects.filter(pk=issued[0].pk).update(state=State.PRINTED, blank_serial="X1")
    client = logged_in_client("staff_nongan")
    listing = client.get(reverse("certificates:index")).content.decode()
    assert issued[0].number in listing
    response = client.post(reverse("certificates:deliver"), {"certificate": [issued[0].pk], "to_unit": "unit",
                                                             "unit_name": "", "on": datetime.date.today()}, follow=True)
    assert "单位集体领取须填写领取单位名称" in response.content.decode()
    response = client.post(reverse("certificates:deliver"), {"certificate": [issued[0].pk], "to_unit": "self",
                                                             "on": datetime.date.today()}, follow=True)
    assert "已登记发放 1 张证书" in response.content.decode()


def test_staff_of_another_city_see_nothing(issued, logged_in_client):
    client = logged_in_client("staff_gongzhuling")
    assert issued[0].number not in client.get(reverse("certificates:index")).content.decode()
    assert client.get(reverse("certificates:detail", args=[issued[0].pk])).status_code == 404
    assert client.get(reverse("certificates:pdf", args=[issued[0].pk])).status_code == 404


def test_examiner_and_candidate_have_no_staff_pages(issued, logged_in_client, candidate_user):
    assert logged_in_client("examiner").get(reverse("certificates:index")).status_code == 403
    assert logged_in_client(candidate_user).get(reverse("certificates:print_queue")).status_code == 403


def test_candidate_sees_and_downloads_their_own(issued, logged_in_client, candidate_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = logged_in_client(candidate_user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert issued[0].number in page and "2017年7月24日前由长春市职业技能鉴定中心发放" in page
    assert issued[1].number not in page
    response = client.get(reverse("certificates:pdf", args=[issued[0].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    stored = Certificate.objects.get(pk=issued[0].pk).pdf.name
    client.get(reverse("certificates:pdf", args=[issued[0].pk]))
    assert Certificate.objects.get(pk=issued[0].pk).pdf.name == stored  # rendered once, then served
    assert client.get(reverse("certificates:pdf", args=[issued[1].pk])).status_code == 404  # another's
    # A new signing key changes the QR code's statement: the stored PDF is rendered again with it.
    from certificates import signing

    settings.CERTIFICATE_SIGNING_KEY_DIR = tmp_path / "keys"
    signing.create_key("k20990101-new")
    client.get(reverse("certificates:pdf", args=[issued[0].pk]))
    assert Certificate.objects.get(pk=issued[0].pk).pdf.name != stored


def test_revoke_page_is_the_provinces(issued, logged_in_client):
    url = reverse("certificates:revoke", args=[issued[0].pk])
    logged_in_client("staff_changchun").post(url, {"reason": "x", "document": "y"})
    assert Certificate.objects.get(pk=issued[0].pk).state == State.ISSUED
    response = logged_in_client("province_admin").post(url, {"reason": "材料造假", "document": "吉鉴撤1号"}, follow=True)
    assert "证书已撤销" in response.content.decode()
    assert Certificate.objects.get(pk=issued[0].pk).state == State.REVOKED


def test_qr_code_opens_verification_with_the_number(issued):
    from certificates import documents

    assert documents.verification_url(issued[0].number).endswith(f"/certificates/verify/?number={issued[0].number}")
    assert qr_of_data_uri(documents.qr_data_uri(issued[0].number)) == [issued[0].number]


def test_cert2_batch_page_counts_certificates_while_laid_out(issued, logged_in_client, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    """While the batch's PDF is laid out, its page counts certificates (张), not rows, and tells the
    polling script so (data-job-unit)."""
    from certificates import documents

    client, pages = logged_in_client("staff_changchun"), []
    render = documents.render_certificates

    def watched(certificates, *, progress=None):
        def report(done, total):
            progress(done, total)
            if done == 1:
                pages.append(client.get(batch_url).content.decode())
        return render(certificates, progress=report)

    monkeypatch.setattr(documents, "CHUNK", 1)
    monkeypatch.setattr(documents, "render_certificates", watched)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs when the request's work commits
        batch_url = client.post(reverse("certificates:batch_create"), {"certificate": [c.pk for c in issued]})["Location"]
    assert len(pages) == 1
    assert "已处理 1 / 3 张" in pages[0] and 'data-job-unit="张"' in pages[0] and " 行" not in pages[0]
    assert 'data-testid="job-file"' in client.get(batch_url).content.decode()
