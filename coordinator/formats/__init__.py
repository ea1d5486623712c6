"""Import and export of contacts and other records: CSV, vCard and iCalendar.

Entry points (all Qt-free; long ones take `progress(done, total)` and `cancelled()`
callbacks and raise `ImportCancelled` when cancelled, having saved nothing):

- reading: `reader.parse_file(path)` / `reader.parse_contacts(raw, format)` -> ParseResult
  (pure: no database; large CSV files are parsed in a process pool when there are
  3+ CPUs, `parallel.py`; phones in common NANP shapes take `services.phones.e164`'s exact
  fast path); `csv_import.peek_csv(raw)` for the column-mapping dialog;
  `mappings.guess_mapping / save_mapping / load_mapping / list_mappings`;
- importing: `importer.preview(db, result)` -> ImportPreview (new / updated / unchanged /
  duplicates / errors, each with its row or line; saves nothing) and
  `importer.apply(db, result, ImportOptions(...), progress=, cancelled=)` -> ImportReport
  (one transaction, recorded as an undoable batch; `ImportOptions.row_choices` leaves
  single rows out or imports a probable duplicate anyway);
- undo: `batches.list_batches(db)`, `batches.undo_batch(db, batch_id)`;
- exporting: `exports.export_contacts(db, "csv" | "outlook-csv" | "vcard3" | "vcard4",
  ids= or contact_filter=, progress=, cancelled=)`, `exports.export_organizations`,
  `exports.export_proposals`, `exports.export_meetings(db, series= | meeting_id=)`;
- duplicates: `duplicates.find_duplicate_contacts(db, progress=, cancelled=)`,
  `duplicates.find_duplicate_organizations(db)` (pairs the user marked "Not duplicates"
  are left out: `services.duplicate_decisions`); `merge.merge_contacts(db, keep, other)`,
  `merge.merge_organizations(db, keep, other)` (undo with `batches.undo_batch`).
"""

from coordinator.formats.parsed import (
    ImportCancelled,
    ImportProblem,
    ParsedContact,
    ParseResult,
    UnreadableFile,
)

__all__ = ["ImportCancelled", "ImportProblem", "ParseResult", "ParsedContact", "UnreadableFile"]
