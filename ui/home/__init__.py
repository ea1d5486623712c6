"""Home: a coordinator's day on one page."""
