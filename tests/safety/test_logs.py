"""Private logs: the redaction filter (defence in depth) and a scan of the log files
for every contact's name, email and phone after running the main core flows with
the sample coalition at DEBUG level."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from coordinator import logs, secrets
from coordinator.backups import BackupManager
from coordinator.cli.context import CliContext
from coordinator.db import Database
from coordinator.errors import CoordinatorError
from coordinator.services import ContactFilter, Services
from coordinator.services.records import ContactData, EmailData, PhoneData


@pytest.mark.parametrize(("text", "expected"), [
    ("mail ana.lopez@example.org now", "mail [email] now"),
    ("call +1 (214) 555-0100 today", "call [phone] today"),
    ("or 214.555.0100 or +33 1 23 45 67 89", "or [phone] or [phone]"),
    ("at 2026-11-24 14:20:22 wrote 1200 rows", "at 2026-11-24 14:20:22 wrote 1200 rows"),
    ("id 12345678-1234-4abc-9def-123456789012", "id 12345678-1234-4abc-9def-123456789012"),
    ("coordinator-20261124T142022123456Z-auto.db", "coordinator-20261124T142022123456Z-auto.db"),
    ("version 3.40.1, 25 contacts", "version 3.40.1, 25 contacts"),
])
def test_redact(text: str, expected: str) -> None:
    assert logs.redact(text) == expected


@pytest.fixture
def log_file(home: Path) -> Iterator[Path]:
    path = logs.setup_logging(logging.DEBUG)
    yield path
    logs.shutdown_logging()


def read_logs(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.parent.glob("*.log*")))


def test_filter_masks_arguments_and_tracebacks(log_file: Path) -> None:
    log = logging.getLogger("coordinator.test")
    log.warning("could not reach %s at %s", "zoe@example.org", "+1 214 555 0199")
    try:
        raise ValueError("bad address zoe@example.org")
    except ValueError:
        log.exception("failed")
    text = read_logs(log_file)
    assert "zoe@example.org" not in text and "555 0199" not in text
    assert "[email]" in text and "[phone]" in text and "Traceback" in text


def test_sql_parameters_never_reach_the_log_even_at_debug(log_file: Path, db: Database) -> None:
    # Someone turned SQL echo on in a config (it logs every parameter, personal data):
    engine_logger = logging.getLogger("sqlalchemy.engine")
    before = engine_logger.level
    engine_logger.setLevel(logging.INFO)
    try:
        logs.setup_logging(logging.DEBUG)  # the app's log setup holds it back
        Services(db).contacts.create(
            ContactData(given_name="Quintessa", family_name="Marchbanks"))
        assert "Quintessa" not in read_logs(log_file)
        assert engine_logger.getEffectiveLevel() >= logging.WARNING
    finally:
        engine_logger.setLevel(before)


def _run_main_flows(services: Services, db: Database, tmp_path: Path) -> None:
    from coordinator.demo import build_demo

    build_demo(services, contacts=60)
    rows = services.contacts.list().rows
    for row in rows[:15]:
        services.search.search(row.full_name)
        services.search.search(row.full_name.split()[0][:3])
        services.contacts.list(ContactFilter(text=row.full_name.split()[-1]))
        if row.email:
            services.contacts.find_by_email(row.email)
    first = services.contacts.get(rows[0].id)
    first.notes = "called about the grant"
    services.contacts.update(rows[0].id, first)
    services.contacts.delete(rows[1].id)
    services.trash.list()
    services.contacts.restore(rows[1].id)
    with contextlib.suppress(CoordinatorError):  # the error carries the bad input
        services.contacts.create(ContactData(given_name="Ysolde", family_name="Quarrington",
                                             emails=[EmailData("ysolde@@example.org")],
                                             phones=[PhoneData("+1 (972) 555-0142")]))
    services.search.reindex()
    services.stats()

    manager = BackupManager(db.path)
    manager.watch(db)
    info = manager.backup_now()
    manager.list()
    sealed = manager.backup_encrypted(tmp_path / "off-site.cbak", "pass phrase")
    keyring.set_keyring(keyring.backends.fail.Keyring())
    secrets.store_secret(secrets.BACKUP_PASSPHRASE, "pass phrase")
    manager.restore(sealed, "pass phrase")
    manager.restore(info.path)
    manager.backup_on_quit()


def test_logs_hold_no_personal_data_after_the_main_flows(
    home: Path, tmp_path: Path, fast_kdf: None
) -> None:
    log_path = logs.setup_logging(logging.DEBUG)
    try:
        ctx = CliContext(None, creates_db=True)  # the default place, as the CLI opens it
        db, services = ctx.db, ctx.services
        _run_main_flows(services, db, tmp_path)
        people = [services.contacts.get(r.id) for r in services.contacts.list().rows]
        ctx.close()
        text = read_logs(log_path)
    finally:
        logs.shutdown_logging()
    assert "Backup written" in text  # the flows did log something
    assert len(people) >= 60
    needles: set[str] = {"Ysolde", "Quarrington", "ysolde@@example.org", "555-0142"}
    for p in people:
        needles |= {p.given_name, p.family_name, f"{p.given_name} {p.family_name}"}
        needles |= {e.address for e in p.emails}
        needles |= {ph.raw for ph in p.phones} | {ph.e164 for ph in p.phones if ph.e164}
    needles = {n for n in needles if n and len(n) >= 3}
    leaked = sorted(n for n in needles if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))
    assert leaked == [], leaked[:10]
