"""Installing and upgrading the hub's schema: versioned SQL files, applied in order.

Version N is `migrations/NNNN_*.sql`; the version reached is kept in hub.meta.hub_schema.
Everything lives in schema `hub`, owned by the NOLOGIN role `<db>_owner` that nobody logs
in as. Each hub database has its own group roles (`<db>_owner`, `<db>_coordinator`,
`<db>_viewer`: role names are shared by the whole server, so they carry the database's
name). The administrator login (CREATEROLE, not a superuser) becomes a member of the owner
role only while migrations run, in the same transaction: GRANT, SET ROLE, migrate, RESET,
REVOKE, then commit — or roll all of it back. Afterwards row-level security applies to the
administrator like to everyone else.

A migration never loses rows: the rows of every hub table are counted before and after
each file, and fewer rows afterwards rolls the upgrade back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from coordinator.hub.connect import HubError, HubInfo, one_line, read_hub_info, where_of

__all__ = ["HUB_SCHEMA", "HubInfo", "HubRoles", "init_hub", "record_data_schema",
           "upgrade_hub"]

HUB_SCHEMA = 1
MAX_DBNAME_LENGTH = 50  # room for "_coordinator" within PostgreSQL's 63-byte names
ROLE_TIMEOUTS: dict[str, str] = {
    # A laptop that drops mid-push must not block the others for long.
    "statement_timeout": "120s",
    "lock_timeout": "30s",
    "idle_in_transaction_session_timeout": "60s",
}
_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_COUNTED_TABLES = ("meta", "clock", "record", "internal", "private", "member")  # not tx_stamp


@dataclass(frozen=True)
class HubRoles:
    owner: str
    coordinator: str
    viewer: str

    @classmethod
    def for_database(cls, dbname: str) -> HubRoles:
        return cls(owner=f"{dbname}_owner", coordinator=f"{dbname}_coordinator",
                   viewer=f"{dbname}_viewer")

    def group(self, role: str) -> str:
        """The group role of a member role ('admin' members are coordinators)."""
        return self.viewer if role == "viewer" else self.coordinator


def migration_files(folder: Path | None = None) -> list[tuple[int, str]]:
    """(version, SQL) of every migration, in order; versions must run 1, 2, 3..."""
    if folder is None:
        entries = [(p.name, p.read_text(encoding="utf-8"))
                   for p in resources.files("coordinator.hub").joinpath("migrations").iterdir()
                   if p.name.endswith(".sql")]
    else:
        entries = [(p.name, p.read_text(encoding="utf-8")) for p in folder.glob("*.sql")]
    found: list[tuple[int, str]] = []
    for name, text in entries:
        match = _FILE_NAME.match(name)
        if not match:
            raise ValueError(f"hub migration file name {name!r} is not NNNN_words.sql")
        found.append((int(match.group(1)), text))
    found.sort()
    if [v for v, _ in found] != list(range(1, len(found) + 1)):
        raise ValueError("hub migrations must be numbered 0001, 0002, ... without gaps")
    return found


def _render(conn: psycopg.Connection[Any], text: str, roles: HubRoles) -> str:
    values = {
        "owner": sql.Identifier(roles.owner).as_string(conn),
        "coordinator": sql.Identifier(roles.coordinator).as_string(conn),
        "viewer": sql.Identifier(roles.viewer).as_string(conn),
        "coordinator_name": sql.Literal(roles.coordinator).as_string(conn),
    }
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], text)


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _current(conn: psycopg.Connection[Any]) -> tuple[str, str, bool, bool]:
    row = conn.execute(
        "SELECT current_database(), current_user, rolsuper, rolcreaterole "
        "FROM pg_roles WHERE rolname = current_user").fetchone()
    assert row is not None
    return row[0], row[1], bool(row[2]), bool(row[3])


def _row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _COUNTED_TABLES:
        if conn.execute("SELECT to_regclass(%s)", (f"hub.{table}",)).fetchone() != (None,):
            row = conn.execute(sql.SQL("SELECT count(*) FROM hub.{}").format(
                _ident(table))).fetchone()
            counts[table] = int(row[0]) if row else 0
    return counts


def _apply(conn: psycopg.Connection[Any], roles: HubRoles, admin: str, start: int,
           files: list[tuple[int, str]]) -> None:
    """Run migrations after `start` as the owner role, inside the caller's transaction."""
    conn.execute(sql.SQL("GRANT {} TO {}").format(_ident(roles.owner), _ident(admin)))
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(_ident(roles.owner)))
    for version, text in files:
        if version <= start:
            continue
        before = _row_counts(conn)
        conn.execute(_render(conn, text, roles).encode())
        after = _row_counts(conn)
        lost = [t for t, n in before.items() if after.get(t, 0) < n]
        if lost:
            raise HubError(f"Hub migration {version:04d} would lose rows of "
                           f"{', '.join(lost)}: nothing was changed.")
        conn.execute("UPDATE hub.meta SET hub_schema = %s", (version,))
    conn.execute("RESET ROLE")
    conn.execute(sql.SQL("REVOKE {} FROM {}").format(_ident(roles.owner), _ident(admin)))


def _refuse_unfit_admin(dbname: str, admin: str, superuser: bool, createrole: bool) -> None:
    if superuser:
        raise HubError(f"{admin} is a superuser, which row-level security does not restrict: "
                       "run hub commands as an administrator login with CREATEROLE that is "
                       "not a superuser (see README, Team hub).")
    if not createrole:
        raise HubError(f"{admin} cannot create logins (it lacks CREATEROLE): ask the database's "
                       "provider for an administrator login with CREATEROLE.")
    if len(dbname.encode()) > MAX_DBNAME_LENGTH:
        raise HubError(f"The database name is longer than {MAX_DBNAME_LENGTH} bytes: "
                       "use a shorter one for the hub.")


def _refuse_non_empty(conn: psycopg.Connection[Any], roles: HubRoles) -> None:
    info = None
    if conn.execute("SELECT to_regnamespace('hub')").fetchone() != (None,):
        try:
            with conn.transaction():
                info = read_hub_info(conn)
        except psycopg.Error:
            info = None
        name = f" of {info.name}" if info and info.name else ""
        raise HubError(f"This database already holds a team hub{name}: nothing was changed "
                       "(use another, empty database for a new hub).")
    row = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%' "
        # A provider's extensions (monitoring views and the like) are not content.
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
        "AND d.objid = c.oid AND d.deptype = 'e')").fetchone()
    if row and row[0]:
        raise HubError(f"This database is not empty ({row[0]} tables or other objects): a hub "
                       "needs an empty database; nothing was changed.")
    taken = [r[0] for r in conn.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) ORDER BY rolname",
        ([roles.owner, roles.coordinator, roles.viewer],)).fetchall()]
    if taken:
        raise HubError(f"Roles {', '.join(taken)} already exist on this server (left by an "
                       "earlier hub with this database name?): remove them or use another "
                       "database name; nothing was changed.")


def set_role_timeouts(conn: psycopg.Connection[Any], login: str) -> None:
    """Timeouts on the login itself: PostgreSQL does not inherit settings from groups."""
    for name, value in ROLE_TIMEOUTS.items():
        conn.execute(sql.SQL("ALTER ROLE {} SET {} = {}").format(
            _ident(login), _ident(name), sql.Literal(value)))


def init_hub(conn: psycopg.Connection[Any], coalition_name: str) -> HubInfo:
    """Make this empty database a hub, on the administrator's connection: group roles,
    schema, policies, the administrator as its first member. All or nothing."""
    name = " ".join(coalition_name.split())
    if not name:
        raise HubError("The coalition needs a name for its hub.")
    try:
        dbname, admin, superuser, createrole = _current(conn)
        _refuse_unfit_admin(dbname, admin, superuser, createrole)
        roles = HubRoles.for_database(dbname)
        _refuse_non_empty(conn, roles)
        for role in (roles.owner, roles.coordinator, roles.viewer):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                 "NOBYPASSRLS NOREPLICATION").format(_ident(role)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(_ident(roles.coordinator), _ident(admin)))
        # Only the hub's members may connect; nobody may create objects in schema public
        # nor temporary tables.
        db = _ident(dbname)
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(
            db, _ident(roles.coordinator), _ident(roles.viewer)))
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.execute(sql.SQL("GRANT {} TO {}").format(_ident(roles.owner), _ident(admin)))
        conn.execute(sql.SQL("CREATE SCHEMA hub AUTHORIZATION {}").format(_ident(roles.owner)))
        files = migration_files()
        _apply(conn, roles, admin, 0, files[:HUB_SCHEMA])
        # The first member row is written with the owner's rights (no admin exists yet).
        conn.execute(sql.SQL("GRANT {} TO {}").format(_ident(roles.owner), _ident(admin)))
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(_ident(roles.owner)))
        conn.execute("UPDATE hub.meta SET coalition_name = %s, created_at = now()", (name,))
        conn.execute("INSERT INTO hub.member (login, role) VALUES (%s, 'admin')", (admin,))
        conn.execute("RESET ROLE")
        conn.execute(sql.SQL("REVOKE {} FROM {}").format(_ident(roles.owner), _ident(admin)))
        set_role_timeouts(conn, admin)
        info = read_hub_info(conn)
        conn.commit()
    except HubError:
        conn.rollback()
        raise
    except psycopg.Error as exc:
        conn.rollback()
        raise HubError(f"Setting up the hub at {where_of(conn)} failed, nothing was changed: "
                       f"{one_line(str(exc))}") from None
    assert info is not None
    return info


def upgrade_hub(conn: psycopg.Connection[Any], *, folder: Path | None = None) -> int:
    """Bring the hub's schema up to this build's version, on the administrator's
    connection; returns the version reached. All or nothing."""
    files = migration_files(folder)
    target = len(files) if folder is not None else HUB_SCHEMA
    try:
        dbname, admin, superuser, createrole = _current(conn)
        if not createrole and not superuser:
            raise HubError("Only the hub's administrator can upgrade its schema.")
        _refuse_unfit_admin(dbname, admin, superuser, createrole)
        roles = HubRoles.for_database(dbname)
        if read_hub_info(conn) is None:
            raise HubError(f"The database at {where_of(conn)} is not a Coordinator team hub.")
        # One upgrade at a time; the version is read again once this one holds the lock.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('coordinator hub upgrade'))")
        info = read_hub_info(conn)
        assert info is not None
        if info.hub_schema > target:
            raise HubError(f"The hub's schema ({info.hub_schema}) is newer than this "
                           f"Coordinator's ({target}): update Coordinator.")
        if info.hub_schema < target:
            _apply(conn, roles, admin, info.hub_schema, files[:target])
        conn.commit()
    except HubError:
        conn.rollback()
        raise
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()
        raise HubError("Only the hub's administrator can upgrade its schema.") from None
    except psycopg.Error as exc:
        conn.rollback()
        raise HubError(f"Upgrading the hub at {where_of(conn)} failed, nothing was changed: "
                       f"{one_line(str(exc))}") from None
    return target


def record_data_schema(conn: psycopg.Connection[Any], head: str) -> str | None:
    """Note that a laptop at Alembic head `head` pushed (in the caller's transaction);
    the hub keeps the newest. Returns the hub's data schema afterwards."""
    row = conn.execute("SELECT hub.set_data_schema(%s)", (head,)).fetchone()
    return row[0] if row else None
