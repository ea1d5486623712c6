"""The hub's members: add a login (with a one-time password to hand over), remove one,
list them. Runs on the administrator's connection (a login with CREATEROLE that is the
hub's 'admin' member).

A member's login is a PostgreSQL role: LOGIN, never superuser, no CREATEDB, CREATEROLE,
BYPASSRLS or replication, a member of the hub's coordinator or viewer group, with the
statement, lock and idle-in-transaction timeouts set on the login itself. Its password
travels to the server only as a SCRAM verifier, so it never appears in a server log.
Removing a member keeps everything they wrote: the login just can no longer sign in, and
their next sync says their access was revoked.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from coordinator.hub.connect import HubError, one_line, where_of
from coordinator.hub.schema import HubRoles, set_role_timeouts

ROLES = ("coordinator", "viewer")
LOGIN_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
CONNECTION_LIMIT = 20


@dataclass(frozen=True)
class HubUser:
    login: str
    role: str
    consortium: str | None
    created_at: datetime
    removed_at: datetime | None
    last_sync_at: datetime | None

    @property
    def active(self) -> bool:
        return self.removed_at is None


def _check_name(name: str) -> None:
    if not LOGIN_NAME.match(name):
        raise HubError(f"{name!r} cannot be a hub login: use 1-63 lowercase letters, digits, "
                       "'_', '.' or '-', starting with a letter or digit.")


def _roles(conn: psycopg.Connection[Any]) -> HubRoles:
    row = conn.execute("SELECT current_database()").fetchone()
    assert row is not None
    return HubRoles.for_database(row[0])


def _require_admin(conn: psycopg.Connection[Any]) -> None:
    if conn.execute("SELECT to_regclass('hub.member')").fetchone() == (None,):
        raise HubError(f"The database at {where_of(conn)} is not a Coordinator team hub.")
    row = conn.execute("SELECT hub.is_admin()").fetchone()
    if not row or not row[0]:
        raise HubError("Only the hub's administrator can manage its users.")


def _run(conn: psycopg.Connection[Any], what: str, work: Any) -> Any:
    """Run `work()` as one transaction; HubError with one line on any failure."""
    try:
        _require_admin(conn)
        result = work()
        conn.commit()
        return result
    except HubError:
        conn.rollback()
        raise
    except psycopg.errors.InsufficientPrivilege as exc:
        conn.rollback()
        raise HubError(f"{what} was refused by the hub: {one_line(str(exc))}.") from None
    except psycopg.Error as exc:
        conn.rollback()
        raise HubError(f"{what} failed, nothing was changed: {one_line(str(exc))}.") from None


def add_user(conn: psycopg.Connection[Any], name: str, role: str,
             consortium: str | None = None) -> str:
    """Create the login `name` with `role` ('coordinator' or 'viewer'); returns its new
    one-time password. A removed member can be added again (new password, same rows)."""
    _check_name(name)
    if role not in ROLES:
        raise HubError(f"Role {role!r} is not one of {', '.join(ROLES)}.")
    consortium = " ".join(consortium.split()) if consortium else None
    password = secrets.token_urlsafe(18)

    def work() -> str:
        roles = _roles(conn)
        member = conn.execute("SELECT role, removed_at FROM hub.member WHERE login = %s",
                              (name,)).fetchone()
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                              (name,)).fetchone() is not None
        if member is not None and member[1] is None:
            raise HubError(f"{name} is already a member of this hub ({member[0]}).")
        if member is None and exists:
            raise HubError(f"A login named {name} already exists on this database server: "
                           "choose another name.")
        verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(),
                                                b"scram-sha-256").decode()
        ident = sql.Identifier(name)
        if exists:
            conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
                ident, sql.Literal(verifier)))
        else:
            conn.execute(sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
                "NOREPLICATION INHERIT CONNECTION LIMIT {} PASSWORD {}").format(
                ident, sql.Literal(CONNECTION_LIMIT), sql.Literal(verifier)))
        for group in (roles.coordinator, roles.viewer):
            if group != roles.group(role):
                conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), ident))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(roles.group(role)), ident))
        set_role_timeouts(conn, name)
        conn.execute(
            "INSERT INTO hub.member AS m (login, role, consortium) VALUES (%s, %s, %s) "
            "ON CONFLICT (login) DO UPDATE SET role = excluded.role, "
            "consortium = excluded.consortium, removed_at = NULL, created_at = now()",
            (name, role, consortium))
        return password

    result: str = _run(conn, f"Adding {name}", work)
    return result


def remove_user(conn: psycopg.Connection[Any], name: str) -> None:
    """The login can no longer sign in nor read or write the hub; its rows stay."""

    def work() -> None:
        roles = _roles(conn)
        member = conn.execute("SELECT role, removed_at FROM hub.member WHERE login = %s",
                              (name,)).fetchone()
        if member is None:
            raise HubError(f"{name} is not a member of this hub.")
        if member[0] == "admin":
            raise HubError(f"{name} is the hub's administrator and cannot be removed.")
        if member[1] is not None:
            raise HubError(f"{name} was already removed from this hub.")
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(ident))
        for group in (roles.coordinator, roles.viewer):
            conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), ident))
        conn.execute("UPDATE hub.member SET removed_at = now() WHERE login = %s", (name,))

    _run(conn, f"Removing {name}", work)


def list_users(conn: psycopg.Connection[Any]) -> list[HubUser]:
    """Every member, removed ones included, by login."""

    def work() -> list[HubUser]:
        rows = conn.execute("SELECT login, role, consortium, created_at, removed_at, "
                            "last_sync_at FROM hub.member ORDER BY login").fetchall()
        return [HubUser(*row) for row in rows]

    result: list[HubUser] = _run(conn, "Listing the hub's users", work)
    return result


def prune_tombstones(conn: psycopg.Connection[Any], before: int) -> int:
    """Forget tombstones of versions before `before`; returns how many rows went. A laptop
    that pulled less than that reads the whole hub on its next sync."""

    def work() -> int:
        row = conn.execute("SELECT hub.prune(%s)", (before,)).fetchone()
        return int(row[0]) if row else 0

    result: int = _run(conn, "Pruning tombstones", work)
    return result
