"""Import limits: each one refuses the file with a message naming the limit and where,
before the file is read whole; a huge file costs no more memory than a small one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coordinator.formats.limits import LIMITS, LimitExceeded, Limits
from coordinator.formats.reader import parse_contacts, parse_file

HEADER = "First Name,Last Name,E-mail 1 - Value\n"


def csv_file(path: Path, rows: int, *, extra: str = "") -> Path:
    path.write_text(HEADER + "".join(f"Ada{i},Lovelace{i},ada{i}@example.org{extra}\n"
                                     for i in range(rows)), encoding="utf-8")
    return path


def vcards(path: Path, cards: int, *, lines: int = 0, note: str = "") -> Path:
    body = "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
        + "".join(f"EMAIL:ada{i}.{j}@example.org\r\n" for j in range(lines))
        + (f"NOTE:{note}\r\n" if note else "") + "END:VCARD\r\n" for i in range(cards))
    path.write_text(body, encoding="utf-8")
    return path


def test_rows_per_import(tmp_path: Path) -> None:
    file = csv_file(tmp_path / "people.csv", 11)
    assert len(parse_file(file, limits=Limits(rows=11)).contacts) == 11
    with pytest.raises(LimitExceeded) as exc:
        parse_file(file, limits=Limits(rows=10))
    message = str(exc.value)
    assert "people.csv has more than 10 rows" in message and "row 12" in message
    assert "Nothing was imported" in message


def test_columns_per_row(tmp_path: Path) -> None:
    file = tmp_path / "wide.csv"
    file.write_text(HEADER + "Ada,Lovelace,ada@example.org" + ",x" * 20 + "\n")
    with pytest.raises(LimitExceeded, match=r"wide.csv: row 2 has 23 columns; an import "
                                            r"takes at most 10 columns"):
        parse_file(file, limits=Limits(columns=10))


def test_cells_and_values_per_import(tmp_path: Path) -> None:
    """Each cell costs memory once read (a value about 90 bytes, an empty cell 8), so a
    file of many small cells is held to a number of cells and of values."""
    file = tmp_path / "cells.csv"
    file.write_text(HEADER + "Ada,Lovelace,ada@example.org" + ",,,,,,," + "\n"
                    + "Grace,Hopper,grace@example.org,x,y\n")
    assert parse_file(file, limits=Limits(cells=18, values=11)).records_read == 2
    with pytest.raises(LimitExceeded, match=r"cells.csv has more than 12 cells, the limit "
                                            r"per import \(row 2 is over it\)"):
        parse_file(file, limits=Limits(cells=12))
    with pytest.raises(LimitExceeded, match=r"more than 7 values \(cells that are not "
                                            r"empty\), the limit per import \(row 3 is"):
        parse_file(file, limits=Limits(values=7))


def test_a_header_of_ten_thousand_columns_is_refused_with_the_default_limits(
        tmp_path: Path) -> None:
    file = tmp_path / "wide.csv"
    file.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + "x\n" * 10)
    with pytest.raises(LimitExceeded, match=r"row 1 has 10,000 columns; an import takes "
                                            r"at most 1,000 columns"):
        parse_file(file)


def test_characters_per_value_csv(tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text(HEADER + "Ada,Lovelace,ada@example.org\n"
                    + "Grace,Hopper," + "g" * (LIMITS.value_chars + 1) + "\n")
    with pytest.raises(LimitExceeded, match=r"long.csv: row 3, column 3 holds 100,001 "
                                            r"characters; a value may have at most 100,000"):
        parse_file(long)
    longer = tmp_path / "longer.csv"  # past what csv.reader itself accepts in a field
    longer.write_text(HEADER + "Grace,Hopper,\"" + "g" * 200_000 + "\"\n")
    with pytest.raises(LimitExceeded, match=r"row 2 holds a value longer than 100,000"):
        parse_file(longer)


def test_cards_per_file(tmp_path: Path) -> None:
    file = vcards(tmp_path / "cards.vcf", 4)
    assert len(parse_file(file, limits=Limits(cards=4)).contacts) == 4
    with pytest.raises(LimitExceeded, match=r"cards.vcf has more than 3 cards .*the card "
                                            r"at line 16 is over it"):
        parse_file(file, limits=Limits(cards=3))


def test_lines_per_card_photos_not_counted(tmp_path: Path) -> None:
    file = vcards(tmp_path / "long.vcf", 2, lines=30)
    with pytest.raises(LimitExceeded, match=r"long.vcf: the card at line 1 has more than "
                                            r"20 lines \(the limit per card\)"):
        parse_file(file, limits=Limits(card_lines=20))
    photo = tmp_path / "photo.vcf"
    photo.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n"
                     "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 20 + "\r\n"
                     + "".join(" QUJDRA==\r\n" for _ in range(300)) + "END:VCARD\r\n")
    assert len(parse_file(photo, limits=Limits(card_lines=20, value_chars=100)).contacts) == 1


def test_characters_per_value_vcard(tmp_path: Path) -> None:
    file = vcards(tmp_path / "note.vcf", 1, note="n" * (LIMITS.value_chars + 1))
    with pytest.raises(LimitExceeded, match=r"note.vcf: line 5 holds a value longer than "
                                            r"100,000 characters"):
        parse_file(file)


def test_file_size_refused_without_reading(tmp_path: Path) -> None:
    file = tmp_path / "huge.csv"
    with file.open("wb") as fh:  # sparse: nothing is written, nothing could be read fast
        fh.truncate(LIMITS.file_bytes + 1)
    with pytest.raises(LimitExceeded, match=r"huge.csv is 100.0 MB; an import takes files "
                                            r"of at most 100 MB"):
        parse_file(file)


def test_bytes_in_memory_are_held_to_the_same_limits() -> None:
    raw = (HEADER + "Ada,Lovelace,ada@example.org\n" * 5).encode()
    with pytest.raises(LimitExceeded, match="more than 3 rows"):
        parse_contacts(raw, filename="mem.csv", limits=Limits(rows=3))


def test_utf16_file_counted_in_characters(tmp_path: Path) -> None:
    file = tmp_path / "excel.csv"
    file.write_bytes((HEADER + "Ada,Lovelace,ada@example.org\n" * 5).encode("utf-16"))
    assert len(parse_file(file, limits=Limits(rows=5)).contacts) == 5
    with pytest.raises(LimitExceeded, match="more than 4 rows"):
        parse_file(file, limits=Limits(rows=4))


def test_a_broken_file_is_left_to_the_parser(tmp_path: Path) -> None:
    file = tmp_path / "quote.csv"
    file.write_text(HEADER + 'Ada,"Lovelace,ada@example.org\n')
    with pytest.raises(Exception, match="quoted field is not closed"):
        parse_file(file)


def test_two_million_rows_refused_in_little_memory(tmp_path: Path) -> None:
    """The CLI refuses a 2,000,000-row CSV (36 MB) by streaming it: the command's peak
    memory, measured by a fresh parent of it, stays that of a small import."""
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        fh.writelines(f"A{i},L{i},a{i}@x.org\n" for i in range(2_000_000))
    assert big.stat().st_size > 35_000_000
    measure = textwrap.dedent(f"""
        import resource, subprocess, sys
        done = subprocess.run([sys.executable, "-m", "coordinator", "--db",
                               {str(tmp_path / 'c.db')!r}, "import", "contacts",
                               {str(big)!r}, "--dry-run"], capture_output=True, text=True)
        print(done.returncode)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(done.stderr)
    """)
    out = subprocess.run([sys.executable, "-c", measure], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    code, peak_kib, err = int(out[0]), int(out[1]), "\n".join(out[2:])
    assert code == 1
    assert "big.csv has more than 150,000 rows (the limit per import" in err
    assert "Traceback" not in err
    assert peak_kib < 250 * 1024, f"peak {peak_kib // 1024} MB"
