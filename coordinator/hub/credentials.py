"""A hub login's password, in the OS keyring: asked once, stored there, never in a file
or on the command line. One entry per (user, host, port, database). Without a usable
keyring it is kept for this session only and the result says so (`coordinator.secrets`).
"""

from __future__ import annotations

from coordinator.hub.connect import HubAddress
from coordinator.secrets import StoreResult, default_store


def secret_name(address: HubAddress) -> str:
    """The keyring entry's name: the login and where it logs in (never the password)."""
    return f"hub:{address.user}@{address.host}:{address.port}/{address.dbname}"


def get_password(address: HubAddress) -> str | None:
    return default_store().get(secret_name(address))


def store_password(address: HubAddress, password: str) -> StoreResult:
    return default_store().store(secret_name(address), password)


def forget_password(address: HubAddress) -> bool:
    """Forget it everywhere (a wrong or revoked password); True if one was stored."""
    return default_store().delete(secret_name(address))
