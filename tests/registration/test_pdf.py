"""REG-1: the 申报表 prints as a one-page A4 PDF in the attachment's layout, with real (extractable)
text in a CJK font; downloads are scoped (ORG-8); the Celery task is idempotent; batches print one
page per form. Text and pages are checked with poppler-utils (pdftotext, pdfinfo, pdfimages)."""

import base64
import datetime
import io
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from stdnum.cn import ric

from appraisal import pdf as appraisal_pdf
from appraisal.demo import DEMO_PASSWORD
from registration import pdf, selectors, services
from registration.models import Application, MaterialKind
from registration.services import forms_pdf
from registration.tasks import render_application_form
from registration.views import documents
from tests.registration.conftest import good_file, upload

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OTHER_ID = "22012219950101002" + ric.calc_check_digit("22012219950101002" + "0")  # 农安县, 1995-01-01, female


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Pdf:
    """A PDF on disk, inspected with poppler."""

    def __init__(self, content: bytes, directory: Path, name="out.pdf"):
        assert content.startswith(b"%PDF-"), content[:40]
        self.path = directory / name
        self.path.write_bytes(content)

    def _run(self, *command):
        return subprocess.run([*command, str(self.path), *(["-"] if command[0] == "pdftotext" else [])],
                              check=True, capture_output=True, text=True).stdout

    @property
    def text(self):
        return self._run("pdftotext")

    @property
    def info(self):
        return dict(re.findall(r"^([^:]+):\s+(.*)$", self._run("pdfinfo"), re.M))

    @property
    def pages(self):
        return int(self.info["Pages"])

    @property
    def images(self):
        return self._run("pdfimages", "-list").strip().splitlines()[2:]

    @property
    def fonts(self):
        return self._run("pdffonts")


@pytest.fixture
def inspect(tmp_path):
    counter = iter(range(1000))
    return lambda content: Pdf(content, tmp_path, f"out{next(counter)}.pdf")


@pytest.fixture
def other_candidate(centers):
    return services.register_candidate(
        full_name="王别人", id_number=OTHER_ID, phone="13900000002", password=DEMO_PASSWORD, region=centers["nongan"]
    )


@pytest.fixture
def other_draft(other_candidate, centers, occupation, open_day, form_data):
    day = open_day(centers["nongan"])
    fields = {**form_data, "name": "王别人", "id_number": OTHER_ID, "gender": "F",
              "birth_month": datetime.date(1995, 1, 1)}
    return services.create_application(
        candidate=other_candidate, actor=other_candidate, occupation=occupation("汽车维修工"), level=5, target=day,
        **fields,
    )


def stored_files(media_root):
    return sorted(p.name for p in (Path(media_root) / "forms").glob("*.pdf"))


# --- The form itself ------------------------------------------------------------------------------


def test_reg1_form_is_one_a4_page_with_every_field_as_text(draft, inspect):
    document = inspect(pdf.render_application_pdf(draft))
    assert document.pages == 1
    assert document.info["Page size"].startswith("595.2") and "841.8" in document.info["Page size"]  # A4
    text = document.text
    for expected in (
        "吉林省职业技能鉴定申报表", draft.name, draft.id_number, "汽车维修工", "初级工", "1990年3月", draft.phone, "高中/中专/技", "4年", "农安县某汽车维修有限公司", "姓名", "性别", "出生年月", "照片", "文化程度",
        "身份证号", "工作单位", "现职业", "联系电话", "现已持何种职业", "等级", "颁证机构及时", "申报职业", "申报等级",
        "已从事本职业", "工作年限", "简历", "鉴定成绩", "理论知识", "操作技能", "综合评审", "证书编号",
        "职业技能鉴定中心意见", "人力资源社会保障行政部门意见", "日(章)", "注：本表一式一份存入个人档案。",
    ):
        assert expected in text, expected
    assert "JL-PDF-Sans" in document.fonts or not appraisal_pdf.subset_font_path().exists()


def test_reg1_photo_is_embedded_when_uploaded(draft, candidate, inspect):
    assert inspect(pdf.render_application_pdf(draft)).images == []  # no photo: an empty 照片 box
    services.attach_material(draft, kind=MaterialKind.PHOTO, uploaded=good_file(MaterialKind.PHOTO), actor=candidate)
    draft = Application.objects.get(pk=draft.pk)
    images = inspect(pdf.render_application_pdf(draft)).images
    assert len(images) == 1
    assert images[0].split()[3:5] == ["330", "480"]  # the uploaded JPEG, embedded as is


def test_reg1_large_png_photo_is_shrunk_to_the_box(draft, candidate, inspect):
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 2000), (10, 120, 200)).save(buffer, format="PNG")
    services.attach_material(draft, kind=MaterialKind.PHOTO, uploaded=upload("p.png", buffer.getvalue(), "image/png"),
                             actor=candidate)
    # The upload is shrunk once when stored (600×800 at most); the form embeds that JPEG as it is,
    # and an older, larger stored photo is shrunk to the box when printed.
    images = inspect(pdf.render_application_pdf(Application.objects.get(pk=draft.pk))).images
    assert len(images) == 1
    width, height = map(int, images[0].split()[3:5])
    assert width <= pdf.PHOTO_BOX_PX[0] * 1.5 and height <= 800 and images[0].split()[8] == "jpeg"
    with Image.open(io.BytesIO(base64.b64decode(pdf.photo_data_uri(buffer.getvalue()).split(",")[1]))) as shrunk:
        assert shrunk.size <= pdf.PHOTO_BOX_PX


def test_reg1_rare_name_characters_outside_the_subset_still_print_as_text(draft, inspect):
    draft.name = "王堃𬌗"  # 堃 is not in GB2312, 𬌗 (U+2C317) is in CJK extension E
    assert "王堃𬌗" in inspect(pdf.render_application_pdf(draft)).text


def test_reg1_opinions_and_dates_are_printed_when_present(draft, inspect):
    draft.center_opinion, draft.center_opinion_date = "经审核，符合申报条件。", datetime.date(2026, 3, 5)
    draft.hr_opinion, draft.hr_opinion_date = "同意。", datetime.date(2026, 3, 9)
    text = inspect(pdf.render_application_pdf(draft)).text
    assert "经审核，符合申报条件。" in text and "2026年3月5日(章)" in text
    assert "同意。" in text and "2026年3月9日(章)" in text


def test_reg1_longest_allowed_values_still_fit_one_page(draft, inspect):
    def fill(field, unit):  # every text field at its maximum length
        setattr(draft, field, (unit * 200)[: Application._meta.get_field(field).max_length])

    fill("name", "欧阳")
    fill("employer_name", "长春市某某汽车维修服务有限责任公司")
    fill("current_occupation", "汽车维修")
    fill("held_certificate", "汽车维修工")
    fill("held_certificate_issuer", "长春市职业技能鉴定中心")
    fill("phone", "1")
    fill("work_history", "2012年至今在农安县某汽车维修有限公司从事汽车维修工作，负责发动机维修。\n")
    fill("center_opinion", "经审核，符合申报条件。")
    fill("hr_opinion", "同意。")
    draft.held_certificate_level = 5
    draft.held_certificate_date = draft.center_opinion_date = draft.hr_opinion_date = datetime.date(2015, 6, 1)
    document = inspect(pdf.render_application_pdf(draft))
    assert document.pages == 1
    assert "注：本表一式一份存入个人档案。" in document.text


def test_reg1_batch_of_n_forms_is_one_pdf_with_n_pages(draft, other_draft, inspect):
    document = inspect(pdf.render_application_forms([draft, other_draft, draft]))
    assert document.pages == 3
    assert document.text.count("吉林省职业技能鉴定申报表") == 3
    assert draft.name in document.text and "王别人" in document.text
    with pytest.raises(ValueError):
        pdf.render_application_forms([])


def test_reg1_missing_subset_font_falls_back_to_system_font_and_warns_once(settings, tmp_path, draft, inspect,
                                                                          caplog):
    settings.PDF_FONT_DIR = tmp_path / "no-fonts-here"
    appraisal_pdf.reset_cache()
    try:
        with caplog.at_level(logging.WARNING, logger="appraisal.pdf"):
            first = inspect(pdf.render_application_pdf(draft))
            pdf.render_application_pdf(draft)
        assert draft.name in first.text and first.pages == 1
        assert "JL-PDF-Sans" not in first.fonts and "Noto-Sans-CJK-SC" in first.fonts
        assert len([r for r in caplog.records if "build_pdf_font" in r.getMessage()]) == 1
    finally:
        appraisal_pdf.reset_cache()


def test_pdf_renderer_reads_no_file_outside_the_font_directory(settings):
    fetcher = appraisal_pdf._FontDirFetcher(Path(settings.PDF_FONT_DIR))
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/x.png")


# --- Storage and the Celery task ------------------------------------------------------------------


def test_reg1_task_stores_the_pdf_and_a_second_run_replaces_it(draft, media, inspect,
                                                               django_capture_on_commit_callbacks):
    name = render_application_form.delay(draft.pk).get()
    draft.refresh_from_db()
    assert draft.form_pdf.name == name and stored_files(media) == [Path(name).name]
    assert draft.name in inspect(draft.form_pdf.read()).text
    draft.form_pdf.close()

    # Unchanged: same name, the file is replaced, still exactly one.
    assert forms_pdf.store_application_pdf(draft.pk) == name
    assert stored_files(media) == [Path(name).name]

    # Changed (even by a queryset update that leaves updated_at alone): a new file replaces the old one.
    Application.objects.filter(pk=draft.pk).update(hr_opinion="同意。", hr_opinion_date=datetime.date(2026, 3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        new_name = render_application_form.delay(draft.pk).get()
    assert new_name != name
    assert stored_files(media) == [Path(new_name).name]
    draft.refresh_from_db()
    assert draft.form_pdf.name == new_name
    assert "2026年3月9日(章)" in inspect(draft.form_pdf.read()).text
    draft.form_pdf.close()

    assert forms_pdf.store_application_pdf(10**9) == ""  # vanished application: nothing to do, no error


def test_reg1_submitting_prints_the_form_after_commit(complete_draft, candidate, media, inspect,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit_application(complete_draft, actor=candidate)
    assert callbacks, "the PDF must be enqueued with transaction.on_commit"
    complete_draft.refresh_from_db()
    assert complete_draft.form_pdf.name.startswith("forms/application-")
    document = inspect(complete_draft.form_pdf.read())
    complete_draft.form_pdf.close()
    assert document.pages == 1 and complete_draft.id_number in document.text
    assert len(document.images) == 1  # the uploaded photo


# --- Downloads: scope (ORG-8) ---------------------------------------------------------------------


def test_reg1_candidate_downloads_own_form(client, candidate, draft, inspect):
    client.force_login(candidate)
    response = client.get(reverse("registration:application_pdf", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert draft.id_number in inspect(b"".join(response.streaming_content)).text


def test_org8_candidate_cannot_download_another_candidates_form(client, other_candidate, draft):
    client.force_login(other_candidate)
    assert client.get(reverse("registration:application_pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("registration:application_pdf", args=[10**9])).status_code == 404


def test_org8_staff_download_only_within_scope(client, demo_user, draft):
    url = reverse("registration:application_pdf", args=[draft.pk])
    client.force_login(demo_user("staff_gongzhuling"))  # another county
    assert client.get(url).status_code == 404
    for username in ("staff_nongan", "staff_changchun"):  # the county and its city
        client.force_login(demo_user(username))
        assert client.get(url).status_code == 200


def test_reg1_download_requires_login(client, draft):
    response = client.get(reverse("registration:application_pdf", args=[draft.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_reg1_download_serves_the_stored_pdf_while_up_to_date(client, candidate, draft, media, monkeypatch):
    stored = forms_pdf.store_application_pdf(draft.pk)
    client.force_login(candidate)
    monkeypatch.setattr(pdf, "render_application_pdf", lambda *a, **k: pytest.fail("re-rendered an up-to-date PDF"))
    url = reverse("registration:application_pdf", args=[draft.pk])
    assert b"".join(client.get(url).streaming_content) == (Path(media) / stored).read_bytes()
    monkeypatch.undo()

    Application.objects.filter(pk=draft.pk).update(phone="13912345678")  # out of date now
    body = b"".join(client.get(url).streaming_content)
    draft.refresh_from_db()
    assert draft.form_pdf.name != stored and body == (Path(media) / draft.form_pdf.name).read_bytes()


# --- Batch printing --------------------------------------------------------------------------------


def test_reg1_batch_pdf_prints_the_filtered_review_queue_one_page_each(client, demo_user, draft, other_draft,
                                                                      inspect):
    staff = demo_user("staff_nongan")
    expected = selectors.review_queue(staff, status="draft", occupation=draft.occupation_id).count()
    assert expected >= 2
    client.force_login(staff)
    response = client.get(reverse("registration:batch_pdf"),
                          {"status": "draft", "occupation": draft.occupation_id, "level": 5})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = inspect(b"".join(response.streaming_content))
    assert document.pages == expected
    assert draft.id_number in document.text and OTHER_ID in document.text


def test_reg1_batch_pdf_is_for_staff_only(client, candidate, draft):
    client.force_login(candidate)
    assert client.get(reverse("registration:batch_pdf")).status_code == 403


def test_reg1_batch_pdf_rejects_bad_filters_and_empty_results_in_chinese(client, demo_user, draft):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(reverse("registration:batch_pdf"), {"status": "nonsense", "level": "9"})
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()
    response = client.get(reverse("registration:batch_pdf"), {"status": "approved", "occupation": 10**6})
    assert response.status_code == 400 and "筛选条件有误" in response.content.decode()
    response = client.get(reverse("registration:batch_pdf"), {"status": "approved", "occupation": draft.occupation_id})
    assert response.status_code == 404 and "没有符合筛选条件的申报" in response.content.decode()


def test_reg1_the_queue_links_to_a_batch_print_of_exactly_what_it_shows(client, demo_user, draft, other_draft,
                                                                       inspect):
    client.force_login(demo_user("staff_nongan"))
    queue = client.get(reverse("registration:review_queue"), {"status": "draft", "q": draft.name})
    link = re.search(r'data-testid="batch-print" href="([^"]+)"', queue.content.decode())[1].replace("&amp;", "&")
    shown = queue.context["page"].paginator.count
    response = client.get(link)
    assert response.status_code == 200 and inspect(b"".join(response.streaming_content)).pages == shown
    detail = client.get(reverse("registration:review_detail", args=[draft.pk])).content.decode()
    assert reverse("registration:application_pdf", args=[draft.pk]) in detail
    client.force_login(demo_user("examiner"))  # reads masked numbers: neither link
    assert 'data-testid="batch-print"' not in client.get(reverse("registration:review_queue")).content.decode()


def test_reg1_batch_pdf_is_capped(client, demo_user, draft, other_draft, monkeypatch):
    monkeypatch.setattr(documents, "BATCH_LIMIT", 1)
    client.force_login(demo_user("staff_nongan"))
    response = client.get(reverse("registration:batch_pdf"), {"status": "draft"})
    assert response.status_code == 400
    assert "超过单次打印上限 1 份" in response.content.decode()


def test_reg1_batch_pdf_out_of_scope_staff_get_nothing(client, demo_user, draft):
    client.force_login(demo_user("staff_gongzhuling"))
    response = client.get(reverse("registration:batch_pdf"), {"occupation": draft.occupation_id, "status": "draft"})
    assert response.status_code == 404


# --- The subset font build ------------------------------------------------------------------------


def test_build_pdf_font_is_idempotent(settings, tmp_path):
    """A small Latin source keeps the test fast; the real build uses the Noto CJK collection."""
    source = tmp_path / "DejaVuSans.ttf"
    system = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not system.exists():
        pytest.skip("needs fonts-dejavu-core")
    shutil.copy(system, source)
    settings.PDF_FONT_DIR = tmp_path / "fonts"
    output = tmp_path / "fonts" / appraisal_pdf.SUBSET_FONT_NAME
    out = io.StringIO()
    call_command("build_pdf_font", source=str(source), stdout=out)
    assert output.exists() and "已生成" in out.getvalue()
    built_at = output.stat().st_mtime_ns
    out = io.StringIO()
    call_command("build_pdf_font", source=str(source), stdout=out)
    assert "跳过" in out.getvalue() and output.stat().st_mtime_ns == built_at
    call_command("build_pdf_font", source=str(source), force=True, stdout=io.StringIO())
    assert output.stat().st_mtime_ns >= built_at


def test_build_pdf_font_picks_the_simplified_chinese_face():
    from appraisal.management.commands.build_pdf_font import find_face, gb2312_characters

    source = Path(appraisal_pdf.SOURCE_FONT)
    if not source.exists():
        pytest.skip("needs fonts-noto-cjk")
    face = find_face(source, "Noto Sans CJK SC")
    assert face["name"].getDebugName(1) == "Noto Sans CJK SC"
    chars = gb2312_characters()
    assert len([c for c in chars if 0x4E00 <= c <= 0x9FFF]) == 6763
    assert ord("鉴") in chars and ord("堃") not in chars

