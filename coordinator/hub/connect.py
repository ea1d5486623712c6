"""Reaching the team hub: its address, a TLS connection, and one clear line per failure.

`parse_hub_url("postgresql://alice@hub.example.org:5432/coalition")` gives a `HubAddress`.
A password in the URL is refused: it would end up in shell history and process lists;
passwords come from the OS keyring (`credentials.py`). `connect()` verifies the server's
certificate and host name (`sslmode=verify-full`) for every host other than this
computer, and turns every driver error into a `HubError` whose message is one line for
the user. `check_hub()` then makes sure the database is a hub, of the expected
coalition, with a schema this build understands.

The URL's query may carry `sslmode`, `sslrootcert` (a CA file, or "system") and
`hostaddr` (connect to this IP address but verify the certificate for the host name).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg

from coordinator.errors import CoordinatorError

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_SECONDS = 10
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
QUERY_KEYS = ("sslmode", "sslrootcert", "hostaddr")


class HubError(CoordinatorError):
    """The hub cannot be used; the message is one line for the user. Local data is untouched."""


@dataclass(frozen=True)
class HubAddress:
    host: str
    port: int
    dbname: str
    user: str
    sslmode: str | None = None  # None: verify-full, or prefer for this computer
    sslrootcert: str | None = None  # None: ~/.postgresql/root.crt if present, else "system"
    hostaddr: str | None = None

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS or self.host.startswith("/")

    @property
    def effective_sslmode(self) -> str:
        if self.sslmode:
            return self.sslmode
        return "prefer" if self.is_local else "verify-full"

    def display(self) -> str:
        """host:port/dbname, for messages (no user name, no password)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}/{self.dbname}"

    def url(self) -> str:
        """The address as a URL without a password (to show or store)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = "&".join(f"{k}={getattr(self, k)}" for k in QUERY_KEYS if getattr(self, k))
        return (f"postgresql://{self.user}@{host}:{self.port}/{self.dbname}"
                + (f"?{query}" if query else ""))


def parse_hub_url(url: str) -> HubAddress:
    """postgresql://USER@HOST[:PORT]/DBNAME[?sslmode=...&sslrootcert=...&hostaddr=...]."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise HubError(f"The hub address {text!r} is not valid ({exc}).") from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise HubError(f"The hub address must start with postgresql:// (got {_shown(text)}).")
    if parts.password is not None:
        raise HubError("The hub address contains a password: leave it out "
                       "(postgresql://USER@HOST/DATABASE); Coordinator asks for it and keeps "
                       "it in the system keyring.")
    user = unquote(parts.username or "")
    host = unquote(parts.hostname or "")
    dbname = unquote(parts.path.lstrip("/"))
    missing = [what for what, value in (("a user", user), ("a host", host),
                                        ("a database name", dbname)) if not value]
    if missing:
        raise HubError(f"The hub address {_shown(text)} lacks {' and '.join(missing)} "
                       "(postgresql://USER@HOST/DATABASE).")
    if "/" in dbname:
        raise HubError(f"The hub address {_shown(text)} has a path after the database name.")
    options: dict[str, str] = {}
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if key not in QUERY_KEYS:
            raise HubError(f"The hub address has an unknown option {key!r} "
                           f"(known: {', '.join(QUERY_KEYS)}).")
        options[key] = values[-1]
    if options.get("sslmode") and options["sslmode"] not in SSL_MODES:
        raise HubError(f"sslmode {options['sslmode']!r} is not one of {', '.join(SSL_MODES)}.")
    return HubAddress(host=host, port=port or DEFAULT_PORT, dbname=dbname, user=user,
                      sslmode=options.get("sslmode") or None,
                      sslrootcert=options.get("sslrootcert") or None,
                      hostaddr=options.get("hostaddr") or None)


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def connection_params(address: HubAddress, password: str | None,
                      application_name: str = "coordinator") -> dict[str, Any]:
    sslmode = address.effective_sslmode
    params: dict[str, Any] = {
        "host": address.host, "port": address.port, "dbname": address.dbname,
        "user": address.user, "sslmode": sslmode,
        "connect_timeout": CONNECT_TIMEOUT_SECONDS, "application_name": application_name,
        # The password comes only from the caller: never from ~/.pgpass or PGPASSWORD
        # (an explicit empty value keeps libpq from reading the environment).
        "passfile": os.devnull, "password": password or "",
    }
    if address.hostaddr:
        params["hostaddr"] = address.hostaddr
    if sslmode in ("verify-ca", "verify-full"):
        params["sslrootcert"] = address.sslrootcert or _default_root_cert()
    elif address.sslrootcert:
        params["sslrootcert"] = address.sslrootcert
    return params


def _default_root_cert() -> str:
    """libpq's own default file when the user has one, else the system's trusted CAs."""
    if os.environ.get("PGSSLROOTCERT"):
        return os.environ["PGSSLROOTCERT"]
    own = Path.home() / ".postgresql" / "root.crt"
    return str(own) if own.exists() else "system"


def connect(address: HubAddress, password: str | None, *,
            application_name: str = "coordinator") -> psycopg.Connection[Any]:
    """A connection to the hub (autocommit off), or HubError with one line."""
    params = connection_params(address, password, application_name)
    try:
        return psycopg.connect(autocommit=False, **params)
    except psycopg.Error as exc:
        raise HubError(explain(exc, address)) from None


_ANSWERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"password authentication failed|no password supplied|"
                r"authentication failed for user", re.I),
     "The hub refused the password for {user} at {where}: check it, or ask the hub's "
     "administrator for a new one."),
    (re.compile(r"is not permitted to log in", re.I),
     "Your hub access was revoked ({user} at {where}): ask the hub's administrator."),
    (re.compile(r"does not match host name|server certificate for .* does not match", re.I),
     "TLS: the hub's certificate is for another host than {host}: refusing to connect "
     "(check the address, or ask the hub's provider)."),
    (re.compile(r"certificate verify failed|self[- ]signed certificate|unable to get "
                r"local issuer|certificate has expired|root certificate file|"
                r"could not read root certificate|sslrootcert|certificate", re.I),
     "TLS: the hub's certificate could not be verified for {host} ({detail})."),
    (re.compile(r"server does not support SSL", re.I),
     "TLS: the hub at {hostport} does not offer an encrypted connection: refusing to send "
     "the password in the clear (ask the hub's provider to enable TLS)."),
    (re.compile(r"SSL error|SSL SYSCALL|SSL connection has been closed", re.I),
     "TLS: the encrypted connection to the hub at {hostport} failed ({detail})."),
    (re.compile(r"database \".*\" does not exist", re.I),
     "There is no database {dbname} at {hostport}: check the hub address."),
    (re.compile(r"role \".*\" does not exist", re.I),
     "The hub at {where} has no login {user}: check the address, or ask the hub's "
     "administrator."),
    (re.compile(r"permission denied for database|not allowed to connect|"
                r"no pg_hba.conf entry", re.I),
     "{user} may not use the hub at {where}: ask the hub's administrator."),
    (re.compile(r"timeout expired|timed out", re.I),
     "The hub at {hostport} did not answer within {timeout} seconds: check the network "
     "and the address."),
    (re.compile(r"could not translate host name|Name or service not known|"
                r"nodename nor servname|Temporary failure in name resolution", re.I),
     "The hub's host {host} was not found: check the address and the network."),
    (re.compile(r"Connection refused|could not connect|No route to host|"
                r"Network is unreachable|server closed the connection|"
                r"connection to server .* failed", re.I),
     "The hub at {hostport} cannot be reached: check the network and the address."),
    (re.compile(r"too many connections|remaining connection slots", re.I),
     "The hub at {where} has too many connections now: try again in a minute."),
]


def explain(exc: BaseException, address: HubAddress) -> str:
    """One line for the user about a driver error on `address` (no password, no SQL)."""
    raw = str(exc).strip()
    detail = one_line(raw)
    values = {"user": address.user, "where": address.display(), "host": address.host,
              "dbname": address.dbname, "hostport": address.display().rsplit("/", 1)[0],
              "timeout": CONNECT_TIMEOUT_SECONDS, "detail": detail}
    for pattern, answer in _ANSWERS:
        if pattern.search(raw):
            return answer.format(**values)
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return f"The hub at {address.display()} took too long and cancelled the request."
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return (f"The hub at {address.display()} is busy with another laptop's changes: "
                "try again in a minute.")
    return f"The hub at {address.display()} failed: {detail}"


def one_line(raw: str) -> str:
    """The driver's message in one line: libpq prefixes every attempted address."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    line = lines[-1] if len(lines) == 1 else lines[0]
    line = re.sub(r"^connection failed:\s*", "", line)
    line = re.sub(r"^connection to server (at|on) .*?failed:\s*", "", line)
    return line.rstrip(".")


@dataclass(frozen=True)
class HubInfo:
    coalition_id: str
    name: str
    hub_schema: int
    data_schema: str | None
    pruned_before: int


def read_hub_info(conn: psycopg.Connection[Any]) -> HubInfo | None:
    """hub.meta's row, or None when this database has no hub schema."""
    if conn.execute("SELECT to_regclass('hub.meta')").fetchone() == (None,):
        return None
    row = conn.execute("SELECT coalition_id::text, coalition_name, hub_schema, data_schema, "
                       "pruned_before FROM hub.meta").fetchone()
    if row is None:
        return None
    return HubInfo(coalition_id=row[0], name=row[1], hub_schema=int(row[2]),
                   data_schema=row[3], pruned_before=int(row[4]))


def check_hub(conn: psycopg.Connection[Any], expected_coalition_id: str | None) -> HubInfo:
    """The hub's identity, after making sure this database is a hub this build can use and,
    when `expected_coalition_id` is given, the hub of that coalition. HubError otherwise."""
    from coordinator.hub.schema import HUB_SCHEMA

    where = where_of(conn)
    was_idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    try:
        info = read_hub_info(conn)
    except psycopg.errors.InsufficientPrivilege:
        raise HubError(f"Your login has no access to the hub at {where} (access revoked, or "
                       "never given): ask the hub's administrator.") from None
    except psycopg.Error as exc:
        raise HubError(f"The hub at {where} could not be read: "
                       f"{one_line(str(exc))}") from None
    finally:
        if was_idle and not conn.closed:
            conn.rollback()
    if info is None:
        raise HubError(f"The database at {where} is not a Coordinator team hub "
                       "(set one up with `coordinator hub init`).")
    if expected_coalition_id is not None and str(expected_coalition_id) != info.coalition_id:
        raise HubError(f"The hub at {where} belongs to another coalition ({info.name}): "
                       "this database syncs with a different hub.")
    if info.hub_schema > HUB_SCHEMA:
        raise HubError(f"The hub at {where} uses a newer hub schema ({info.hub_schema}) than "
                       f"this Coordinator knows ({HUB_SCHEMA}): update Coordinator.")
    return info


def where_of(conn: psycopg.Connection[Any]) -> str:
    info = conn.info
    host = info.host
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{info.port}/{info.dbname}"
