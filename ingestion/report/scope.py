"""Reading the marts, and the scope and period every chart and table of the report states."""

from __future__ import annotations

import duckdb
import pandas as pd


def query(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.sql(sql).df()


def scope_label(scope: str, period: str) -> str:
    """The scope and period every chart and table states, in its title and caption."""
    return f"Scope: {scope}. Period: {period}."


def date_range(dates: pd.Series, unit: str) -> str:
    """`2026-02-02 to 2026-10-26` (weeks by their Monday, months as 2026-02)."""
    dates = pd.to_datetime(dates.dropna())
    if dates.empty:
        return "no data yet"
    pattern = "%Y-%m" if unit == "calendar month" else "%Y-%m-%d"
    return f"{dates.min():{pattern}} to {dates.max():{pattern}}"


def span(dates: pd.Series, unit: str) -> str:
    """`each ISO week, 2026-02-02 to 2026-10-26`: a time series' period."""
    return f"each {unit}, {date_range(dates, unit)}"
