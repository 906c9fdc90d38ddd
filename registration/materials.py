"""REG-2: uploaded materials are checked by what they contain, never by their name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageStat, UnidentifiedImageError

from registration.models import MaterialKind

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PHOTO_BYTES = 2 * 1024 * 1024
# 小二寸 photos are 33 x 48 mm (aspect 0.69), 二寸 35 x 49 mm (0.71): accept that band.
PHOTO_ASPECT_RANGE = (0.64, 0.76)
PHOTO_MIN_SIZE = (240, 330)

CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
TYPE_NAMES = {"jpeg": "JPEG图片", "png": "PNG图片", "pdf": "PDF文件"}


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
    """Validate an uploaded file for a material kind; raise ValidationError in Chinese."""
    label = MaterialKind(material_kind).label
    limit = MAX_PHOTO_BYTES if material_kind == MaterialKind.PHOTO else MAX_FILE_BYTES
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
    if material_kind == MaterialKind.PHOTO:
        if kind not in ("jpeg", "png"):
            actual = TYPE_NAMES.get(kind, _("无法识别的文件"))
            raise ValidationError(
                _("照片必须是JPEG或PNG图片，上传的文件实际是%(actual)s。") % {"actual": actual}, code="photo_type"
            )
    elif kind is None:
        raise ValidationError(
            _("%(label)s必须是JPEG、PNG图片或PDF文件，上传的文件无法识别（不能只改扩展名）。") % {"label": label},
            code="file_type",
        )
    width = height = None
    if kind in ("jpeg", "png"):
        width, height = _image_size(content, label, colour_required=material_kind == MaterialKind.PHOTO)
    else:
        _check_pdf(content, label)
    if material_kind == MaterialKind.PHOTO:
        _check_photo_shape(width, height)
    return CheckedFile(content, kind, CONTENT_TYPES[kind], width, height, hashlib.sha256(content).hexdigest())


# Image modes without colour: bilevel, greyscale (with alpha), and 32-bit integer or float greys.
GREYSCALE_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"}
GREY_CHROMA_TOLERANCE = 6


def _image_size(content: bytes, label: str, *, colour_required: bool = False) -> tuple[int, int]:
    import io

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            size = image.size
            grey = colour_required and _is_grey(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("%(label)s图片已损坏，无法打开。") % {"label": label}, code="broken_image") from exc
    if grey:
        # REG-2: two recent 2-inch colour photos.
        raise ValidationError(_("照片须为彩色照片，不能是黑白或灰度照片。"), code="photo_not_colour")
    return size


def _is_grey(image) -> bool:
    """A greyscale mode, or colour channels that carry no colour (a black-and-white photo scanned
    as RGB): every pixel's chroma stays within JPEG noise of neutral."""
    if image.mode in GREYSCALE_MODES:
        return True
    small = image.convert("RGB")
    small.thumbnail((64, 64))
    (cb_low, cb_high), (cr_low, cr_high) = ImageStat.Stat(small.convert("YCbCr")).extrema[1:]
    return all(abs(value - 128) <= GREY_CHROMA_TOLERANCE for value in (cb_low, cb_high, cr_low, cr_high))


def _check_pdf(content: bytes, label: str) -> None:
    if b"%%EOF" not in content[-2048:]:
        raise ValidationError(_("%(label)s PDF文件不完整或已损坏。") % {"label": label}, code="broken_pdf")


def _check_photo_shape(width: int, height: int) -> None:
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
            _("照片应为竖版小二寸（宽高约 33mm×48mm），当前宽高比为 %(aspect).2f。") % {"aspect": aspect},
            code="photo_aspect",
        )
