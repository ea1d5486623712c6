"""The one writer of files the user keeps: whole or not at all, 0600 from the start."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from coordinator import files


def test_replaces_whole_and_private(tmp_path: Path) -> None:
    dest = tmp_path / "export.csv"
    dest.write_bytes(b"old")
    os.chmod(dest, 0o644)
    files.write_private_atomic(dest, b"new")
    assert dest.read_bytes() == b"new"
    if os.name == "posix":
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_a_failed_write_leaves_the_earlier_file_and_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "export.csv"
    dest.write_bytes(b"earlier")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(OSError):
        files.write_private_atomic(dest, b"x" * 10_000)
    assert dest.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_keeps_pointing_at_its_replaced_file(tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(b"old")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    files.write_private_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
