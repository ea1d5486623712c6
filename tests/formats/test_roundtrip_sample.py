"""The sample coalition (600 contacts) through each export format and back into an
empty database: every contact arrives, with every field the format can hold."""

from __future__ import annotations

import pytest

from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.formats import exports, importer
from coordinator.formats.loading import load_contacts
from coordinator.formats.reader import parse_contacts

NAMES = ("prefix", "given_name", "middle_name", "family_name", "suffix", "nickname", "title",
         "website", "birthday", "notes", "organization_name")
FIELDS = {
    "csv": (*NAMES, "pronouns", "last_contacted_on", "consortium_short_name"),
    "vcard3": (*NAMES, "pronouns"),
    "vcard4": (*NAMES, "pronouns"),
    "outlook-csv": NAMES,
}
FILENAMES = {"csv": "c.csv", "outlook-csv": "o.csv", "vcard3": "c.vcf", "vcard4": "c.vcf"}


def everything(c, fmt: str) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    labels = fmt != "outlook-csv"  # Outlook has fixed slots, not labels
    return (
        tuple(getattr(c, f) for f in FIELDS[fmt]),
        tuple((e.address, e.label if labels else "", e.is_primary) for e in c.emails),
        tuple(sorted((p.raw, p.label if labels else "") for p in c.phones)),
        tuple((a.label if labels else "", a.street, a.city, a.region, a.postal_code, a.country)
              for a in c.addresses),
        tuple(sorted(c.tags)),
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    from coordinator.services import Services

    db = Database.open(tmp_path_factory.mktemp("sample") / "sample.db")
    try:
        build_demo(Services(db))
        with db.read() as session:
            before = load_contacts(session)
        files = {fmt: exports.export_contacts(db, fmt) for fmt in FIELDS}
    finally:
        db.close()
    return {"before": before, **files}  # type: ignore[dict-item]


@pytest.mark.parametrize("fmt", list(FIELDS))
def test_sample_coalition_round_trip(sample, tmp_path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    before = sample["before"]
    assert len(before) == 600
    parsed = parse_contacts(sample[fmt], filename=FILENAMES[fmt])
    assert parsed.errors == [] and parsed.warnings == []
    db = Database.open(tmp_path / "empty.db")
    try:
        report = importer.apply(db, parsed, importer.ImportOptions(duplicates="create"))
        with db.read() as session:
            after = load_contacts(session)
    finally:
        db.close()
    assert report.created == 600
    old = sorted((everything(c, fmt) for c in before), key=str)
    new = sorted((everything(c, fmt) for c in after), key=str)
    assert len(new) == 600
    missing = [o for o in old if o not in new]
    assert missing == [], (fmt, len(missing), missing[:2])
