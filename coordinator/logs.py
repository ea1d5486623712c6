"""Private, rotating log files, with personal data redacted as a last line of defence.

`setup_logging()` (called once by `main.py` or the CLI) writes
`<log dir>/coordinator.log` (rotated at 1 MB, 5 old files kept) with the folder 0700
and every file 0600 on POSIX. The code must never log personal data in the first
place (log ids, counts and file names, not names, emails or phones); in addition,
`RedactingFilter` replaces anything that looks like an email address or a phone
number, in the message and in tracebacks. SQLAlchemy's logger is held at WARNING so
that SQL parameters (which carry personal data) are never written even when the root
level is DEBUG.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from coordinator import paths

LOG_FILENAME = "coordinator.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that would print row values (personal data) at INFO/DEBUG.
QUIET_LOGGERS = ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm")

EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# Digits with optional +, parentheses, spaces, dots or dashes; not inside a word, an
# id or a date. Candidates with 7 to 15 digits are treated as phone numbers.
_PHONE_CANDIDATE_RE = re.compile(r"(?<![\w.+-])\+?\(?\d[\d\s().-]{4,}\d(?![\w-])")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"


def _phone_sub(m: re.Match[str]) -> str:
    text = m.group(0)
    digits = sum(ch.isdigit() for ch in text)
    if not 7 <= digits <= 15 or _DATE_RE.search(text):
        return text
    if "\n" in text:
        return text
    return PHONE_MASK


def redact(text: str) -> str:
    """`text` with email addresses and phone-like numbers masked."""
    text = EMAIL_RE.sub(EMAIL_MASK, text)
    return _PHONE_CANDIDATE_RE.sub(_phone_sub, text)


class RedactingFilter(logging.Filter):
    """Masks emails and phone numbers in a record's message (args are merged first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw text, masked
            message = str(record.msg)
        masked = redact(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingFormatter(logging.Formatter):
    """Also masks tracebacks and stack text, which are formatted after filters run."""

    def formatException(self, ei):  # type: ignore[no-untyped-def]
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return redact(super().formatStack(stack_info))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files are created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_CREAT | os.O_WRONLY | os.O_APPEND,
                     paths.PRIVATE_FILE_MODE)
        if os.name == "posix":
            os.fchmod(fd, paths.PRIVATE_FILE_MODE)
        return os.fdopen(fd, self.mode if "a" in self.mode else "a",
                         encoding=self.encoding, errors=self.errors)


_installed: PrivateRotatingFileHandler | None = None
_previous_level = logging.WARNING


def log_file() -> Path:
    return paths.log_dir() / LOG_FILENAME


def setup_logging(level: int = logging.INFO, *, log_dir: Path | None = None) -> Path:
    """Install the private rotating file log on the root logger; returns the file path.

    Calling it again replaces the handler (e.g. after `COORDINATOR_HOME` changed).
    """
    global _installed, _previous_level
    folder = paths.ensure_private_dir(log_dir or paths.log_dir())
    path = folder / LOG_FILENAME
    handler = PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter(FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    if _installed is not None:
        root.removeHandler(_installed)
        _installed.close()
    else:
        _previous_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _installed = handler
    return path


def shutdown_logging() -> None:
    """Remove and close the file handler installed by `setup_logging`."""
    global _installed
    if _installed is not None:
        root = logging.getLogger()
        root.removeHandler(_installed)
        _installed.close()
        _installed = None
        root.setLevel(_previous_level)
