"""Who the coordinator is: name, title and organization, as printed on documents.

Briefing packets ("Prepared by"), proposal documents and the PDFs' Author metadata use
this, never the computer's login name. It is asked once (the app's "About you"
settings page, or `coordinator about-you`) and kept in `about-you.json` in the config
folder, readable by the user only.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from coordinator import paths
from coordinator.errors import CoordinatorError
from coordinator.files import write_private_atomic

FILENAME = "about-you.json"
MAX_CHARS = {"name": 120, "title": 200, "organization": 300}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AboutYou:
    name: str = ""
    title: str = ""
    organization: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.name)

    def signature(self) -> str:
        """`Ada Lovelace, Coalition coordinator, NSCP` ("" when no name is set)."""
        if not self.name:
            return ""
        return ", ".join(x for x in (self.name, self.title, self.organization) if x)


def _path() -> Path:
    return paths.config_dir() / FILENAME


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def problems(about: AboutYou) -> list[str]:
    """What is wrong with the values, one message per field (empty when fine)."""
    out = []
    for field, limit in MAX_CHARS.items():
        value = getattr(about, field)
        if len(value) > limit:
            out.append(f"Keep your {field} to {limit} characters or fewer.")
        if any(ord(ch) < 32 for ch in value):
            out.append(f"Your {field} contains control characters.")
    if not about.name and (about.title or about.organization):
        out.append("Enter your name as well (title and organization go with it).")
    return out


def load() -> AboutYou:
    """The saved values; empty ones when nothing was saved or the file is unreadable."""
    try:
        raw = json.loads(_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AboutYou()
    except (OSError, ValueError):
        log.warning("The About you settings file is unreadable; it is ignored.")
        return AboutYou()
    if not isinstance(raw, dict):
        return AboutYou()
    return AboutYou(**{k: _clean(raw.get(k))[: MAX_CHARS[k]] for k in MAX_CHARS})


def save(about: AboutYou) -> AboutYou:
    """Validate and save atomically (0600); returns the values as saved."""
    about = AboutYou(**{k: _clean(getattr(about, k)) for k in MAX_CHARS})
    wrong = problems(about)
    if wrong:
        raise CoordinatorError(" ".join(wrong))
    paths.ensure_private_dir(paths.config_dir())
    text = json.dumps(asdict(about), ensure_ascii=False, indent=1)
    write_private_atomic(_path(), text.encode("utf-8"))
    return about
