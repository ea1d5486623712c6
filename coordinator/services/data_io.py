"""Imports, duplicates and exports, as the services the UI calls (`services.imports`,
`services.duplicates`, `services.exports`), so that no window needs the database itself.

Each is a thin door onto `coordinator.formats` (which does the work, shared with the
command line), imported only when used: the app's start never pays for the parsers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coordinator.db import Database
    from coordinator.formats.batches import BatchInfo, UndoPreview, UndoReport
    from coordinator.formats.duplicates import DuplicatePair
    from coordinator.formats.importer import ImportOptions, ImportPreview, ImportReport
    from coordinator.formats.merge import MergeReport
    from coordinator.formats.parsed import ParseResult
    from coordinator.services import Services


class ImportService:
    """Plan and save imports; list and undo them (merges are recorded the same way)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def preview(self, parsed: ParseResult, options: ImportOptions | None = None,
                **progress_and_cancel: Any) -> ImportPreview:
        from coordinator.formats import importer

        return importer.preview(self.db, parsed, options, **progress_and_cancel)

    def apply(self, parsed: ParseResult, options: ImportOptions | None = None,
              **progress_and_cancel: Any) -> ImportReport:
        from coordinator.formats import importer

        return importer.apply(self.db, parsed, options, **progress_and_cancel)

    def batches(self) -> list[BatchInfo]:
        from coordinator.formats import batches

        return batches.list_batches(self.db)

    def undo_preview(self, batch_id: str) -> UndoPreview:
        from coordinator.formats import batches

        return batches.undo_preview(self.db, batch_id)

    def undo(self, batch_id: str) -> UndoReport:
        """Undo an import; a large one leaves the file mostly free pages, which go back
        to the disk (`Database.reclaim_space`: a VACUUM, so never on the GUI thread)."""
        from coordinator.formats import batches

        report = batches.undo_batch(self.db, batch_id)
        self.db.reclaim_space()
        return report


class DuplicateService:
    """Find probable duplicates, merge them, and remember pairs that are not."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def find(self, entity: str, **options: Any) -> list[DuplicatePair]:
        from coordinator.formats import duplicates

        if entity == "contact":
            return duplicates.find_duplicate_contacts(self.db, **options)
        return duplicates.find_duplicate_organizations(self.db, **options)

    def merge(self, entity: str, survivor_id: str, other_id: str,
              choices: Mapping[str, str] | None = None) -> MergeReport:
        from coordinator.formats import merge

        fn = merge.merge_contacts if entity == "contact" else merge.merge_organizations
        return fn(self.db, survivor_id, other_id, choices)

    def plan_merge_all(self, entity: str, pairs: Sequence[DuplicatePair],
                       threshold: int) -> list[tuple[str, str, str]]:
        """The merges of "merge all pairs scoring `threshold` or more" among `pairs`
        (found for `entity`), each group into one survivor, never putting together
        records marked "not duplicates" (`merge_batch.plan_merges`)."""
        from coordinator.formats.merge_batch import plan_merges
        from coordinator.services import duplicate_decisions

        with self.db.read() as session:
            marked = duplicate_decisions.dismissed_pairs(session, entity)
        return plan_merges(pairs, threshold, marked)

    def merge_all(self, merges: Sequence[tuple[str, str, str]],
                  cancelled: Callable[[], bool] | None = None) -> tuple[str, int]:
        """Make `merges` ((entity, survivor, other), in order) in one unit of work
        recorded as one batch: one undo takes them all back. Returns (batch id, merges).
        Conflicting one-value fields keep the survivor's value, the other's goes into
        its notes."""
        from coordinator.formats import merge

        return merge.merge_all(self.db, merges, cancelled)

    def mark_not_duplicates(self, entity: str, a: str, b: str) -> bool:
        from coordinator.services import duplicate_decisions

        return duplicate_decisions.mark_not_duplicates(self.db, entity, a, b)

    def unmark_not_duplicates(self, entity: str, a: str, b: str) -> bool:
        from coordinator.services import duplicate_decisions

        return duplicate_decisions.unmark_not_duplicates(self.db, entity, a, b)

    def undo_merge(self, batch_id: str) -> UndoReport:
        """Put both records of a merge back (a merge is recorded as a batch, like an
        import; a few rows change, so no space is worth reclaiming)."""
        from coordinator.formats import batches

        return batches.undo_batch(self.db, batch_id)

    def adopt_legacy_pairs(self, keys: Iterable[str]) -> int:
        from coordinator.services import duplicate_decisions

        return duplicate_decisions.adopt_legacy_pairs(self.db, keys)


class ExportService:
    """The bytes of an export: what the Export dialog and the command line write."""

    def __init__(self, db: Database, records: Services) -> None:
        self.db, self.records = db, records

    def build(self, kind: str, fmt: str, ids: Sequence[str] | None = None, *,
              series: str | None = None, include_private: bool = False,
              **progress_and_cancel: Any) -> bytes:
        """`kind` "contacts" (in `fmt`), "organizations", "proposals" (CSV) or "meetings"
        (iCalendar): the records `ids`, or all of them (a meeting `series` by name)."""
        from coordinator.errors import CoordinatorError
        from coordinator.formats import csv_export, exports, ical_export
        services = self.records
        if kind == "contacts":
            return exports.export_contacts(
                self.db, fmt, ids=list(ids) if ids is not None else None,
                include_private=include_private, **progress_and_cancel)
        if kind == "organizations":
            if ids is None:
                return exports.export_organizations(self.db)
            return csv_export.organizations_csv([services.organizations.get(i) for i in ids])
        if kind == "proposals":
            if ids is None:
                return exports.export_proposals(self.db)
            return csv_export.proposals_csv([services.proposals.get(i) for i in ids])
        if kind == "meetings":
            if ids is None:
                return exports.export_meetings(self.db, series=series)
            data = ical_export.meetings_ics(self.db, [services.meetings.get(i) for i in ids])
            problems = ical_export.validate_ics(data)
            if problems:
                raise CoordinatorError(
                    "The calendar file did not validate: " + "; ".join(problems))
            return data
        raise CoordinatorError(f"Cannot export {kind!r}.")


__all__ = ["DuplicateService", "ExportService", "ImportService"]
