"""Coordinator core: data model, database, services, formats and CLI. No Qt in here."""

__version__ = "0.1.0"
APP_NAME = "Coordinator"
APP_AUTHOR = "NSCP"
