"""The main window's views: one widget per sidebar entry (see registry.py)."""
