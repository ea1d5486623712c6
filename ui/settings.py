"""Where the UI keeps its state (window geometry, columns, last view, options).

One owner for every per-user path: the file lives in Coordinator's config folder
(platformdirs, or under COORDINATOR_HOME), not wherever QSettings would choose.
Light on purpose: imported before the core at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from coordinator import paths

SETTINGS_FILENAME = "ui-settings.ini"


def default_settings() -> QSettings:
    folder = paths.ensure_private_dir(paths.config_dir())
    return QSettings(str(folder / SETTINGS_FILENAME), QSettings.Format.IniFormat)
