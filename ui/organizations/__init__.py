"""Organizations: the coalition's members (view, table model, form)."""
