"""Writing to members from any list: mail drafts, copied addresses, mail merge."""
