"""Build the pre-subset CJK font the PDFs use (appraisal/pdf.py).

Subsetting the whole Noto Sans CJK collection (≈ 65,000 glyphs, 20 MB) on every PDF is the slow
part of printing a Chinese form. This command does the heavy part once, at install time: it takes
the Simplified Chinese face of the collection and keeps the characters of GB2312 (6,763 hanzi and
its symbols), ASCII, Latin-1, general and CJK punctuation and the full-width forms. Characters
outside the subset (rare name characters such as 堃, 𬌗) still print: the PDF CSS falls back to the
system font for them.

Idempotent: it does nothing when the output exists and is newer than the source font, unless
--force is given. The file is written to a temporary name and moved into place, so a reader never
sees half a font.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appraisal.pdf import SOURCE_FONT, SOURCE_FONT_FAMILY, SUBSET_FONT_NAME


def gb2312_characters() -> set[int]:
    """Every character of GB2312, found by decoding all its valid two-byte codes."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def subset_codepoints() -> set[int]:
    ranges = (
        (0x0020, 0x007F),  # ASCII
        (0x00A0, 0x0100),  # Latin-1 supplement: ·, ×, ÷, °
        (0x2000, 0x2070),  # general punctuation: “ ” ‘ ’ — … ‰ ※
        (0x2100, 0x2200),  # letterlike symbols and number forms: № ℃ Ⅰ Ⅱ ①
        (0x2460, 0x2500),  # enclosed alphanumerics
        (0x3000, 0x3040),  # CJK symbols and punctuation: 、。〈〉《》「」【】〔〕〇
        (0xFF00, 0xFFF0),  # full-width forms: （）：；，！？０-９Ａ-Ｚ
    )
    chars = gb2312_characters()
    for start, stop in ranges:
        chars.update(range(start, stop))
    return chars


def find_face(source: Path, family: str):
    """The face named `family` (the SC face, not the JP/KR/TC/HK or Mono ones) of a collection."""
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(source), lazy=True)
        for number, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == family:
                return TTFont(str(source), fontNumber=number)
        raise CommandError(f"{source} 中没有字体 “{family}”。")
    return TTFont(str(source))


class Command(BaseCommand):
    help = "生成PDF用的中文子集字体（GB2312字符集，思源黑体简体），已是最新时跳过。"

    def add_arguments(self, parser):
        parser.add_argument("--source", default=SOURCE_FONT, help=f"源字体（默认 {SOURCE_FONT}）")
        parser.add_argument("--family", default=SOURCE_FONT_FAMILY, help="字体集合中要取的字体名")
        parser.add_argument("--force", action="store_true", help="即使已是最新也重新生成")

    def handle(self, *args, source, family, force, **options):
        from fontTools import subset

        source = Path(source)
        output = Path(settings.PDF_FONT_DIR) / SUBSET_FONT_NAME
        if not source.exists():
            raise CommandError(f"找不到源字体 {source}（Debian/Ubuntu：apt-get install fonts-noto-cjk）。")
        if not force and output.exists() and output.stat().st_mtime >= source.stat().st_mtime:
            self.stdout.write(f"子集字体已是最新，跳过：{output}")
            return

        started = time.monotonic()
        font = find_face(source, family)
        options = subset.Options()
        options.notdef_outline = True  # a missing glyph shows as a box, never as nothing
        options.hinting = False  # CFF hints are not used by PDF viewers at print sizes
        options.drop_tables += ["BASE", "VORG", "vhea", "vmtx"]  # horizontal text only
        # Horizontal Simplified Chinese needs no vertical, language (locl) or width alternates:
        # keeping only these halves the glyph count and with it the per-PDF subsetting time.
        options.layout_features = ["ccmp", "kern", "liga", "calt", "mark", "mkmk"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset_codepoints())
        subsetter.subset(font)

        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        try:
            font.save(str(partial))
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(
            f"已生成子集字体 {output}（{output.stat().st_size // 1024} KB，"
            f"{len(font.getGlyphOrder())} 个字形，用时 {time.monotonic() - started:.1f} 秒）"
        ))
