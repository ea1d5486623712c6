"""Values the command line offers as choices, as plain tuples: building the parser (and
`--help`) must not import the models or the formats. A test checks each against the
enum or constant it mirrors."""

from __future__ import annotations

# coordinator.models.Sector
SECTORS = ("local_government", "county", "regional_agency", "company", "university",
           "nonprofit", "utility", "other")
