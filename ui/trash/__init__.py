"""Trash: records moved there, restored or deleted for good."""
