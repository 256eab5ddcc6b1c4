"""The report's headline: the organisation's whole programme with 90% intervals
(marts.fct_headline_intervals, org, total)."""

from __future__ import annotations

import html
from typing import Any

import duckdb

from ingestion.report.scope import scope_label
from ingestion.report.tables import cell, interval_text

#: the headline: (column of fct_headline_intervals, label, digits); the interval columns are
#: `<column>_lower_90` / `<column>_upper_90` (AI cost is exact: none)
HEADLINE = [
    ("hours_saved", "Hours saved", 0),
    ("value_of_hours_saved_usd", "Value of hours saved (USD)", 0),
    ("ai_total_cost_usd", "AI total cost (USD)", 0),
    ("net_productivity_gain_usd", "Net productivity gain (USD)", 0),
    ("roi", "ROI (net gain / cost)", 2),
]
HEADLINE_SCOPE = ("org", "all", "total")


def headline_values(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The report's headline: the organisation's whole-programme row of
    marts.fct_headline_intervals (scope_type 'org', period_type 'total'), column -> value;
    {} when the warehouse has no such row."""
    columns = ["period_start", "period_end", "payback_month"]
    for column, _, _ in HEADLINE:
        columns.append(column)
        if column != "ai_total_cost_usd":
            columns += [f"{column}_lower_90", f"{column}_upper_90"]
    columns += ["payback_month_lower_90", "payback_month_upper_90", "payback_reached_share"]
    doubles = {c for c in columns if not c.startswith(("period_", "payback_month"))}
    select = ", ".join(f"cast({c} as double) as {c}" if c in doubles else c for c in columns)
    scope_type, scope_name, period_type = HEADLINE_SCOPE
    row = con.execute(
        f"select {select} from marts.fct_headline_intervals "
        "where scope_type = ? and scope_name = ? and period_type = ?",
        [scope_type, scope_name, period_type],
    ).fetchone()
    return dict(zip(columns, row, strict=True)) if row else {}


def _payback_interval(values: dict[str, Any]) -> str:
    lower = values.get("payback_month_lower_90")
    if lower is None:
        return ""
    upper = values.get("payback_month_upper_90")
    later = f"{upper:%Y-%m}" if upper is not None else "not within the data"
    return f"90% CI {lower:%Y-%m} to {later}"


def headline(con: duckdb.DuckDBPyConnection) -> str:
    values = headline_values(con)
    if not values:
        return '<p id="headline">No headline yet: the marts hold no whole-programme row.</p>'
    items = [
        (
            label,
            cell(values[column], digits),
            "exact"
            if column == "ai_total_cost_usd"
            else interval_text(values[f"{column}_lower_90"], values[f"{column}_upper_90"], digits),
        )
        for column, label, digits in HEADLINE
    ]
    payback = values["payback_month"]
    items.append(
        (
            "Payback month",
            f"{payback:%Y-%m}" if payback else "not yet",
            _payback_interval(values),
        )
    )
    cards = "".join(
        f'<div class="kpi"><div class="kpi-value">{v}</div>'
        + (f'<div class="kpi-ci">{html.escape(c)}</div>' if c else "")
        + f'<div class="kpi-label">{k}</div></div>'
        for k, v, c in items
    )
    period = f"{values['period_start']:%Y-%m-%d} to {values['period_end']:%Y-%m-%d}"
    note = (
        f'<p class="sub" id="headline-scope">{scope_label("the whole organisation", period)} The '
        "whole programme, every month of the data (the terminal scorecard of `make demo` shows "
        "the latest complete quarter per cohort instead). 90% CI: the bootstrap interval of "
        "marts.fct_headline_intervals: teams are resampled, then tasks within teams, and the "
        "hours saved re-estimated each time; AI cost is exact, so the net gain and ROI intervals "
        "follow from the value's. Source: marts.fct_headline_intervals (org, total).</p>"
    )
    return f'<div class="kpis" id="headline">{cards}</div>{note}'
