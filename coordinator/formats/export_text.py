"""Text as it may appear in an exported file: no control character survives.

A line break pasted into a field (a lone CR from an old Mac clipboard, a vertical tab
from Word, U+2028 from a web page) must not end a vCard or iCalendar line or a CSV row:
read back, it would start a new property or a new record ("END:VCARD" in a note makes
a second card). Every export passes its text through `multiline` (a field that may hold
several lines: each break becomes "\\n", which the format then escapes or quotes) or
`one_line` (a URI or an address: breaks and controls are dropped). Other control
characters (NUL, ESC, the C1 range) carry nothing a person typed on purpose and are
dropped everywhere; a tab stays (every format allows it in a value).
"""

from __future__ import annotations

import re

# Everything str.splitlines() (and so many readers) treats as a line end.
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other C0 and C1 controls and DEL; not the tab.
CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_ANY = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def multiline(value: str) -> str:
    """`value` with every kind of line break as "\\n" and no other control character."""
    if value.isprintable() or not _ANY.search(value):  # the usual case: nothing to do
        return value
    return LINE_BREAKS.sub("\n", CONTROLS.sub("", value))


def one_line(value: str) -> str:
    """`value` without line breaks or control characters (URIs, addresses, labels)."""
    if value.isprintable() or not _ANY.search(value):  # isprintable: C speed, most text
        return value
    return LINE_BREAKS.sub("", CONTROLS.sub("", value))
