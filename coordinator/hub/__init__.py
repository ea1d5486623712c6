"""The team hub: a plain PostgreSQL database shared by a coalition's coordinators.

`connect` reaches it (TLS, one-line errors), `schema` installs and upgrades its versioned
schema (the SQL files in `migrations/`), `admin` manages its logins, `credentials` keeps
each login's password in the OS keyring. Nothing here imports Qt.
"""
