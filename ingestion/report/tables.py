"""The report's HTML tables: how a cell is written (a dash for a missing or suppressed figure)
and how an interval is stated."""

from __future__ import annotations

import html
import numbers
from datetime import date

import pandas as pd

from ingestion.common import intervals
from ingestion.common.intervals import is_missing


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
    """`90% CI 1,000 to 1,500` by the one rule of ingestion.common.intervals (empty without
    both bounds or when they are equal)."""
    return intervals.interval_phrase(lower, upper, lambda bound: cell(bound, digits))


def with_interval(value: object, lower: object, upper: object, digits: int) -> str | None:
    """A table cell `1,234 (90% CI 1,000 to 1,500)` (ingestion.common.intervals' rule), and
    None (html_table's dash) without a figure, so the dash is never escaped twice."""
    if is_missing(value):
        return None
    return intervals.with_interval(
        cell(value, digits), lower, upper, lambda bound: cell(bound, digits)
    )
