"""Coverage of the consortia: table, charts, gaps, CSV."""
