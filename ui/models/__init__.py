"""Qt item models over the services (plain rows in, never live ORM objects)."""
