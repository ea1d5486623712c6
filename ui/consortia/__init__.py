"""Consortia: the seven regional consortia and their members."""
