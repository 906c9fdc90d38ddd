"""REG-2: uploaded materials are checked by what they contain, never by their name."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import struct
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, ImageStat, UnidentifiedImageError

from registration.models import MaterialKind

MAX_FILE_BYTES = 5 * 1024 * 1024
# A phone camera's JPEG (12 MP, 3-6 MB) must go through: the server shrinks it (see _check_photo).
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# 小二寸 photos are 33 x 48 mm (aspect 0.69), 二寸 35 x 49 mm (0.71): accept that band.
PHOTO_ASPECT_RANGE = (0.64, 0.76)
PHOTO_MIN_SIZE = (240, 330)
# What is stored: a photo larger than this (upright, in pixels) or heavier than PHOTO_STORE_BYTES
# is shrunk to fit and re-encoded as JPEG; a small upright photo is stored byte for byte.
PHOTO_MAX_SIZE = (600, 800)
PHOTO_STORE_BYTES = 2 * 1024 * 1024
PHOTO_JPEG_QUALITY = 90

CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
TYPE_NAMES = {"jpeg": "JPEG图片", "png": "PNG图片", "pdf": "PDF文件"}

EXIF_ORIENTATION = 0x0112
ROTATED_ORIENTATIONS = {2, 3, 4, 5, 6, 7, 8}  # 1 is upright; anything else is not an orientation
SIDEWAYS_ORIENTATIONS = {5, 6, 7, 8}  # stored with width and height swapped

# What Pillow raises on a damaged or hostile image (bad EXIF included).
IMAGE_ERRORS = (
    UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error, Image.DecompressionBombError
)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    kind: str  # jpeg, png, pdf
    content_type: str
    width: int | None
    height: int | None
    sha256: str


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def check_upload(material_kind: str, uploaded) -> CheckedFile:
    """Validate an uploaded file for a material kind; raise ValidationError in Chinese.

    The returned `content` is what gets stored: the upload itself, except for a photo that had to
    be turned upright or shrunk (then a JPEG re-encoded from it)."""
    label = MaterialKind(material_kind).label
    is_photo = material_kind == MaterialKind.PHOTO
    limit = MAX_PHOTO_BYTES if is_photo else MAX_FILE_BYTES
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("%(label)s过大（%(size).1f MB），不能超过 %(limit)d MB。")
            % {"label": label, "size": size / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="too_large",
        )
    content = uploaded.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("%(label)s过大，不能超过 %(limit)d MB。") % {"label": label, "limit": limit // 1024 // 1024},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("%(label)s是空文件。") % {"label": label}, code="empty")
    kind = sniff(content[:8])
    if is_photo:
        if kind not in ("jpeg", "png"):
            actual = TYPE_NAMES.get(kind, _("无法识别的文件"))
            raise ValidationError(
                _("照片必须是JPEG或PNG图片，上传的文件实际是%(actual)s。") % {"actual": actual}, code="photo_type"
            )
        return _check_photo(content, kind, label)
    if kind is None:
        raise ValidationError(
            _("%(label)s必须是JPEG、PNG图片或PDF文件，上传的文件无法识别（不能只改扩展名）。") % {"label": label},
            code="file_type",
        )
    width = height = None
    if kind in ("jpeg", "png"):
        width, height = _image_size(content, label)
    else:
        _check_pdf(content, label)
    return _checked(content, kind, width, height)


def _checked(content: bytes, kind: str, width: int | None, height: int | None) -> CheckedFile:
    return CheckedFile(content, kind, CONTENT_TYPES[kind], width, height, hashlib.sha256(content).hexdigest())


_DECODING = threading.Lock()


@contextlib.contextmanager
def _strict_decoding():
    """Decode with Pillow's truncated-image tolerance off, whatever the process set globally.

    WeasyPrint turns `ImageFile.LOAD_TRUNCATED_IMAGES` on when it is imported, after which Pillow
    pads a cut-off JPEG with grey and reports success. The flag is a module global: it is switched off for the duration of the check and put back
    afterwards, under a lock, so two checks in a threaded server (runserver) cannot interleave.
    """
    with _DECODING:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _refuse_oversized(image, label: str) -> None:
    """Before decoding: a small file can declare a huge image (a PNG of 7000×10000 is 220 KB) and
    cost hundreds of MB to decode. No scan or photo needs more than MAX_IMAGE_PIXELS."""
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("%(label)s图片尺寸过大（%(w)d×%(h)d 像素），请缩小到 %(mp)d00 万像素以内后重新上传。")
            % {"label": label, "w": width, "h": height, "mp": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_too_large",
        )


def _broken(label: str) -> ValidationError:
    return ValidationError(_("%(label)s图片已损坏，无法打开。") % {"label": label}, code="broken_image")


# Image modes without colour: bilevel, greyscale (with alpha), and 32-bit integer or float greys.
GREYSCALE_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"}
GREY_CHROMA_TOLERANCE = 6
MAX_IMAGE_PIXELS = 30_000_000  # a 6000×5000 scan; a phone camera is 12 MP


def _image_size(content: bytes, label: str) -> tuple[int, int]:
    """A scan or copy in JPEG or PNG: it must decode completely; stored as uploaded."""
    try:
        with _strict_decoding():
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                _refuse_oversized(image, label)
                image.load()
                return image.size
    except IMAGE_ERRORS as exc:
        raise _broken(label) from exc


def _check_photo(content: bytes, kind: str, label: str) -> CheckedFile:
    """REG-2's photo: decodes completely, in colour, a portrait 小二寸 as displayed.

    A phone stores a portrait photo sideways with an EXIF orientation tag: the shape is judged on the
    upright image, and such a photo is stored upright (re-encoded, without the tag) so that every PDF
    and thumbnail shows it the right way up. A camera-sized photo is shrunk to PHOTO_MAX_SIZE. A small
    upright photo is stored exactly as uploaded."""
    try:
        with _strict_decoding():
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                _refuse_oversized(image, label)
                orientation = image.getexif().get(EXIF_ORIENTATION, 1)
                rotated = isinstance(orientation, int) and orientation in ROTATED_ORIENTATIONS
                sideways = rotated and orientation in SIDEWAYS_ORIENTATIONS
                width, height = image.size[::-1] if sideways else image.size
                shrink = width > PHOTO_MAX_SIZE[0] or height > PHOTO_MAX_SIZE[1]
                if shrink:
                    # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale, still at least the target size:
                    # a fraction of the memory and time. Every byte is still decoded (and checked).
                    image.draft(None, PHOTO_MAX_SIZE[::-1] if sideways else PHOTO_MAX_SIZE)
                image.load()
                if _is_grey(image):
                    # REG-2: two recent 2-inch colour photos.
                    raise ValidationError(_("照片须为彩色照片，不能是黑白或灰度照片。"), code="photo_not_colour")
                _check_photo_shape(width, height)
                if not (rotated or shrink or len(content) > PHOTO_STORE_BYTES):
                    return _checked(content, kind, width, height)
                content, (width, height) = _upright_jpeg(image, rotated=rotated)
    except IMAGE_ERRORS as exc:
        raise _broken(label) from exc
    return _checked(content, "jpeg", width, height)


def _upright_jpeg(image, *, rotated: bool) -> tuple[bytes, tuple[int, int]]:
    """The photo turned upright, flattened onto white, shrunk to fit PHOTO_MAX_SIZE, as a JPEG with
    no EXIF (no orientation tag, no location); the colour profile is kept when it describes RGB."""
    icc_profile = image.info.get("icc_profile") if image.mode != "CMYK" else None
    upright = ImageOps.exif_transpose(image) if rotated else image
    if upright.mode in ("RGBA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        upright = Image.new("RGB", rgba.size, (255, 255, 255))
        upright.paste(rgba, mask=rgba.getchannel("A"))
    else:
        upright = upright.convert("RGB")
    upright.thumbnail(PHOTO_MAX_SIZE, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    upright.save(buffer, format="JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True, **options)
    return buffer.getvalue(), upright.size


def _is_grey(image) -> bool:
    """A greyscale mode, or colour channels that carry no colour (a black-and-white photo scanned
    as RGB): every pixel's chroma stays within JPEG noise of neutral."""
    if image.mode in GREYSCALE_MODES:
        return True
    small = image.copy()
    small.thumbnail((64, 64))  # shrink first: converting a full-size image would copy all of it
    small = small.convert("RGB")
    (cb_low, cb_high), (cr_low, cr_high) = ImageStat.Stat(small.convert("YCbCr")).extrema[1:]
    return all(abs(value - 128) <= GREY_CHROMA_TOLERANCE for value in (cb_low, cb_high, cr_low, cr_high))


# PDF names of things that run or open something when the file is viewed.
ACTIVE_PDF_KEYS = ("/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/EmbeddedFile", "/RichMedia",
                   "/SubmitForm", "/ImportData", "/XFA")


# As a whole PDF name: "/AA" but not a font's "/AAAAAB+NotoSans".
ACTIVE_PDF_NAME = re.compile(rb"/(?:" + b"|".join(k[1:].encode() for k in ACTIVE_PDF_KEYS) + rb")(?![A-Za-z0-9#+_.\-])")


def _check_pdf(content: bytes, label: str) -> None:
    if b"%%EOF" not in content[-2048:]:
        raise ValidationError(_("%(label)s PDF文件不完整或已损坏。") % {"label": label}, code="broken_pdf")
    if _pdf_active_content(content):
        raise ValidationError(
            _("%(label)s PDF文件含有脚本、自动执行的动作或嵌入的文件，出于安全原因不能上传。"
              "请用手机或电脑的“打印为PDF”重新生成后上传。") % {"label": label},
            code="active_pdf",
        )


def _pdf_active_content(content: bytes) -> bool:
    """Whether a PDF holds script, launch or auto-open actions, or embedded files: looked for in the
    raw bytes and, since object streams compress their dictionaries, in every parsed object."""
    if ACTIVE_PDF_NAME.search(content):
        return True
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        numbers = {number for objects in reader.xref.values() for number in objects} | set(reader.xref_objStm)
        for number in numbers:
            obj = reader.get_object(number)
            if hasattr(obj, "keys") and (any(key in obj for key in ACTIVE_PDF_KEYS)
                                         or obj.get("/S") in ("/JavaScript", "/Launch")):
                return True
    except Exception:  # noqa: BLE001 - not parseable beyond the raw bytes: the byte scan has spoken
        return False
    return False


def _check_photo_shape(width: int, height: int) -> None:
    """Judged on the photo as displayed (after its EXIF orientation), before any shrinking."""
    min_w, min_h = PHOTO_MIN_SIZE
    if width < min_w or height < min_h:
        raise ValidationError(
            _("照片分辨率过低（%(w)d×%(h)d 像素），至少需要 %(min_w)d×%(min_h)d 像素。")
            % {"w": width, "h": height, "min_w": min_w, "min_h": min_h},
            code="photo_small",
        )
    aspect = width / height
    low, high = PHOTO_ASPECT_RANGE
    if not low <= aspect <= high:
        raise ValidationError(
            _("照片应为竖版小二寸（宽高约 33mm×48mm，宽高比 %(low).2f～%(high).2f），"
              "当前照片为 %(w)d×%(h)d 像素，宽高比 %(aspect).2f，请裁剪后重新上传。")
            % {"low": low, "high": high, "w": width, "h": height, "aspect": aspect},
            code="photo_aspect",
        )


# The thumbnail on the application page: small enough for a phone's list, sharp at 2x.
THUMBNAIL_SIZE = (120, 160)


def photo_thumbnail(stored) -> bytes:
    """A small JPEG of a stored photo (already checked and upright at upload) for the pages."""
    with Image.open(stored) as image:
        image = image.convert("RGB")
        image.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
    return out.getvalue()
