"""Check a certificate's signed statement offline (CERT-4):

    manage.py verify_certificate <statement, or the QR code's whole link, or a file holding it,
                                  or a photo or scan of the QR code (PNG, JPEG, ...)>
        [--keys keys.json] [--revocations revocations.json]

The keys and the revocation list are the files the province publishes at
/certificates/offline/keys.json and /certificates/offline/revocations.json, downloaded while online;
without them, this installation's own keyring and revocation list are used. An image is decoded
with zxing-cpp (a wheel from PyPI, no system library), which finds the code turned or in a photo.
Exit status: 0 valid, 1 revoked, 2 not to be trusted or not readable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import signing
from certificates.services import offline

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}
UNREADABLE = 2  # the exit status of "not to be trusted": nothing was verified


def statement_from_image(path: Path) -> str:
    """The text of the certificate's QR code in a photo or scan, or a CommandError in Chinese."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        raise CommandError(f"找不到图片文件：{path}", returncode=UNREADABLE)
    try:
        with Image.open(path) as image:
            codes = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise CommandError(f"无法读取图片（不是PNG、JPEG等图片，或文件已损坏）：{path}", returncode=UNREADABLE) from exc
    if not codes:
        raise CommandError("图片中没有找到二维码：请拍清楚、拍全证书上的二维码后重试。", returncode=UNREADABLE)
    ours = [code.text for code in codes if "#c=" in code.text or code.text.startswith(signing.PREFIX)]
    if not ours:
        raise CommandError("图片中的二维码不是证书核验码：请拍证书上印的二维码。", returncode=UNREADABLE)
    return ours[0]


def statement_from(text: str) -> str:
    text = text.strip()
    if "#c=" in text:  # the QR code's whole link
        text = text.split("#c=", 1)[1]
    return text


def _read_keys(path: str) -> dict[str, bytes]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return {k["key_id"]: signing.unb64url(k["public_key"]) for k in document["keys"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"公钥文件无法读取：{path}", returncode=UNREADABLE) from exc


def _read_revocations(path: str) -> str:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["list"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"吊销名单文件无法读取：{path}", returncode=UNREADABLE) from exc


class Command(BaseCommand):
    help = "离线核验证书二维码中的签名核验码（有效、已吊销或不可信）。"

    def add_arguments(self, parser):
        parser.add_argument("statement", help="核验码、二维码中的完整链接、保存它的文本文件，或二维码的照片/扫描图片")
        parser.add_argument("--keys", help="省鉴定中心公布的公钥文件 keys.json")
        parser.add_argument("--revocations", help="省鉴定中心公布的吊销名单 revocations.json")

    def handle(self, *args, statement, keys, revocations, **options):
        path = Path(statement)
        if len(statement) < 250 and path.suffix.lower() in IMAGE_SUFFIXES:
            statement = statement_from_image(path)
        elif len(statement) < 250 and path.is_file():
            statement = path.read_text(encoding="utf-8")
        key_map = _read_keys(keys) if keys else signing.public_keys()
        revocation_list = _read_revocations(revocations) if revocations else offline.revocation_list()
        try:
            result = signing.check(statement_from(statement), keys=key_map, revocations=revocation_list)
        except signing.InvalidStatement as exc:
            self.stderr.write(f"不可信：{exc}")
            sys.exit(2)
        s = result.statement
        self.stdout.write(f"证书编号：{s.number}\n持证人：{s.holder}（身份证号 {s.id_number}）\n职业：{s.occupation}"
                          f"  等级：{s.level}级\n发证日期：{s.issued_on}\n发证机关：{s.issuing_authority}\n"
                          f"鉴定机构：{s.body}\n签名密钥：{s.key_id}")
        if result.status == "revoked":
            self.stdout.write(f"结论：已吊销（{result.revoked_on}；吊销名单生成于 {result.list_generated_at}）")
            sys.exit(1)
        self.stdout.write(f"结论：有效（签名核验通过；吊销名单生成于 {result.list_generated_at}）")
