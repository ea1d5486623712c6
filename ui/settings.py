"""Where the UI keeps its state (window geometry, columns, last view, options).

One owner for every per-user path: the file lives in Coordinator's config folder
(platformdirs, or under COORDINATOR_HOME), not wherever QSettings would choose.
Light on purpose: imported before the core at start-up.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

from coordinator import paths

SETTINGS_FILENAME = "ui-settings.ini"


def default_settings() -> QSettings:
    """The settings file, readable by the user only: it names recent files and folders.
    QSettings would create it with the default mode (0644) but keeps the mode of an
    existing file when it saves, so the file is created 0600 here first."""
    folder = paths.ensure_private_dir(paths.config_dir())
    path = folder / SETTINGS_FILENAME
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, paths.PRIVATE_FILE_MODE)
    os.close(fd)
    paths.make_private(path)  # one written 0644 by an earlier version
    return QSettings(str(path), QSettings.Format.IniFormat)
