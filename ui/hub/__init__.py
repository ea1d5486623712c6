"""The team hub in the desktop app: the hub service on the context (`service`), the
background sync (`syncer`), its status-bar entry (`status`), the Conflicts view
(`conflicts`), the Team Hub dialog with its users page (`dialog`, `users`) and the
window's hooks (`window`)."""
