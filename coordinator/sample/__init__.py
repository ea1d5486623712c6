"""Word lists for the deterministic sample coalition (see coordinator.demo)."""
