"""The encrypted backup format: round trip, wrong passphrase, any flipped byte,
truncation, and files that are not ours. File-level, no database needed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coordinator.db import backup as low
from coordinator.db.backup import BackupError, TamperedBackup, WrongPassphrase

LOG2_N = 14


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    # A little over two chunks, so the chunk chaining and the last-chunk flag are used.
    path = tmp_path / "plain.bin"
    path.write_bytes(os.urandom(2 * low.CHUNK_SIZE + 1234))
    return path


@pytest.fixture
def sealed(tmp_path: Path, plain: Path) -> Path:
    return low.encrypt_file(plain, tmp_path / "sealed.cbak", "correct horse", log2_n=LOG2_N)


def test_round_trip_gives_back_the_same_bytes_and_private_files(
    tmp_path: Path, plain: Path, sealed: Path
) -> None:
    out = low.decrypt_file(sealed, tmp_path / "out.bin", "correct horse")
    assert out.read_bytes() == plain.read_bytes()
    assert low.is_encrypted_backup(sealed)
    assert not low.is_encrypted_backup(plain)
    assert plain.read_bytes()[:4096] not in sealed.read_bytes()
    if os.name == "posix":
        assert sealed.stat().st_mode & 0o777 == 0o600
        assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("size", [0, 1, low.CHUNK_SIZE])
def test_round_trip_edge_sizes(tmp_path: Path, size: int) -> None:
    src = tmp_path / "src"
    src.write_bytes(b"x" * size)
    sealed = low.encrypt_file(src, tmp_path / "s.cbak", "pw", log2_n=LOG2_N)
    assert low.decrypt_file(sealed, tmp_path / "o", "pw").read_bytes() == b"x" * size


def test_wrong_passphrase_is_refused_and_writes_nothing(tmp_path: Path, sealed: Path) -> None:
    out = tmp_path / "out.bin"
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        low.decrypt_file(sealed, out, "Correct horse")
    assert not out.exists()
    assert not list(tmp_path.glob("*.partial"))


def test_unicode_passphrase_is_normalised(tmp_path: Path, plain: Path) -> None:
    sealed = low.encrypt_file(plain, tmp_path / "u.cbak", "Zo\u00eb", log2_n=LOG2_N)
    out = low.decrypt_file(sealed, tmp_path / "u.out", "Zoe\u0308")  # same text, NFD
    assert out.read_bytes() == plain.read_bytes()


def _flipped_positions(size: int) -> list[int]:
    header = low._HEADER.size + low._CHECK_LEN
    return [0, 9, 20, 40, header - 1, header, header + 5000, header + low.CHUNK_SIZE + 10,
            size - 17, size - 1]


def test_every_single_flipped_byte_is_refused(tmp_path: Path, sealed: Path) -> None:
    data = sealed.read_bytes()
    for pos in _flipped_positions(len(data)):
        bad = bytearray(data)
        bad[pos] ^= 0x01
        target = tmp_path / f"bad-{pos}.cbak"
        target.write_bytes(bytes(bad))
        out = tmp_path / f"out-{pos}.bin"
        with pytest.raises(BackupError) as caught:
            low.decrypt_file(target, out, "correct horse")
        assert str(caught.value)  # a message for the user
        assert not out.exists(), pos


def test_flipped_byte_in_the_body_says_tampered(tmp_path: Path, sealed: Path) -> None:
    bad = bytearray(sealed.read_bytes())
    bad[len(bad) // 2] ^= 0x80
    target = tmp_path / "bad.cbak"
    target.write_bytes(bytes(bad))
    with pytest.raises(TamperedBackup, match="damaged or was tampered with"):
        low.decrypt_file(target, tmp_path / "out", "correct horse")


@pytest.mark.parametrize("cut", [1, 16, 1234 + 16, low.CHUNK_SIZE + 16 + 1234 + 16])
def test_truncated_file_is_refused(tmp_path: Path, sealed: Path, cut: int) -> None:
    # The last two cuts drop whole chunks (the file then ends on a chunk boundary):
    # only the "last chunk" flag in the nonce tells that something is missing.
    data = sealed.read_bytes()
    target = tmp_path / "cut.cbak"
    target.write_bytes(data[:-cut])
    with pytest.raises(TamperedBackup):
        low.decrypt_file(target, tmp_path / "out", "correct horse")


def test_swapped_chunks_are_refused(tmp_path: Path, sealed: Path) -> None:
    data = sealed.read_bytes()
    head = low._HEADER.size + low._CHECK_LEN
    step = low.CHUNK_SIZE + 16
    one, two = data[head : head + step], data[head + step : head + 2 * step]
    target = tmp_path / "swapped.cbak"
    target.write_bytes(data[:head] + two + one + data[head + 2 * step :])
    with pytest.raises(TamperedBackup):
        low.decrypt_file(target, tmp_path / "out", "correct horse")


def test_a_file_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(BackupError, match="not an encrypted Coordinator backup"):
        low.decrypt_file(other, tmp_path / "out", "pw")


def test_empty_passphrase_is_refused(tmp_path: Path, plain: Path) -> None:
    with pytest.raises(BackupError, match="empty passphrase"):
        low.encrypt_file(plain, tmp_path / "x.cbak", "", log2_n=LOG2_N)
    assert not (tmp_path / "x.cbak").exists()
