"""The laptop side of the team hub: change capture, pull, push, merges and conflicts."""
