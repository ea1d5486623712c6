"""Coordinator's Qt layer: windows, views, dialogs and item models over the services."""
