"""`coordinator backup`, `coordinator restore FILE`, `coordinator backups list`."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from coordinator import secrets
from coordinator.db import Database
from coordinator.services import Services

from .conftest import MemoryKeyring, add_contacts, file_digest
from .keyrings import BrokenKeyring
from .test_secrets import unloadable_backend

PASS_ENV = "COORDINATOR_BACKUP_PASSPHRASE"


@pytest.fixture
def filled(home: Path, tmp_path: Path) -> Path:
    path = tmp_path / "coalition.db"
    db = Database.open(path)
    add_contacts(Services(db), 4, "Cli")
    db.close()
    return path


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    from coordinator.cli import main

    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def contacts_in(path: Path) -> int:
    db = Database.open(path)
    try:
        return Services(db).contacts.count()
    finally:
        db.close()


def test_backup_and_list(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, filled, "backup")
    assert code == 0 and "Backup written to" in out and "4 contacts" in out
    code, out, _ = run(capsys, filled, "backups", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "manual" in lines[0] and "4 contacts" in lines[0]


def test_backup_to_a_file_and_restore_it(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "copy.db"
    assert run(capsys, filled, "backup", "-o", str(out_file))[0] == 0
    code, _, err = run(capsys, filled, "backup", "-o", str(out_file))
    assert code == 1 and "already exists" in err
    db = Database.open(filled)
    add_contacts(Services(db), 2, "Extra")
    db.close()
    code, out, _ = run(capsys, filled, "restore", str(out_file))
    assert code == 0 and "previous database was backed up" in out
    assert contacts_in(filled) == 4


def test_encrypted_backup_with_passphrase_from_env_saved_and_reused_from_keyring(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring, fast_kdf: None,
) -> None:
    sealed = tmp_path / "offsite.cbak"
    code, _, err = run(capsys, filled, "backup", "--encrypt")
    assert code == 1 and "-o FILE" in err
    monkeypatch.setenv(PASS_ENV, "tango 77 whiskey")
    code, out, err = run(capsys, filled, "backup", "--encrypt", "-o", str(sealed),
                         "--save-passphrase")
    assert code == 0 and "Encrypted backup written" in out and "keyring" in err
    assert memory_keyring.store[(secrets.SERVICE, secrets.BACKUP_PASSPHRASE)] == "tango 77 whiskey"
    monkeypatch.delenv(PASS_ENV)
    db = Database.open(filled)
    add_contacts(Services(db), 3, "Later")
    db.close()
    code, out, _ = run(capsys, filled, "restore", str(sealed))  # passphrase from the keyring
    assert code == 0, out
    assert contacts_in(filled) == 4


def test_restore_refuses_wrong_passphrase_and_foreign_files(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, fast_kdf: None,
) -> None:
    sealed = tmp_path / "offsite.cbak"
    monkeypatch.setenv(PASS_ENV, "right one")
    assert run(capsys, filled, "backup", "--encrypt", "-o", str(sealed))[0] == 0
    digest = file_digest(filled)
    monkeypatch.setenv(PASS_ENV, "wrong one")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, filled, "restore", str(sealed))
    assert code == 1 and "Wrong passphrase" in err
    foreign = tmp_path / "holiday.jpg"
    foreign.write_bytes(os.urandom(5000))
    code, _, err = run(capsys, filled, "restore", str(foreign))
    assert code == 1 and "not a Coordinator" in err and "Nothing was changed" in err
    assert file_digest(filled) == digest


def test_no_keyring_says_session_only(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, fast_kdf: None,
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv(PASS_ENV, "only for now")
    code, _, err = run(capsys, filled, "backup", "--encrypt", "-o", str(tmp_path / "x.cbak"),
                       "--save-passphrase")
    assert code == 0 and "session only" in err


@pytest.mark.parametrize("broken", ["unloadable", "failing"])
def test_a_broken_keyring_backend_after_the_encrypted_backup_is_no_traceback(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, fast_kdf: None, broken: str,
) -> None:
    if broken == "unloadable":
        unloadable_backend(monkeypatch)
    else:
        keyring.set_keyring(BrokenKeyring())
    monkeypatch.setenv(PASS_ENV, "only for now")
    sealed = tmp_path / "x.cbak"
    code, out, err = run(capsys, filled, "backup", "--encrypt", "-o", str(sealed),
                         "--save-passphrase")
    assert code == 0, err
    assert "Encrypted backup written" in out and sealed.exists()
    assert secrets.NO_KEYRING_MESSAGE in err and "Traceback" not in err
    # the same session still has the passphrase, and restore works with it
    monkeypatch.delenv(PASS_ENV)
    code, out, err = run(capsys, filled, "restore", str(sealed))
    assert code == 0, err
