"""Contacts: the people of the member organizations (view, table model, form)."""
