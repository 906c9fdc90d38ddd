"""PDF rendering shared by every app: an HTML string in, PDF bytes out, A4, in the project's CJK font.

Templates live in templates/pdf/ (docs/architecture.md, Runtime); their stylesheets are passed by name and
parsed once per process. The font is a pre-subset Noto Sans CJK SC (GB2312 characters, built at
install time by `python manage.py build_pdf_font` into settings.PDF_FONT_DIR): WeasyPrint then
subsets a 3 MB font instead of the 20 MB system collection on every PDF. Characters outside the
subset (rare name characters such as 堃 or 𬌗) fall back to the system "Noto Sans CJK SC", so they
still print as real text. Without the subset file everything still works on the system font, only
slower; a warning is logged once.

Usage from any app::

    from appraisal.pdf import render_pdf
    pdf = render_pdf(render_to_string("pdf/ticket.html", context), stylesheets=["pdf/base.css", "pdf/ticket.css"])
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

logger = logging.getLogger(__name__)

SOURCE_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # Debian/Ubuntu fonts-noto-cjk
SOURCE_FONT_FAMILY = "Noto Sans CJK SC"
SUBSET_FONT_NAME = "NotoSansCJKsc-Regular-GB2312.otf"
# The family name templates use; it resolves to the subset first, then to system CJK fonts.
FONT_FAMILY = "JL PDF Sans"
FONT_STACK = f'"{FONT_FAMILY}", "{SOURCE_FONT_FAMILY}", "Noto Sans CJK", "WenQuanYi Zen Hei", sans-serif'

# WeasyPrint options. Images are not re-optimised (photos are already sized by the caller) and
# fonts are subset (the default): both keep a one-page form in tens of milliseconds.
PDF_OPTIONS = {"optimize_images": False, "full_fonts": False, "hinting": False}

_BASE_CSS = f"""
@page {{ size: A4; margin: 15mm; }}
html {{ font-family: {FONT_STACK}; font-size: 10.5pt; line-height: 1.35; }}
"""

_local = threading.local()
_warned_missing = False
_warn_lock = threading.Lock()


def subset_font_path() -> Path:
    return Path(settings.PDF_FONT_DIR) / SUBSET_FONT_NAME


def _font_key() -> tuple[str, float] | None:
    path = subset_font_path()
    try:
        return str(path), path.stat().st_mtime
    except OSError:
        return None


def _warn_missing_font_once() -> None:
    global _warned_missing
    with _warn_lock:
        if _warned_missing:
            return
        _warned_missing = True
    logger.warning(
        "PDF subset font %s is missing: rendering with the system CJK font, which is slower. "
        "Run `python manage.py build_pdf_font`.", subset_font_path(),
    )


class _FontDirFetcher:
    """WeasyPrint may read data: URLs and files of the font directory, nothing else: a PDF never
    reaches the network or the rest of the file system, whatever a template contains."""

    def __init__(self, font_dir: Path):
        from weasyprint import URLFetcher

        self._fetcher = URLFetcher(allowed_protocols={"file", "data"}, timeout=5)
        self._prefix = font_dir.resolve().as_uri() + "/"

    def fetch(self, url, headers=None):
        if url.startswith("file:") and not url.startswith(self._prefix):
            raise ValueError(f"PDF may not read {url}")
        return self._fetcher.fetch(url, headers)

    __call__ = fetch


class _Renderer:
    """Per thread: one FontConfiguration (fontconfig set-up is costly) and the parsed stylesheets."""

    def __init__(self, font_key):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.font_key = font_key
        self.font_config = FontConfiguration()
        self.fetcher = _FontDirFetcher(Path(settings.PDF_FONT_DIR))
        font_face = ""
        if font_key is not None:
            font_face = f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{Path(font_key[0]).resolve().as_uri()}"); }}\n'
        self.base = CSS(string=font_face + _BASE_CSS, font_config=self.font_config, url_fetcher=self.fetcher)
        self._sheets = {}

    def stylesheet(self, name: str):
        sheet = self._sheets.get(name)
        if sheet is None:
            from weasyprint import CSS

            sheet = CSS(string=template_css(name), font_config=self.font_config, url_fetcher=self.fetcher)
            self._sheets[name] = sheet
        return sheet


def _renderer() -> _Renderer:
    key = _font_key()
    if key is None:
        _warn_missing_font_once()
    renderer = getattr(_local, "renderer", None)
    if renderer is None or renderer.font_key != key:
        renderer = _local.renderer = _Renderer(key)
    return renderer


@functools.cache
def template_css(name: str) -> str:
    """The text of a stylesheet found by the template loaders (e.g. "pdf/base.css"), read once."""
    return get_template(name).template.source


def render_pdf(html: str, *, stylesheets=(), base_url: str | None = None) -> bytes:
    """Render an HTML string to PDF bytes. `stylesheets` are template names of CSS files, applied
    after the base style (A4, the CJK font stack). Images should be data: URLs."""
    from weasyprint import HTML

    renderer = _renderer()
    document = HTML(string=html, base_url=base_url or str(settings.BASE_DIR), url_fetcher=renderer.fetcher)
    with collector_paused():
        return document.write_pdf(
            stylesheets=[renderer.base, *(renderer.stylesheet(name) for name in stylesheets)],
            font_config=renderer.font_config,
            **PDF_OPTIONS,
        )


@contextlib.contextmanager
def collector_paused():
    """WeasyPrint builds very many short-lived objects, and Python's cyclic garbage collector keeps
    re-scanning them: pausing it during a render is about 1.5x faster for long documents
    (benchmarks/bench_tickets.py). What garbage is left is collected afterwards. Process-wide, but
    only ever re-enabled by the caller that paused it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reset_cache() -> None:
    """Forget the parsed stylesheets and font set-up of this thread (tests, font rebuilt)."""
    global _warned_missing
    _local.renderer = None
    template_css.cache_clear()
    _warned_missing = False


# Drop the main thread's FontConfiguration before the interpreter tears cffi down (else its
# destructor prints an ignored exception at exit).
atexit.register(reset_cache)
