"""Reusable widgets: the global search box, the detail pane, form helpers."""
