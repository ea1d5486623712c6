"""The Unicode font family embedded in every PDF (DejaVu Sans, shipped with the app).

reportlab's built-in fonts are Latin-1 only, so we register the four faces of a TTF
family (and `registerFontFamily`, so that `<b>`/`<i>` in paragraph markup pick the right
face) plus a monospaced face for code. The files live in `coordinator/resources/fonts`
(see the LICENSE there); no system font is needed on any platform.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"

SANS = "CoordinatorSans"
SANS_BOLD = "CoordinatorSans-Bold"
SANS_ITALIC = "CoordinatorSans-Oblique"
SANS_BOLD_ITALIC = "CoordinatorSans-BoldOblique"
MONO = "CoordinatorMono"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}

_lock = threading.Lock()
_registered = False


class FontsMissing(RuntimeError):
    """The shipped font files are not where the package expects them."""


def register_fonts() -> None:
    """Register the family once per process (safe to call from any thread)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        missing = [name for name in _FILES.values() if not (FONTS_DIR / name).is_file()]
        if missing:
            raise FontsMissing(f"Font files missing from {FONTS_DIR}: {', '.join(missing)}")
        for face, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(face, str(FONTS_DIR / filename)))
        pdfmetrics.registerFontFamily(
            SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
        )
        # Code spans keep their face for bold/italic (no mono bold is shipped).
        pdfmetrics.registerFontFamily(MONO, normal=MONO, bold=MONO, italic=MONO, boldItalic=MONO)
        _registered = True
