"""The UI kit: what every feature of the desktop app uses, once.

- `background`: work off the GUI thread (`wait_for`, `ProgressJob`), the one delay
  before a progress dialog shows, and the one place dialogs run modally;
- `undo`: every undoable step (create, edit, delete, restore, status changes) as a
  command on the main window's undo stack, and `push_saved` for an editor's save;
- `roles`: the item-data roles of every model;
- `editor`: `RecordEditor`, the one base of every record form and editor (contact,
  organization, proposal, meeting): live validation, Save / Save and close / Close with
  Ctrl+S and Ctrl+Enter, asking before unsaved changes are dropped, drafts, undo;
- `drafts`: autosaved drafts of an editor's text and whole state, offered after a crash;
- `lazy_table`: `LazyTableModel`, the one model of every list: ids listed in SQL, rows
  fetched by id for what is shown, columns declared as data, changes merged in place;
- `planning_table`, `formatting`: the planning tables' model and coverage pills, and how
  money, due dates and statuses look;
- `pickers`, `markdown`: the record search field and the Markdown editor with preview.

- `member_view`, `planning_view`, `views`: the bases of the members' views and of the
  planning views, and what every view declares.

Feature packages (`ui/contacts`, `ui/organizations`, `ui/consortia`, `ui/trash`,
`ui/proposals`, `ui/meetings`, `ui/actions`, `ui/io`, `ui/safety`, `ui/briefing`) use the
kit and the generic widgets of `ui/widgets`.
"""
