"""`models.fold` folds through a per-character table; it must equal folding the whole
text at once (casefold, NFKD, combining marks dropped, ø ł đ plain, spaces collapsed)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.models import fold


def whole_text_fold(text: str) -> str:
    """The definition, applied to the text as a whole (the previous implementation)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("ø", "o").replace("ł", "l").replace("đ", "d").split())


def test_known_names() -> None:
    assert fold("  Zoë   Østergaard ") == "zoe ostergaard"
    assert fold("Łukasz Đorđević") == "lukasz dorđevic".replace("đ", "d")
    assert fold("STRAßE") == "strasse"
    assert fold("Nguyễn\u00a0Văn") == "nguyen van"
    assert fold("ﬁle") == "file"
    assert fold("e\u0301cole") == "ecole"  # a combining mark on its own is dropped
    assert fold(None) == "" and fold("") == ""


def test_every_basic_plane_character_folds_as_whole_text() -> None:
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f"a{chr(code)}B {chr(code)}"
        assert fold(text) == whole_text_fold(text), hex(code)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_folds_as_whole_text(text: str) -> None:
    assert fold(text) == whole_text_fold(text)
