"""CERT-2: the printing center's queue, batches as one PDF through a job, blanks confirmed or spoiled."""

import hashlib
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from appraisal.authority import printing_center
from appraisal.models import BackgroundJob, PersonalDataAccess
from certificates import documents, selectors, services, signing
from certificates.models import BatchStatus, BlankUse, Certificate, CertificateBlank, State
from registration.models import Material, MaterialKind
from tests.certificates.conftest import read_qr


@pytest.fixture
def batch(issued, demo_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.create_print_batch(actor=demo_user("staff_changchun"), certificate_ids=[c.pk for c in issued])


def test_cert2_printing_center_for_every_kind_of_center(centers):
    city, province = centers["changchun"], centers["province"]
    expected = {
        "province": province, "changchun": city, "nongan": city, "gongzhuling": centers["siping"], "school": city,
        "enterprise": province, "affiliated": province, "changbaishan": centers["changbaishan"],
    }
    for key, printer in expected.items():
        assert printing_center(centers[key], unified=False) == printer, key
        assert printing_center(centers[key], unified=True) == province, key  # unified appraisals: the province


def test_queue_is_the_printing_centers_own(issued, demo_user):
    assert set(selectors.print_queue(demo_user("staff_changchun"))) == set(issued)
    for username in ("staff_nongan", "province_admin", "staff_gongzhuling", "hr_official"):
        assert not selectors.print_queue(demo_user(username)).exists(), username


def test_batch_pdf_has_a_page_per_certificate_and_is_logged(batch, issued):
    batch.refresh_from_db()
    job = BackgroundJob.objects.get(pk=batch.job_id)
    assert job.status == "done", job.error
    with job.output.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 3
    text = reader.pages[0].extract_text()
    assert f"证书编号：{issued[0].number}" in text and "考生00000" in text
    access = PersonalDataAccess.objects.get(kind="certificate_print")
    assert access.user == batch.created_by and access.record_count == 3
    assert not selectors.print_queue(batch.created_by).exists()  # in an open batch: out of the queue


def test_a_county_cannot_print_what_the_city_prints(issued, demo_user):
    with pytest.raises(PermissionDenied, match="不由农安县职业技能鉴定中心打印"):
        services.create_print_batch(actor=demo_user("staff_nongan"), certificate_ids=[issued[0].pk])
    with pytest.raises(PermissionDenied):
        services.create_print_batch(actor=demo_user("province_admin"), certificate_ids=[issued[0].pk])


def test_a_certificate_is_in_one_open_batch_at_most(batch, issued, demo_user):
    with pytest.raises(ValidationError, match="另一个待确认的打印批次"):
        services.create_print_batch(actor=demo_user("staff_changchun"), certificate_ids=[issued[0].pk])


def test_confirm_assigns_consecutive_serials_and_spoiled_go_back(batch, issued, demo_user):
    staff = demo_user("staff_changchun")
    spoiled = issued[1]
    counts = services.confirm_batch(batch=batch, actor=staff, first_serial="J2017000998",
                                    spoiled={spoiled.pk: "卡纸"})
    assert counts == {"printed": 2, "spoiled": 1, "skipped": 0}
    serials = dict(CertificateBlank.objects.values_list("certificate_id", "serial"))
    assert sorted(serials.values()) == ["J2017000998", "J2017000999", "J2017001000"]
    assert CertificateBlank.objects.get(certificate=spoiled).use == BlankUse.DESTROYED
    spoiled.refresh_from_db()
    assert spoiled.state == State.ISSUED and spoiled.blank_serial == ""
    assert list(selectors.print_queue(staff)) == [spoiled]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CONFIRMED
    with pytest.raises(ValidationError, match="已确认打印"):
        services.confirm_batch(batch=batch, actor=staff, first_serial="J2017002000")


def test_a_used_serial_is_refused_and_nothing_is_saved(batch, issued, demo_user, django_capture_on_commit_callbacks):
    staff = demo_user("staff_changchun")
    services.confirm_batch(batch=batch, actor=staff, first_serial="A0001", spoiled={issued[2].pk: "污损"})
    with django_capture_on_commit_callbacks(execute=True):
        second = services.create_print_batch(actor=staff, certificate_ids=[issued[2].pk])
    with pytest.raises(ValidationError, match="A0002已使用过"):
        services.confirm_batch(batch=second, actor=staff, first_serial="A0002")
    with pytest.raises(ValidationError, match="流水码应为"):
        services.confirm_batch(batch=second, actor=staff, first_serial="=1+1")
    with pytest.raises(ValidationError, match="请填写每张作废证书的作废原因"):
        services.confirm_batch(batch=second, actor=staff, first_serial="A0004", spoiled={issued[2].pk: " "})
    issued[2].refresh_from_db()
    assert issued[2].state == State.ISSUED
    assert services.confirm_batch(batch=second, actor=staff, first_serial="A0004")["printed"] == 1


def test_serials_keep_their_width():
    assert services.serials_from("J0998", 3) == ["J0998", "J0999", "J1000"]
    with pytest.raises(ValidationError, match="位数不够"):
        services.serials_from("9998", 3)


def test_cancel_puts_them_back(batch, issued, demo_user):
    services.cancel_batch(batch=batch, actor=demo_user("staff_changchun"))
    assert set(selectors.print_queue(demo_user("staff_changchun"))) == set(issued)


def test_revoked_while_in_a_batch_is_not_printed(batch, issued, demo_user):
    services.revoke(certificate=issued[0], actor=demo_user("province_admin"), reason="造假", document="吉鉴撤2号")
    counts = services.confirm_batch(batch=batch, actor=demo_user("staff_changchun"), first_serial="B0001")
    assert counts == {"printed": 2, "spoiled": 0, "skipped": 1}
    issued[0].refresh_from_db()
    assert issued[0].state == State.REVOKED and issued[0].blank_serial == ""
    with pytest.raises(ValidationError, match="已撤销，不能再打印"):
        services.create_print_batch(actor=demo_user("staff_changchun"), certificate_ids=[issued[0].pk])


def test_spoiled_after_printing_keeps_the_number(batch, issued, demo_user):
    staff = demo_user("staff_changchun")
    services.confirm_batch(batch=batch, actor=staff, first_serial="C0001")
    certificate = services.record_spoiled(certificate=issued[0], actor=staff, reason="盖章错位")
    assert (certificate.state, certificate.number) == (State.ISSUED, issued[0].number)
    assert set(CertificateBlank.objects.filter(serial="C0001").values_list("use", flat=True)) == {"printed", "destroyed"}
    with pytest.raises(PermissionDenied):
        services.record_spoiled(certificate=issued[1], actor=demo_user("staff_nongan"), reason="x")


def _give_photo(application, colour) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (330, 480), colour).save(buffer, format="JPEG", quality=85)
    content = buffer.getvalue()
    material = Material(application=application, kind=MaterialKind.PHOTO, content_type="image/jpeg",
                        size=len(content), width=330, height=480, sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=application.candidate)
    material.file.save("photo.jpg", ContentFile(content), save=False)
    material.save()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_cert2_cert4_each_page_prints_its_photo_and_a_qr_code_that_reads_back(issued, tmp_path):
    """The batch PDF (the print job's render): every page has its holder's photo, embedded as
    uploaded (a JPEG passed through), and a QR code that a reader decodes to the verification link
    with the signed statement (CERT-4), read off the page rendered at 150 dpi."""
    colours = [(200, 60, 60), (60, 200, 60), (60, 60, 200)]
    for certificate, colour in zip(issued, colours, strict=True):
        _give_photo(certificate.application, colour)
    certificates = list(Certificate.objects.filter(pk__in=[c.pk for c in issued])
                        .select_related("occupation", "body", "application").order_by("number"))
    pdf = tmp_path / "batch.pdf"
    pdf.write_bytes(documents.render_certificates(certificates))
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in images.splitlines()[2:]]
    # page, number, type, width, height, colour, components, bits per component, encoding
    photos = [(int(r[0]), r[3], r[4], r[8]) for r in rows if r[8] == "jpeg"]
    assert photos == [(page, "330", "480", "jpeg") for page in (1, 2, 3)]
    codes = [(int(r[0]), r[3] == r[4], r[5], r[9]) for r in rows if r[8] != "jpeg"]
    assert codes == [(page, True, "gray", "no") for page in (1, 2, 3)]  # the QR codes: square, never smoothed
    for page, certificate in enumerate(certificates, start=1):
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(pdf), str(tmp_path / "page")], check=True)
        texts = read_qr(Image.open(tmp_path / "page.png"))
        assert texts == [documents.qr_link(certificate)]
        assert signing.check(texts[0].split("#c=")[1]).statement.number == certificate.number
