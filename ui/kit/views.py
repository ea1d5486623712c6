"""What the main window may ask of a view: one declared interface instead of probing.

Every view registered in `ui/views/registry.py` derives from `FeatureView` (after its Qt
base class) and says by its class attributes what it does; the main window enables New
and Delete from `can_create` / `can_delete`, and calls the rest unconditionally: a view
that does not list records simply keeps the harmless defaults below.
"""

from __future__ import annotations

from typing import ClassVar


class FeatureView:
    """Mixin for a view widget: `class ContactsView(MemberView, FeatureView)`."""

    can_create: ClassVar[bool] = False  # New (Ctrl+N) makes a record here
    can_delete: ClassVar[bool] = False  # Delete moves the selected records to Trash

    def open_record(self, record_id: str) -> object:
        """Show the record with this id (select it, open its editor); None if unknown."""
        return None

    def new_record(self) -> object:
        return None

    def delete_selected(self) -> None:
        return None

    def selected_ids(self) -> list[str]:
        return []

    def refresh(self) -> None:
        return None

    def set_filter(self, *, consortium_id: str | None = None) -> None:
        """Show only what belongs to a consortium (views that filter by one)."""
        return None


__all__ = ["FeatureView"]
