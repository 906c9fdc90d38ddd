"""REG-2: the photo a candidate uploads from a phone.

Defects found on a phone: a cut-off JPEG was accepted once WeasyPrint had been imported, a portrait
photo stored sideways with an EXIF orientation tag was refused as landscape, the input opened the
camera with no way to pick a studio photo, and a normal camera JPEG was refused as too large.
"""

import hashlib
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image, ImageFile, PngImagePlugin

from registration import services
from registration.materials import MAX_PHOTO_BYTES, PHOTO_MAX_SIZE, check_upload
from registration.models import Material, MaterialKind
from tests.registration.conftest import image_bytes, upload

EXIF_ORIENTATION = 0x0112
TOP, BOTTOM = (220, 30, 30), (30, 60, 220)  # red top half, blue bottom half: shows which way is up


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def portrait(width, height):
    """An upright portrait: red on top, blue below."""
    image = Image.new("RGB", (width, height), BOTTOM)
    image.paste(TOP, (0, 0, width, height // 2))
    return image


def noisy(width, height, seed=2017):
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def sideways_jpeg(upright, orientation=6):
    """What a phone writes: the sensor's pixels as they are, and a tag saying how to turn them."""
    raw = upright.transpose(Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    return jpeg(raw, quality=92, exif=exif.tobytes())


def camera_jpeg(width=3024, height=4032):
    """A 12 MP phone photo of about 4-5 MB: colour noise, smoothed so that JPEG keeps it at a camera's
    size (raw noise would be far larger) and the colour check still sees colour."""
    return jpeg(noisy(width // 4, height // 4).resize((width, height), Image.Resampling.BICUBIC), quality=80)


def attach_photo(draft, candidate, content, name="photo.jpg"):
    return services.attach_material(draft, kind=MaterialKind.PHOTO, uploaded=upload(name, content), actor=candidate)


def stored(material):
    with material.file.open("rb") as handle:
        return handle.read()


def assert_upright(content):
    with Image.open(io.BytesIO(content)) as image:
        assert image.getexif().get(EXIF_ORIENTATION, 1) == 1
        image = image.convert("RGB")
        width, height = image.size
        top, bottom = image.getpixel((width // 2, height // 8)), image.getpixel((width // 2, height * 7 // 8))
    assert all(abs(a - b) < 30 for a, b in zip(top, TOP, strict=True)), top
    assert all(abs(a - b) < 30 for a, b in zip(bottom, BOTTOM, strict=True)), bottom


# --- 1. damaged images, whatever WeasyPrint did to Pillow -------------------------------------


@pytest.fixture
def weasyprint_loaded(monkeypatch):
    """The process state of a worker that has rendered a PDF: WeasyPrint turns Pillow's
    truncated-image tolerance on when imported (set here too, in case a version stops doing so)."""
    import weasyprint  # noqa: F401

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_reg2_truncated_photo_refused_even_after_weasyprint_import(weasyprint_loaded, fmt):
    buffer = io.BytesIO()
    noisy(330, 480).save(buffer, format=fmt)
    whole = buffer.getvalue()
    assert len(whole) > 20_000

    for cut in (whole[:2000], whole[: len(whole) // 2]):
        with pytest.raises(ValidationError, match="图片已损坏，无法打开") as caught:
            check_upload(MaterialKind.PHOTO, upload("photo.jpg", cut))
        assert caught.value.code == "broken_image"
    # The process-wide setting is put back as it was: PDFs with their own images still render.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_reg2_truncated_camera_photo_refused_though_decoded_at_reduced_scale(weasyprint_loaded):
    whole = camera_jpeg()
    for cut in (whole[: len(whole) * 9 // 10], whole[:-2]):  # most of it, or all but the end marker
        with pytest.raises(ValidationError, match="图片已损坏，无法打开"):
            check_upload(MaterialKind.PHOTO, upload("photo.jpg", cut))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_reg2_truncated_scan_of_a_document_refused_too(weasyprint_loaded):
    cut = jpeg(noisy(600, 800))[:2000]
    with pytest.raises(ValidationError, match="身份证复印件图片已损坏"):
        check_upload(MaterialKind.ID_CARD, upload("id.jpg", cut))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_reg2_truncated_photo_saves_nothing(weasyprint_loaded, draft, candidate, media):
    with pytest.raises(ValidationError, match="图片已损坏"):
        attach_photo(draft, candidate, jpeg(noisy(330, 480))[:2000])
    assert not Material.objects.filter(application=draft).exists()
    assert not (media / "materials").exists() or not any((media / "materials").rglob("*.*"))


def test_reg2_flag_restored_when_it_was_off(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    with pytest.raises(ValidationError):
        check_upload(MaterialKind.PHOTO, upload("photo.jpg", jpeg(noisy(330, 480))[:2000]))
    assert check_upload(MaterialKind.PHOTO, upload("photo.jpg", image_bytes())).width == 330
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- 2. photos stored sideways with an EXIF orientation tag -----------------------------------


def test_reg2_sideways_phone_photo_is_judged_and_stored_upright(draft, candidate, media):
    content = sideways_jpeg(portrait(720, 960), orientation=6)
    with Image.open(io.BytesIO(content)) as raw:
        assert raw.size == (960, 720)  # landscape pixels, portrait as displayed

    material = attach_photo(draft, candidate, content)

    data = stored(material)
    assert (material.width, material.height) == (600, 800)  # upright, shrunk to fit 600×800
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (600, 800)
    assert_upright(data)
    assert material.content_type == "image/jpeg"
    assert material.size == len(data) and material.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("orientation", [6, 8])
def test_reg2_small_sideways_photo_turned_upright_at_its_own_size(orientation):
    checked = check_upload(MaterialKind.PHOTO, upload("p.jpg", sideways_jpeg(portrait(330, 480), orientation)))
    assert (checked.width, checked.height) == (330, 480)
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (330, 480)
    assert_upright(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()


def test_reg2_landscape_photo_still_refused_with_its_size_in_the_message():
    with pytest.raises(ValidationError) as caught:
        check_upload(MaterialKind.PHOTO, upload("wide.jpg", camera_jpeg(4032, 3024)))
    assert caught.value.code == "photo_aspect"
    message = caught.value.messages[0]
    assert message.startswith("照片应为竖版小二寸") and "4032×3024 像素" in message and "请裁剪后重新上传" in message


def test_reg2_portrait_pixels_tagged_sideways_are_landscape_as_displayed():
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    content = jpeg(portrait(330, 480), exif=exif.tobytes())  # displayed 480×330
    with pytest.raises(ValidationError, match="照片应为竖版小二寸.*480×330"):
        check_upload(MaterialKind.PHOTO, upload("p.jpg", content))


# --- 3. camera-sized photos ---------------------------------------------------------------------


def test_reg2_camera_photo_accepted_and_stored_small(draft, candidate, media):
    content = camera_jpeg()
    assert 4 * 1024 * 1024 < len(content) < MAX_PHOTO_BYTES

    material = attach_photo(draft, candidate, content, name="IMG_20240501_101010.jpg")

    data = stored(material)
    assert len(data) < 2 * 1024 * 1024 and material.size == len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.width <= PHOTO_MAX_SIZE[0] and image.height <= PHOTO_MAX_SIZE[1]
        assert (material.width, material.height) == image.size == (600, 800)
    assert material.sha256 == hashlib.sha256(data).hexdigest()
    assert material.original_name == "IMG_20240501_101010.jpg"


def test_reg2_eleven_megabyte_photo_refused_clearly(draft, candidate, media):
    content = b"\xff\xd8\xff\xe0" + bytes(11 * 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        attach_photo(draft, candidate, content)
    assert caught.value.code == "too_large"
    assert caught.value.messages == ["小二寸彩色免冠照片过大（11.0 MB），不能超过 10 MB。"]
    assert not Material.objects.filter(application=draft).exists()
    # A stream that does not say its size is cut off at the limit all the same.
    with pytest.raises(ValidationError, match="过大，不能超过 10 MB"):
        check_upload(MaterialKind.PHOTO, io.BytesIO(content))


def test_reg2_large_png_shrunk_to_jpeg_on_white():
    image = portrait(900, 1200).convert("RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 900, 100))  # a transparent band at the top
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    checked = check_upload(MaterialKind.PHOTO, upload("p.png", buffer.getvalue()))
    assert checked.kind == "jpeg" and checked.content_type == "image/jpeg"
    assert (checked.width, checked.height) == (600, 800)
    with Image.open(io.BytesIO(checked.content)) as stored_image:
        assert stored_image.convert("RGB").getpixel((300, 10)) >= (245, 245, 245)  # flattened on white
    assert_upright(checked.content)


def test_reg2_photo_over_two_megabytes_re_encoded_even_when_small_in_pixels():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "x" * (2 * 1024 * 1024 + 1))
    buffer = io.BytesIO()
    portrait(330, 480).save(buffer, format="PNG", pnginfo=info)
    assert len(buffer.getvalue()) > 2 * 1024 * 1024
    checked = check_upload(MaterialKind.PHOTO, upload("p.png", buffer.getvalue()))
    assert checked.kind == "jpeg" and (checked.width, checked.height) == (330, 480)
    assert len(checked.content) < 100_000


# --- what did not change ------------------------------------------------------------------------


def test_reg2_small_conforming_jpeg_stored_byte_identical(draft, candidate, media):
    content = jpeg(noisy(330, 480), quality=90)
    material = attach_photo(draft, candidate, content)
    assert stored(material) == content
    assert (material.width, material.height) == (330, 480)
    assert material.sha256 == hashlib.sha256(content).hexdigest()


def test_reg2_upright_tag_alone_is_no_reason_to_re_encode():
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 1
    content = jpeg(portrait(330, 480), exif=exif.tobytes())
    assert check_upload(MaterialKind.PHOTO, upload("p.jpg", content)).content == content


def test_reg2_png_photo_still_accepted(draft, candidate, media):
    content = image_bytes(fmt="PNG")
    material = attach_photo(draft, candidate, content, name="photo.png")
    assert stored(material) == content
    assert material.content_type == "image/png"
    assert (material.width, material.height) == (330, 480)


def test_reg2_camera_photo_in_grey_still_refused():
    grey = jpeg(noisy(756, 1008).convert("L").resize((3024, 4032)).convert("RGB"), quality=80)
    with pytest.raises(ValidationError, match="照片须为彩色照片"):
        check_upload(MaterialKind.PHOTO, upload("grey.jpg", grey))


# --- the page -----------------------------------------------------------------------------------


def test_reg2_photo_input_offers_camera_and_gallery_and_states_the_new_limit(client, candidate, draft):
    client.force_login(candidate)
    html = client.get(reverse("registration:application_detail", args=[draft.pk])).content.decode()
    start = html.index('id="file-photo"')
    tag = html[html.rindex("<input", 0, start): html.index(">", start) + 1]
    assert 'accept="image/jpeg,image/png"' in tag
    assert "capture" not in tag  # capture="user" opened the camera with no way to pick a studio photo
    assert "不超过 10 MB" in html and "2 MB" not in html


def test_reg2_a_small_file_declaring_a_huge_image_is_refused_before_decoding():
    """A 7000×5000 PNG of one colour is a few KB but would take hundreds of MB to decode."""
    buffer = io.BytesIO()
    Image.new("1", (7000, 5000), 1).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000
    for kind in (MaterialKind.ID_CARD, MaterialKind.PHOTO):
        with pytest.raises(ValidationError, match="图片尺寸过大（7000×5000 像素）"):
            check_upload(kind, upload("huge.png", buffer.getvalue(), "image/png"))
