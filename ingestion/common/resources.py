"""dlt resource plumbing shared by the API sources (github, gitlab): batching and merge hints.

A source's fetching code yields pages of shaped rows (`TableSpec.shape`); its wiring joins
them into larger batches, turns flat ones into `pyarrow` tables and declares each table
with `merge_hints`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ingestion.common.records import TableSpec

Rows = list[dict[str, Any]]


def rebatch(batches: Iterable[Rows], min_rows: int) -> Iterator[Rows]:
    """Consecutive batches joined until each has at least `min_rows` rows (the last may not).

    dlt computes and merges the table schema once per arrow item, a few ms each.
    """
    pending: Rows = []
    for rows in batches:
        pending.extend(rows)
        if len(pending) >= min_rows:
            yield pending
            pending = []
    if pending:
        yield pending


def arrow_batches(
    spec: TableSpec, batches: Iterable[Rows], *, min_rows: int, arrow: bool
) -> Iterator[Any]:
    """Shaped rows rebatched to `min_rows`, as `pyarrow` tables with the spec's schema when
    `arrow` is set.

    dlt writes an arrow table straight to parquet and skips its JSON normaliser; a table
    with nested lists (dlt child tables) stays dict rows.
    """
    for rows in rebatch(batches, min_rows):
        yield spec.to_arrow(rows) if arrow and not spec.nested else rows


def as_rows(batch: Any) -> Rows:
    """A parent resource's batch as dict rows (arrow tables included), for a transformer."""
    return batch if isinstance(batch, list) else batch.to_pylist()


def merge_hints(spec: TableSpec, merge_key: Sequence[str] | None = None) -> dict[str, Any]:
    """`dlt.resource` arguments for a merged table: name, key, column types, parquet files."""
    hints: dict[str, Any] = {
        "name": spec.table,
        "primary_key": list(spec.primary_key),
        "write_disposition": "merge",
        "columns": spec.column_hints(),
        # parquet load files: DuckDB ingests them several times faster than INSERT statements
        "file_format": "parquet",
    }
    if merge_key:
        hints["merge_key"] = list(merge_key)
    return hints
