"""Reminders in the main window (a bar at the top and a tray message) and the export
of deadlines and action items to a calendar file: see `ui.reminders.window`."""
