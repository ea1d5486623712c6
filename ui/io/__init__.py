"""Import, export, undo of imports and duplicate review: dialogs with entry points.

    from ui.io import import_contacts, undo_import, export_records, review_duplicates

    import_contacts(ctx, parent)                       # File → Import Contacts…
    export_records(ctx, parent, kind="contacts", ids=selected, filter_ids=shown)
    undo_import(ctx, parent)                           # Edit → Undo Import…
    review_duplicates(ctx, parent)                     # Edit → Find Duplicates…

The work runs in `ctx.tasks` workers through `coordinator.formats`; committed writes
reach the views through `ctx.changed` as usual.
"""

from ui.io.duplicates_dialog import review_duplicates
from ui.io.export_dialog import export_records
from ui.io.import_dialog import import_contacts
from ui.io.undo_dialog import undo_import

__all__ = ["export_records", "import_contacts", "review_duplicates", "undo_import"]
