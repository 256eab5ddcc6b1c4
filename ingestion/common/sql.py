"""Small DuckDB query helpers shared by the plumbing and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The single value of a one-row query (`count(*)`, `max(...)`): its first column.

    A query that returns no row is a bug in the query, not an empty result: it raises.
    """
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise RuntimeError(f"expected one row, the query returned none: {sql}")
    return row[0]
