"""Import and export of contacts and other records: CSV, vCard and iCalendar.

Parsing (`csv_import.parse_csv`, `vcard_import.parse_vcards`, `parse_contacts`) is pure:
bytes in, `ParseResult` out, nothing touches the database. `importer.preview` compares
a parse result with the database (new / updated / duplicates / errors) without saving
anything; `importer.apply` saves it in one transaction as an undoable import batch.
Exports write bytes; `duplicates` and `merge` find and merge probable duplicates.
"""

from coordinator.formats.parsed import ImportProblem, ParsedContact, ParseResult

__all__ = ["ImportProblem", "ParseResult", "ParsedContact"]
