"""Which legacy code page a file that is not UTF-8 was written in.

charset-normalizer lists the code pages the bytes make sense in; on the few hundred
bytes of names an address book holds its ranking alone is unreliable (it reads
Windows-1252 names as Baltic), so each candidate's text is also judged the way a reader
would: letters inside a word that change script or case the wrong way ('RenŽe'),
symbols or digits glued to letters ('Â³òàë³é'), control characters. The lowest
score wins; ties go to the most common code page, Windows-1252 (what Outlook and
Windows Excel write) first. When another candidate reads the file differently and
almost as well, the guess comes back with a warning: the preview lets the user choose.
"""

from __future__ import annotations

import re
import unicodedata

# Most common first: the order that breaks ties.
CANDIDATES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "mac_roman",
              "cp932", "gb18030", "big5", "euc_kr", "koi8_r", "cp1255", "cp1256",
              "cp850")
NAMES = {"cp1252": "Windows-1252 (Western)", "cp1250": "Windows-1250 (Central European)",
         "cp1251": "Windows-1251 (Cyrillic)", "cp1253": "Windows-1253 (Greek)",
         "cp1254": "Windows-1254 (Turkish)", "cp1257": "Windows-1257 (Baltic)",
         "mac_roman": "Mac Roman", "cp932": "Shift-JIS (Japanese)",
         "gb18030": "GB18030 (Chinese)", "big5": "Big5 (Traditional Chinese)",
         "euc_kr": "EUC-KR (Korean)", "koi8_r": "KOI8-R (Russian)",
         "cp1255": "Windows-1255 (Hebrew)", "cp1256": "Windows-1256 (Arabic)",
         "cp850": "DOS Latin (850)"}
# What the import preview offers when the user chooses the encoding: (codec, name).
CHOICES = (("utf-8", "UTF-8"), ("utf-16", "UTF-16"),
           *((codec, NAMES[codec]) for codec in CANDIDATES))
_SAMPLE = 200_000  # bytes of lines with non-ASCII characters that are judged
_WORD = re.compile(r"[^\s;:,.=\"'()<>/\\\[\]{}|@!?*+&#%$-]+")  # words: ASCII punctuation ends one
_VOWELS = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄαεηιουωάέήίόύώϊϋΐΰΑΕΗΙΟΥΩΆΈΉΊΌΎΏ")
_FREE_PUNCTUATION = set("‘’‚“”„–—…•«»°©®™€£¥¢·¿¡")


def _sample(raw: bytes) -> bytes:
    """The lines that hold non-ASCII bytes, up to `_SAMPLE` bytes (whole lines, so that
    multi-byte characters are never cut)."""
    out, size = [], 0
    for line in raw.splitlines():
        if not line.isascii():
            out.append(line)
            size += len(line)
            if size > _SAMPLE:
                break
    return b"\n".join(out)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "CJK"
    return name.split(" ", 1)[0] if name else "?"


def oddness(text: str) -> float:
    """How unlike real writing the non-ASCII parts of `text` are (0 = not at all)."""
    score = 0.0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word.isascii():
            continue
        scripts = set()
        n = len(word)
        for i, ch in enumerate(word):
            category = unicodedata.category(ch)
            if category[0] == "C":
                score += 3
            elif category[0] == "L":
                if not ch.isascii():
                    scripts.add(_script(ch))
                if category == "Lu" and i and word[i - 1].isalpha() and (
                        word[i - 1].islower() or (i + 1 < n and word[i + 1].islower())) and (
                        not ch.isascii() or not word[i - 1].isascii()):
                    score += 2  # 'RenŽe', 'JŸrgen', 'ìRAPID'
            elif ch.isascii():
                pass
            elif ch in _FREE_PUNCTUATION:
                if 0 < i < n - 1 and word[i - 1].isalpha() and word[i + 1].isalpha() and (
                        ch not in "’·–—"):
                    score += 2  # 'C™t'
            else:
                score += 2 if category[0] in "NS" else 1  # '³', '÷', '―', '§'
        letters_ascii = sum(1 for c in word if c.isascii() and c.isalpha())
        if len(scripts) > 1 or (letters_ascii and scripts - {"LATIN"}):
            score += 2  # Latin and Cyrillic (or Han...) letters in one word
        elif scripts == {"LATIN"}:
            others = sum(1 for c in word if not c.isascii() and c.isalpha())
            if others >= 3 and others > letters_ascii:
                score += 2  # 'Ãéþñãïò': Latin words are mostly plain letters
        elif scripts & {"CYRILLIC", "GREEK"}:
            letters = [c for c in word if c.isalpha()]
            vowels = sum(1 for c in letters if c in _VOWELS)
            if len(letters) >= 4 and vowels < len(letters) / 5:
                score += 2  # 'Рбрбдьрпхлпт': Greek read as Cyrillic has few vowels
    return score


def scripts_of(text: str) -> frozenset[str]:
    """The scripts of the non-ASCII letters in `text`."""
    return frozenset(_script(ch) for ch in set(text) if not ch.isascii() and ch.isalpha())


def guess_code_page(raw: bytes) -> tuple[str, str]:
    """(codec, warning or "") for bytes that are not UTF-8."""
    sample = _sample(raw) or raw[:_SAMPLE]
    readable = []
    seen: set[str] = set()
    for codec in CANDIDATES:  # code pages that read the file alike: the most common one
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if text not in seen:
            seen.add(text)
            readable.append((codec, text))
    if not readable:
        return "cp1252", ("The file is not UTF-8 and no common code page reads it; "
                          "read as Windows-1252 with unreadable bytes replaced. Choose "
                          "its encoding if names look wrong.")
    # Imported here: only files that are not UTF-8 need it, and it takes a while to load
    # (in every worker of a pooled CSV parse, too).
    from charset_normalizer import from_bytes

    ranked = [m.encoding for m in from_bytes(sample, cp_isolation=[c for c, _ in readable])]
    rank = {codec: i for i, codec in enumerate(ranked)}
    scored = sorted(
        ((oddness(text), rank.get(codec, len(ranked)), CANDIDATES.index(codec), codec, text)
         for codec, text in readable),
        key=lambda s: (s[0], s[2] if s[0] == 0 else s[1], s[2]))
    best = scored[0]
    # A rival reads the file differently and about as well; between two Latin code
    # pages that both read well (Windows-1252 and -1250 differ in a few letters)
    # the more common one is taken without a warning.
    script = scripts_of(best[4])
    rivals = [s for s in scored[1:] if s[4] != best[4] and s[0] <= best[0] + 1
              and (best[0] > 0 or scripts_of(s[4]) != script)]
    if not rivals and best[0] <= 2:
        return best[3], ""
    others = ", ".join(NAMES[s[3]] for s in rivals[:2]) or "another code page"
    return best[3], (f"The file is not UTF-8; its encoding was guessed as {NAMES[best[3]]} "
                     f"but it could also be {others}. Check the names, and choose the "
                     "encoding if they look wrong.")
