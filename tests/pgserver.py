"""A real PostgreSQL server for the team-hub tests (a pytest plugin).

`pg_server` (session) runs `initdb` into a temporary folder with fast, unsafe settings
(fsync, synchronous commit and full-page writes off: a crash only loses test data) and
starts it on 127.0.0.1 at a free port plus a private socket folder. Local socket
connections are trusted (the fixtures' superuser); TCP connections need a SCRAM password,
so tests of passwords go through `.host`/`.port`. PostgreSQL refuses to run as root:
when the tests run as root the folder is handed to the `postgres` user and the server
runs through `runuser`.

`hub_admin` (per test) is a fresh database owned by a fresh login with CREATEROLE and a
password: what a coalition gets from its PostgreSQL provider. `hub` is the same after
`init_hub`, with `add_login(role, consortium=None) -> (address, password)`.

Without PostgreSQL the tests are skipped locally but fail when the CI variable is set,
so the hub is never silently untested in CI.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import psycopg

    from coordinator.hub.connect import HubAddress
    from coordinator.hub.schema import HubInfo

SUPERUSER = "postgres"
FAST_SETTINGS: dict[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "max_wal_size": "1GB",
    "checkpoint_timeout": "30min",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
    "logging_collector": "off",
}


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found:
        folder = Path(found).resolve().parent
        if (folder / "pg_ctl").exists():
            return folder
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name)
                        if Path(p).parent.parent.name.isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_parent(run_as: str | None) -> str:
    """Where the cluster's folder goes: the temporary folder, unless the server's user
    could not reach it or its socket path would be too long for a Unix socket."""
    parent = tempfile.gettempdir()
    reachable = run_as is None or all(
        os.stat(p).st_mode & 0o001 for p in [parent, *map(str, Path(parent).parents)])
    return parent if reachable and len(parent) <= 40 else "/tmp"


def _quote_conf(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class PgServer:
    """One running PostgreSQL cluster in a temporary folder."""

    bindir: Path
    root: Path
    port: int = 0
    host: str = "127.0.0.1"
    run_as: str | None = None
    _started: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def sockdir(self) -> Path:
        return self.root / "sock"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, check=False)

    def _chown(self, path: Path) -> None:
        if self.run_as:
            shutil.chown(path, self.run_as, self.run_as)

    def put_file(self, name: str, content: bytes, mode: int = 0o600) -> Path:
        """A file in the data folder, owned by the server's user (TLS keys, certificates)."""
        path = self.datadir / name
        path.write_bytes(content)
        path.chmod(mode)
        self._chown(path)
        return path

    def init(self) -> None:
        self.sockdir.mkdir()
        self._chown(self.root)
        self._chown(self.sockdir)
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", SUPERUSER,
                         "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                         "--locale=C", "--no-sync")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self, settings: Mapping[str, str] | None = None) -> None:
        """Start on a free port (a few tries: another process may take the port first)."""
        last_error = ""
        for _attempt in range(5):
            self.port = _free_port()
            conf = {**FAST_SETTINGS, "listen_addresses": self.host, "port": str(self.port),
                    "unix_socket_directories": str(self.sockdir), **(settings or {})}
            lines = "".join(f"{k} = {_quote_conf(v)}\n" for k, v in conf.items())
            (self.datadir / "postgresql.auto.conf").write_text(lines)
            self._chown(self.datadir / "postgresql.auto.conf")
            done = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir),
                             "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
            if done.returncode == 0:
                self._started = True
                return
            log = self.root / "server.log"
            last_error = (log.read_text(errors="replace")[-2000:] if log.exists() else "") \
                or done.stderr
        raise RuntimeError(f"PostgreSQL did not start: {last_error.strip()}")

    def stop(self) -> None:
        if self._started:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate",
                      "-w", "stop")
            self._started = False

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def superuser_conn(self, dbname: str = "postgres") -> psycopg.Connection[Any]:
        """An autocommit superuser connection through the trusted local socket."""
        import psycopg

        return psycopg.connect(host=str(self.sockdir), port=self.port, user=SUPERUSER,
                               dbname=dbname, autocommit=True)


def start_cluster(settings: Mapping[str, str] | None = None,
                  files: Mapping[str, bytes] | None = None) -> PgServer:
    """initdb and start a new cluster; `files` are put into its data folder first (their
    names can then be used in `settings`, e.g. ssl_cert_file). Skips the test when
    PostgreSQL is not installed, unless CI is set: then the test fails."""
    bindir = find_pg_bin()
    if bindir is None:
        message = ("PostgreSQL's server (initdb, pg_ctl) is not installed: "
                   "apt-get install postgresql, or put its bin folder on PATH")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    run_as = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        run_as = SUPERUSER  # the postgres system user; the server refuses to run as root
        import pwd

        try:
            pwd.getpwnam(run_as)
        except KeyError:
            pytest.fail("running as root needs a 'postgres' system user to run the server")
    root = Path(tempfile.mkdtemp(prefix="coordinator-pg-", dir=_server_parent(run_as)))
    server = PgServer(bindir=bindir, root=root, run_as=run_as)
    try:
        server.init()
        for name, content in (files or {}).items():
            server.put_file(name, content)
        server.start(settings)
    except BaseException:
        server.cleanup()
        raise
    return server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = start_cluster()
    try:
        yield server
    finally:
        server.cleanup()


_numbers = itertools.count(1)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _roles(conn: psycopg.Connection[Any]) -> set[str]:
    return {r[0] for r in conn.execute("SELECT rolname FROM pg_roles").fetchall()}


@dataclass
class HubAdmin:
    """A fresh database and a CREATEROLE login owning it, reached over TCP with a password."""

    server: PgServer
    dbname: str
    address: HubAddress
    password: str

    def connect(self) -> psycopg.Connection[Any]:
        from coordinator.hub.connect import connect

        return connect(self.address, self.password)


@dataclass
class Hub(HubAdmin):
    """A hub after init_hub: `info` is what init_hub returned."""

    info: HubInfo | None = None

    def add_login(self, role: str, consortium: str | None = None) -> tuple[HubAddress, str]:
        """A new login with that role; its name is unique across the test cluster."""
        from dataclasses import replace

        from coordinator.hub.admin import add_user

        name = f"{role}{next(_numbers)}_{self.dbname}"
        with self.connect() as conn:
            password = add_user(conn, name, role, consortium)
        return replace(self.address, user=name), password


@contextlib.contextmanager
def _fresh_database(server: PgServer) -> Iterator[tuple[str, str, str]]:
    number = next(_numbers)
    dbname = f"hub{number}"
    admin = f"admin{number}"
    password = secrets.token_urlsafe(16)
    with server.superuser_conn() as su:
        before = _roles(su)
        su.execute(f"CREATE ROLE {_quote_ident(admin)} LOGIN CREATEROLE PASSWORD "
                   f"'{password}'")
        su.execute(f"CREATE DATABASE {_quote_ident(dbname)} OWNER {_quote_ident(admin)}")
    try:
        yield dbname, admin, password
    finally:
        with server.superuser_conn() as su:
            su.execute(f"DROP DATABASE IF EXISTS {_quote_ident(dbname)} WITH (FORCE)")
            # Roles are cluster-wide: drop the ones this test made (tests run one at a time).
            for role in sorted(_roles(su) - before):
                with contextlib.suppress(Exception):
                    su.execute(f"DROP ROLE {_quote_ident(role)}")


@pytest.fixture
def hub_admin(pg_server: PgServer) -> Iterator[HubAdmin]:
    from coordinator.hub.connect import HubAddress

    with _fresh_database(pg_server) as (dbname, admin, password):
        address = HubAddress(host=pg_server.host, port=pg_server.port, dbname=dbname, user=admin)
        yield HubAdmin(server=pg_server, dbname=dbname, address=address, password=password)


@pytest.fixture
def hub(hub_admin: HubAdmin) -> Hub:
    from coordinator.hub.schema import init_hub

    with hub_admin.connect() as conn:
        info = init_hub(conn, "Test coalition")
    return Hub(server=hub_admin.server, dbname=hub_admin.dbname, address=hub_admin.address,
               password=hub_admin.password, info=info)
