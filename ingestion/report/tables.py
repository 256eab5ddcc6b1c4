"""The report's HTML tables: how a cell is written (a dash for a missing or suppressed figure)
and how an interval is stated."""

from __future__ import annotations

import html
import math
import numbers
from datetime import date

import pandas as pd


def is_missing(value: object) -> bool:
    """None, pandas' NA/NaT or a float NaN: a figure the marts do not give (or suppress)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell(value: object, digits: int = 2) -> str:
    if is_missing(value):
        return "&ndash;"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    if isinstance(value, pd.Timestamp | date):
        return f"{value:%Y-%m-%d}"
    return html.escape(str(value))


def html_table(
    table_id: str, headers: list[str], rows: list[list[object]], caption: str = ""
) -> str:
    """A table; `caption` (escaped) states its scope, period and source."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="wide"><table id="{table_id}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def interval_text(lower: object, upper: object, digits: int) -> str:
    if is_missing(lower) or is_missing(upper):
        return ""
    return f"90% CI {cell(lower, digits)} to {cell(upper, digits)}"


def with_interval(value: object, lower: object, upper: object, digits: int) -> str | None:
    """A table cell `1,234 (90% CI 1,000 to 1,500)`: the figure alone without both bounds or
    when they are equal (nothing uncertain, e.g. no quality cost), and None (html_table's
    dash) without a figure, so the dash is never escaped twice."""
    if is_missing(value):
        return None
    interval = "" if lower == upper else interval_text(lower, upper, digits)
    return f"{cell(value, digits)} ({interval})" if interval else cell(value, digits)
