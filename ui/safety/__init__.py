"""Safety in the app: backups, restore, encrypted backups, opening with the lock,
and clear messages for storage problems.

    from ui.safety import (back_up_now, restore_from_backup, encrypted_backup,
                           open_database_interactively, handle_storage_error,
                           start_backup_watch, backup_on_quit)
"""

from ui.safety.backups import (
    back_up_now,
    backup_on_quit,
    restore_from_backup,
    start_backup_watch,
)
from ui.safety.encrypted import encrypted_backup
from ui.safety.opening import handle_storage_error, open_database_interactively

__all__ = [
    "back_up_now", "backup_on_quit", "encrypted_backup", "handle_storage_error",
    "open_database_interactively", "restore_from_backup", "start_backup_watch",
]
