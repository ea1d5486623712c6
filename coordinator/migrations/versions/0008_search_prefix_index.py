"""Search index: keep FTS5's one-letter prefix index, drop the two- and three-letter ones.

Every search term is a prefix query ("jac" finds Jackson). FTS5 answers one from a prefix
index only when the typed length equals one of the lengths it was built for; otherwise it
merges the entries of every word starting with those letters. The one-letter index earns
its place: the first keystroke matches a twentieth of every word in the file, and merging
them costs 20-40 ms at 100,000 contacts instead of 3 ms. Two and three letters match few
enough words that merging costs a millisecond or two (over the commonest prefixes of
names: two letters, median 0.8 -> 1.8 ms; three letters, no measurable change), while
each of those two indexes took as much room as the whole word index (about 10 MB per
100,000 contacts each, 5% of the file together).
Results, ranks and snippets are the same: a prefix index only answers faster.

FTS5 cannot change the options of an existing table: its text is set aside in a temporary
table (outside the file), the old index is dropped and a new one built from that text with
the same row ids (so `search_doc` still maps them). Dropping first lets the new index reuse
the old one's pages: the file does not grow; what is left over stays free inside it for new
data (a backup copy or a VACUUM gives it back). All in the upgrade's one transaction.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"


def _rebuild_search_index(prefix: str) -> None:
    """search_fts again with prefix indexes of the lengths in `prefix`, same rows."""
    op.execute("CREATE TEMP TABLE search_text AS SELECT rowid AS id, title, body FROM search_fts")
    op.execute("DROP TABLE search_fts")
    op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5(title, body, {TOKENIZE},"
               f" prefix = '{prefix}')")
    op.execute("INSERT INTO search_fts (rowid, title, body)"
               " SELECT id, title, body FROM temp.search_text ORDER BY id")
    op.execute("DROP TABLE temp.search_text")
    op.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def upgrade() -> None:
    _rebuild_search_index("1")


def downgrade() -> None:
    _rebuild_search_index("1 2 3")
