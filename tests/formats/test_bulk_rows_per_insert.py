"""An import writes the rows of a table with triggers several per statement: SQLite
opens a statement journal for each execution of a statement that may fire triggers, so
one execution per contact made an import a third slower once Home's last-contact table
had triggers on contacts and organizations."""

from __future__ import annotations

from sqlalchemy import event

from coordinator.db import Database
from coordinator.formats import importer
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services


def _csv(n: int) -> bytes:
    rows = [f"Given{i},Family{i},Org {i % 7},u{i}@example.org" for i in range(n)]
    return ("First Name,Last Name,Organization Name,E-mail 1 - Value\n"
            + "\n".join(rows) + "\n").encode()


def test_contacts_go_in_several_per_statement_and_all_arrive(db: Database,
                                                            services: Services) -> None:
    # Statements traced with their values: a trigger's run traces its statement's text
    # again, so distinct texts count the executions.
    traced: dict[str, set[str]] = {}

    def trace(sql: str) -> None:
        if sql.startswith("INSERT INTO"):
            traced.setdefault(sql.split()[2], set()).add(sql)

    @event.listens_for(db.engine, "connect")
    def watch(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.set_trace_callback(trace)

    db.engine.dispose()  # new connections, watched
    n = 203  # three statements of 64 rows, then the rest in smaller ones
    report = importer.apply(db, parse_contacts(_csv(n)),
                            importer.ImportOptions(duplicates="create"))
    assert report.created == n
    executed = {table: len(texts) for table, texts in traced.items()}
    assert executed["contact"] <= n // 64 + 6, executed
    assert executed["organization"] == 4, executed  # 7 = 4 + 1 + 1 + 1
    # A table without triggers keeps one execution per row (each traced).
    assert executed["contact_email"] == n, executed
    people = services.contacts.get_many(services.contacts.ids())
    assert sorted(c.family_name for c in people) == sorted(f"Family{i}" for i in range(n))
    assert {c.emails[0].address for c in people} == {f"u{i}@example.org" for i in range(n)}
    assert len({c.organization_id for c in people}) == 7
