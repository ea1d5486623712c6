"""Each organization's latest contact, kept up to date by SQLite triggers.

Home's "going quiet" panel asks which member organizations had no contact since a
cut-off. Working that out from the records visits every member (its contacts, the
meetings they attended, its proposals): over 100 ms at 100,000 contacts. The table
`organization_touch` keeps, per organization, the latest of each kind of contact, so
the quiet ones are one range read of its index:

- `contacted_on`: the latest `last contacted` date of its live contacts;
- `met_on`: the day of the latest meeting (not in Trash) one of its live contacts
  attended, whenever it is (a meeting marked attended ahead of time is dated by the
  reader, who knows what "now" is);
- `proposed_on`: over its live proposals (lead or partner), the due date of a closed
  one and `OPEN` for one still open (an open proposal is contact every day).

"" stands for none (it sorts before every date). Each laptop derives the table from
its own records, so it never travels to the team hub.

Triggers, not service code, because imports, merges, purges and team-hub pulls write
with plain SQL, and SQLite fires triggers for rows a cascade deletes or nulls. A
change that can only raise a date raises it (an import adds one row at a time at the
cost of one index seek); one that may lower it (Trash, a moved contact or meeting, an
undo) recomputes that organization's value. A purge recomputes before the row goes,
leaving the row out, because by the time a cascade removes the children the parent
is already gone.

The migration environment removes the triggers before a schema upgrade (a table
rebuild would drop some and break others) and installs them again and refills the
table after it (`refresh`), so the table is right after any upgrade.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from coordinator.models.enums import CLOSED_STATUSES

if TYPE_CHECKING:
    from coordinator.db.database import Database

log = logging.getLogger(__name__)

TABLE = "organization_touch"
TRIGGER_PREFIX = "touch_"
OPEN = "9999-12-31"  # an open proposal: contact on any day
_CLOSED = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
_DAY = "substr(m.starts_at, 1, 10)"  # meetings are stored in UTC


def contacted(org: str) -> str:
    """SQL: the latest `last contacted` of `org`'s live contacts, or ''. One seek into
    ix_contact_org_contacted, whatever the organization's size."""
    return ("coalesce((SELECT max(c.last_contacted_on) FROM contact c"
            f" WHERE c.organization_id = {org} AND c.deleted_at IS NULL), '')")


def met(org: str, *, not_contact: str | None = None, not_meeting: str | None = None,
        until: str | None = None) -> str:
    """SQL: the day of the latest meeting not in Trash that a live contact of `org`
    attended, or ''; leaving out one contact or meeting (about to be purged), or the
    meetings after `until` (a timestamp)."""
    leave_out = "".join((
        f" AND c.id <> {not_contact}" if not_contact else "",
        f" AND m.id <> {not_meeting}" if not_meeting else "",
        f" AND m.starts_at <= {until}" if until else ""))
    return (f"coalesce((SELECT max({_DAY}) FROM contact c"
            " JOIN attendee a ON a.contact_id = c.id JOIN meeting m ON m.id = a.meeting_id"
            f" WHERE c.organization_id = {org} AND c.deleted_at IS NULL AND a.attended = 1"
            f" AND m.deleted_at IS NULL{leave_out}), '')")


def _met_by(contact: str) -> str:
    """SQL: the day of the latest meeting not in Trash `contact` attended, or ''."""
    return (f"coalesce((SELECT max({_DAY}) FROM attendee a"
            " JOIN meeting m ON m.id = a.meeting_id"
            f" WHERE a.contact_id = {contact} AND a.attended = 1"
            " AND m.deleted_at IS NULL), '')")


def proposed(org: str) -> str:
    """SQL: over `org`'s live proposals (lead or partner), `OPEN` if one is open, else
    the latest due date, or ''."""
    day = f"CASE WHEN p.status IN ({_CLOSED}) THEN p.due_date ELSE '{OPEN}' END"
    return (f"max(coalesce((SELECT max({day}) FROM proposal p"
            f" WHERE p.lead_organization_id = {org} AND p.deleted_at IS NULL), ''),"
            f" coalesce((SELECT max({day}) FROM proposal_partner pp"
            " JOIN proposal p ON p.id = pp.proposal_id"
            f" WHERE pp.organization_id = {org} AND p.deleted_at IS NULL), ''))")


_ROW = f"{TABLE}.organization_id"
_LIVE_CONTACT_ORG = "(SELECT organization_id FROM contact WHERE id = {} AND deleted_at IS NULL)"
_LIVE_MEETING_DAY = "(SELECT substr(starts_at, 1, 10) FROM meeting WHERE id = {}" \
    " AND deleted_at IS NULL)"
_MEETING_ORGS = ("(SELECT c.organization_id FROM attendee a JOIN contact c ON c.id = a.contact_id"
                 " WHERE a.meeting_id = {} AND a.attended = 1 AND c.deleted_at IS NULL)")
_PROPOSAL_ORGS = ("(SELECT {lead} UNION SELECT organization_id FROM proposal_partner"
                  " WHERE proposal_id = {pid})")  # its lead(s) and partners


def _met_left(contact_org: str, day: str) -> str:
    """An attendance that counted for `contact_org` on `day` is gone: recompute when it
    may have been the latest."""
    return (f"UPDATE {TABLE} SET met_on = {met(_ROW)}"
            f" WHERE organization_id = {contact_org} AND met_on <> '' AND {day} >= met_on;")


def _met_joined(contact_org: str, day: str) -> str:
    return (f"UPDATE {TABLE} SET met_on = max(met_on, coalesce({day}, ''))"
            f" WHERE organization_id = {contact_org};")


def _changed(*columns: str) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


_TRASHED = "(OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)"
_BOTH_LEADS = "OLD.lead_organization_id UNION SELECT NEW.lead_organization_id"
# An attendance row's organization (through its contact, if live and the row says
# attended) and meeting day (if the meeting is not in Trash), before and after the
# change.
_OLD_ORG = _LIVE_CONTACT_ORG.format("OLD.contact_id AND OLD.attended = 1")
_NEW_ORG = _LIVE_CONTACT_ORG.format("NEW.contact_id AND NEW.attended = 1")
_OLD_DAY = _LIVE_MEETING_DAY.format("OLD.meeting_id")
_NEW_DAY = _LIVE_MEETING_DAY.format("NEW.meeting_id")

TRIGGERS: dict[str, str] = {
    # Organizations: a new one is computed whole (a team-hub pull may bring its
    # contacts first); a purged one goes.
    "organization_insert": f"AFTER INSERT ON organization BEGIN"
    f" INSERT OR REPLACE INTO {TABLE} (organization_id, contacted_on, met_on, proposed_on)"
    f" VALUES (NEW.id, {contacted('NEW.id')}, {met('NEW.id')}, {proposed('NEW.id')}); END",
    "organization_delete": f"AFTER DELETE ON organization BEGIN"
    f" DELETE FROM {TABLE} WHERE organization_id = OLD.id; END",

    # Contacts: "last contacted" is one index seek either way; the meetings of a contact
    # follow it to another organization, into Trash and back.
    "contact_insert": "AFTER INSERT ON contact WHEN NEW.organization_id IS NOT NULL"
    " AND NEW.deleted_at IS NULL AND NEW.last_contacted_on IS NOT NULL BEGIN"
    f" UPDATE {TABLE} SET contacted_on = NEW.last_contacted_on"
    " WHERE organization_id = NEW.organization_id"
    " AND contacted_on < NEW.last_contacted_on; END",
    # Only a team-hub pull, which may bring attendance before the contact, gets here.
    "contact_insert_met": "AFTER INSERT ON contact WHEN NEW.organization_id IS NOT NULL"
    " AND NEW.deleted_at IS NULL"
    " AND EXISTS (SELECT 1 FROM attendee WHERE contact_id = NEW.id) BEGIN"
    f" UPDATE {TABLE} SET met_on = max(met_on, {_met_by('NEW.id')})"
    " WHERE organization_id = NEW.organization_id; END",
    "contact_contacted": "AFTER UPDATE ON contact WHEN"
    f" {_changed('organization_id', 'last_contacted_on')} OR {_TRASHED} BEGIN"
    f" UPDATE {TABLE} SET contacted_on = {contacted(_ROW)}"
    " WHERE organization_id IN (OLD.organization_id, NEW.organization_id); END",
    "contact_moved": f"AFTER UPDATE ON contact WHEN {_changed('organization_id')} OR {_TRASHED}"
    " BEGIN"
    f" UPDATE {TABLE} SET met_on = {met(_ROW)} WHERE organization_id = OLD.organization_id"
    f" AND OLD.deleted_at IS NULL AND met_on <> '' AND {_met_by('OLD.id')} >= met_on;"
    f" UPDATE {TABLE} SET met_on = max(met_on, {_met_by('NEW.id')})"
    " WHERE organization_id = NEW.organization_id AND NEW.deleted_at IS NULL; END",
    "contact_purge": "BEFORE DELETE ON contact"
    " WHEN OLD.organization_id IS NOT NULL AND OLD.deleted_at IS NULL BEGIN"
    f" UPDATE {TABLE} SET met_on = {met(_ROW, not_contact='OLD.id')}"
    " WHERE organization_id = OLD.organization_id AND met_on <> ''"
    f" AND {_met_by('OLD.id')} >= met_on; END",
    "contact_delete": "AFTER DELETE ON contact"
    " WHEN OLD.organization_id IS NOT NULL AND OLD.deleted_at IS NULL BEGIN"
    f" UPDATE {TABLE} SET contacted_on = {contacted(_ROW)}"
    " WHERE organization_id = OLD.organization_id; END",

    # Attendance: a row whose contact or meeting is being purged is handled by that
    # purge (the lookups below find nothing then).
    "attendee_insert": "AFTER INSERT ON attendee WHEN NEW.attended = 1 BEGIN"
    f" {_met_joined(_NEW_ORG, _NEW_DAY)} END",
    "attendee_update": "AFTER UPDATE ON attendee WHEN"
    f" {_changed('attended', 'contact_id', 'meeting_id')} BEGIN"
    f" {_met_left(_OLD_ORG, _OLD_DAY)} {_met_joined(_NEW_ORG, _NEW_DAY)} END",
    "attendee_delete": "AFTER DELETE ON attendee WHEN OLD.attended = 1 BEGIN"
    f" {_met_left(_OLD_ORG, _OLD_DAY)} END",

    # Meetings: moved, into Trash or back, purged; a new one counts for attendance a
    # team-hub pull brought before it.
    "meeting_insert": "AFTER INSERT ON meeting WHEN NEW.deleted_at IS NULL BEGIN"
    f" UPDATE {TABLE} SET met_on = max(met_on, substr(NEW.starts_at, 1, 10))"
    f" WHERE organization_id IN {_MEETING_ORGS.format('NEW.id')}; END",
    "meeting_update": f"AFTER UPDATE ON meeting WHEN {_changed('starts_at')} OR {_TRASHED}"
    f" BEGIN UPDATE {TABLE} SET met_on = CASE"
    " WHEN OLD.deleted_at IS NULL AND met_on <> '' AND substr(OLD.starts_at, 1, 10) >= met_on"
    f" THEN {met(_ROW)}"
    " ELSE max(met_on, CASE WHEN NEW.deleted_at IS NULL THEN substr(NEW.starts_at, 1, 10)"
    " ELSE '' END) END"
    f" WHERE organization_id IN {_MEETING_ORGS.format('NEW.id')}; END",
    "meeting_purge": "BEFORE DELETE ON meeting WHEN OLD.deleted_at IS NULL BEGIN"
    f" UPDATE {TABLE} SET met_on = {met(_ROW, not_meeting='OLD.id')}"
    f" WHERE organization_id IN {_MEETING_ORGS.format('OLD.id')}"
    " AND met_on <> '' AND substr(OLD.starts_at, 1, 10) >= met_on; END",

    # Proposals and their partners: recomputed (an organization has few proposals).
    "proposal_insert": f"AFTER INSERT ON proposal BEGIN UPDATE {TABLE}"
    f" SET proposed_on = {proposed(_ROW)} WHERE organization_id IN"
    f" {_PROPOSAL_ORGS.format(lead='NEW.lead_organization_id', pid='NEW.id')}; END",
    "proposal_update": "AFTER UPDATE ON proposal WHEN"
    f" {_changed('status', 'due_date', 'lead_organization_id')} OR {_TRASHED} BEGIN"
    f" UPDATE {TABLE} SET proposed_on = {proposed(_ROW)}"
    " WHERE organization_id IN"
    f" {_PROPOSAL_ORGS.format(lead=_BOTH_LEADS, pid='NEW.id')}; END",
    "proposal_delete": f"AFTER DELETE ON proposal BEGIN UPDATE {TABLE}"
    f" SET proposed_on = {proposed(_ROW)} WHERE organization_id = OLD.lead_organization_id;"
    " END",
    "partner_insert": f"AFTER INSERT ON proposal_partner BEGIN UPDATE {TABLE}"
    f" SET proposed_on = {proposed(_ROW)} WHERE organization_id = NEW.organization_id; END",
    "partner_update": "AFTER UPDATE ON proposal_partner WHEN"
    f" {_changed('organization_id', 'proposal_id')} BEGIN UPDATE {TABLE}"
    f" SET proposed_on = {proposed(_ROW)}"
    " WHERE organization_id IN (OLD.organization_id, NEW.organization_id); END",
    "partner_delete": f"AFTER DELETE ON proposal_partner BEGIN UPDATE {TABLE}"
    f" SET proposed_on = {proposed(_ROW)} WHERE organization_id = OLD.organization_id; END",
}


def _exists(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (TABLE,)).fetchone() is not None


def remove(conn: sqlite3.Connection) -> None:
    """Drop the triggers (before a schema upgrade, or with the table)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (TRIGGER_PREFIX + "%",))]
    for name in names:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def install(conn: sqlite3.Connection) -> None:
    for name, body in TRIGGERS.items():
        conn.execute(f"CREATE TRIGGER IF NOT EXISTS {TRIGGER_PREFIX}{name} {body}")


def rebuild(conn: sqlite3.Connection) -> None:
    """Compute every organization's row again from the records."""
    conn.execute(f"DELETE FROM {TABLE}")
    conn.execute(
        f"INSERT INTO {TABLE} (organization_id, contacted_on, met_on, proposed_on)"
        f" SELECT o.id, {contacted('o.id')}, {met('o.id')}, {proposed('o.id')}"
        " FROM organization o")


def refresh(conn: sqlite3.Connection) -> bool:
    """After a schema upgrade, or a bulk load that `remove`d the triggers first (the
    sample coalition: computing the table once is ten times quicker than a trigger run
    per row), in the same transaction: the triggers again, and the table computed
    afresh. False before the table exists (an older schema) or after a downgrade
    dropped it."""
    remove(conn)
    if not _exists(conn):
        return False
    install(conn)
    rebuild(conn)
    return True


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether the installed triggers are exactly this build's (True before the table
    exists)."""
    if not _exists(conn):
        return True
    have = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (TRIGGER_PREFIX + "%",)).fetchall())
    return have == {f"{TRIGGER_PREFIX}{name}": f"CREATE TRIGGER {TRIGGER_PREFIX}{name} {body}"
                    for name, body in TRIGGERS.items()}


def keep_current(db: Database) -> bool:
    """At open, for writing: triggers another build left (the rules changed without a
    schema upgrade, or some are missing) are replaced and the table computed afresh,
    since they may have kept it wrong. True when that was done. Best effort: a file
    that cannot be read or written now (a full disk) opens as it is, and the next open
    tries again."""
    from sqlalchemy.exc import SQLAlchemyError

    from coordinator.db.backup import sqlite_uri
    from coordinator.errors import CoordinatorError

    try:
        # A connection of its own: the pool's are made once the caller set them up.
        conn = sqlite3.connect(sqlite_uri(db.path, "ro"), uri=True)
        try:
            if is_current(conn):
                return False
        finally:
            conn.close()
        with db.write() as session:
            refresh(session.connection().connection.driver_connection)  # type: ignore[arg-type]
    except (sqlite3.Error, OSError, SQLAlchemyError, CoordinatorError) as exc:
        log.warning("Home's last-contact triggers could not be checked or replaced: %s",
                    type(exc).__name__)
        return False
    log.info("Home's last-contact triggers were replaced and the table recomputed")
    return True
