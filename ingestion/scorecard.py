"""Print the headline numbers from the marts. No number is computed here: every figure is
read from `marts.rpt_ai_roi_scorecard` (and AI acceptance, per tool and never pooled, from
`marts.fct_ai_usage_by_tool`) as dbt built it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common import intervals
from ingestion.common.config import warehouse_path

Printer = Callable[[str], None]

#: (column in rpt_ai_roi_scorecard, label, format); the money figures and hours saved carry
#: a 90% interval in the columns `<column>_lower_90` / `<column>_upper_90`
HEADLINES: list[tuple[str, str, str]] = [
    ("net_productivity_gain_usd", "Net productivity gain (USD)", "{:,.0f}"),
    ("ai_total_cost_usd", "AI total cost (USD)", "{:,.0f}"),
    ("value_of_hours_saved_usd", "Value of hours saved (USD)", "{:,.0f}"),
    ("hours_saved", "Hours saved", "{:,.0f}"),
    ("roi", "ROI (net gain / AI cost)", "{:.2f}"),
    ("lead_time_median_hours", "Lead time for changes, median (h)", "{:.1f}"),
    ("deploy_days_per_week", "Deployment frequency (deploy days/week)", "{:.2f}"),
    ("change_failure_rate", "Change failure rate", "{:.1%}"),
]

#: headline columns shown with their 90% interval (AI cost is exact: none)
WITH_INTERVAL = {
    "net_productivity_gain_usd",
    "value_of_hours_saved_usd",
    "hours_saved",
    "roi",
    # the waterfall's (fct_net_gain_waterfall)
    "quality_regression_cost_usd",
    "quality_adjusted_net_gain_usd",
    "realised_net_gain_usd",
}


def _fmt(value: Any, pattern: str) -> str:
    if value is None:
        return "n/a"
    try:
        return pattern.format(value)
    except (TypeError, ValueError):
        return str(value)


#: figures that do not exist for a cohort without AI (control): printed "n/a", never 0
NOT_FOR_CONTROL = {"net_productivity_gain_usd", "value_of_hours_saved_usd", "hours_saved", "roi"}


def format_with_interval(row: dict[str, Any], column: str, pattern: str) -> str:
    """`304,649 (90% CI 226,777 to 415,253)`: the figure and its 90% interval by the one rule
    of ingestion.common.intervals (shared with the HTML report); "n/a" for a figure a control
    scope cannot have."""
    if column in NOT_FOR_CONTROL and row.get("cohort") == "control":
        return "n/a (control)"
    text = _fmt(row.get(column), pattern)
    if column not in WITH_INTERVAL or row.get(column) is None:
        return text
    return intervals.with_interval(
        text,
        row.get(f"{column}_lower_90"),
        row.get(f"{column}_upper_90"),
        lambda bound: _fmt(bound, pattern),
    )


def quarter_end(quarter_start: date) -> date:
    """The last day of the calendar quarter starting on `quarter_start`."""
    month = quarter_start.month + 3
    year = quarter_start.year + (month > 12)
    return date(year, (month - 1) % 12 + 1, 1) - timedelta(days=1)


def read_scorecard(db_path: Path | None = None) -> list[dict[str, Any]]:
    """The cohort rows of the latest full quarter of the scorecard mart."""
    con = duckdb.connect(str(db_path or warehouse_path()), read_only=True)
    try:
        cursor = con.execute(
            """
            select *
            from marts.rpt_ai_roi_scorecard
            where scope_type = 'cohort'
              and quarter_start = (
                  select max(quarter_start) from marts.rpt_ai_roi_scorecard where is_complete_quarter
              )
            order by scope_name
            """
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def read_tool_acceptance(db_path: Path | None, quarter: date) -> list[dict[str, Any]]:
    """Each AI tool's acceptance per cohort in the quarter (fct_ai_usage_by_tool)."""
    con = duckdb.connect(str(db_path or warehouse_path()), read_only=True)
    try:
        cursor = con.execute(
            """
            select ai_tool, scope_name, acceptance_rate, is_suppressed, acceptance_definition
            from marts.fct_ai_usage_by_tool
            where scope_type = 'cohort' and period_type = 'quarter' and period_start = ?
            order by ai_tool, scope_name
            """,
            [quarter],
        )
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def tool_acceptance_cells(tools: list[dict[str, Any]], cohorts: list[str]) -> dict[str, list[str]]:
    """tool -> one cell per cohort: the rate, "suppressed", or "n/a" (no telemetry)."""
    cells: dict[str, list[str]] = {}
    for tool in sorted({t["ai_tool"] for t in tools}):
        by_cohort = {t["scope_name"]: t for t in tools if t["ai_tool"] == tool}
        row = []
        for cohort in cohorts:
            found = by_cohort.get(cohort)
            if found is None:
                row.append("n/a")
            elif found["is_suppressed"]:
                row.append("suppressed")
            else:
                row.append(_fmt(found["acceptance_rate"], "{:.1%}"))
        cells[tool] = row
    return cells


def read_waterfall(db_path: Path | None, quarter: Any) -> list[dict[str, Any]]:
    """The cohort rows of `marts.fct_net_gain_waterfall` for the quarter; [] when the mart is
    not there (a warehouse built before it)."""
    con = duckdb.connect(str(db_path or warehouse_path()), read_only=True)
    try:
        try:
            cursor = con.execute(
                """
                select *
                from marts.fct_net_gain_waterfall
                where scope_type = 'cohort' and period_type = 'quarter' and period_start = ?
                order by scope_name
                """,
                [quarter],
            )
        except duckdb.CatalogException:
            return []
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def waterfall_line(row: dict[str, Any]) -> str:
    """`treatment: net gain 150,000 (90% CI 110,000 to 190,000) - quality cost 3,000 (90% CI
    900 to 9,000) = 147,000 (90% CI 105,000 to 188,000); realised after leakage 120,000` (or
    why nothing realised is shown). A figure without an interval (or a certain one) is shown
    alone."""
    if row["scope_name"] == "control":
        return "control: n/a (no AI tools, nothing to adjust)"
    money = "{:,.0f}"
    text = (
        f"{row['scope_name']}: net gain {format_with_interval(row, 'net_productivity_gain_usd', money)}"
        f" - quality cost {format_with_interval(row, 'quality_regression_cost_usd', money)}"
        f" = {format_with_interval(row, 'quality_adjusted_net_gain_usd', money)}"
    )
    if row.get("realised_net_gain_usd") is None:
        return f"{text}; realised after leakage: {row['leakage_status']}"
    return f"{text}; realised after leakage {format_with_interval(row, 'realised_net_gain_usd', money)}"


def print_scorecard(db_path: Path | None = None, printer: Printer = print) -> list[dict[str, Any]]:
    rows = read_scorecard(db_path)
    path = Path(db_path or warehouse_path())
    if not rows:
        printer("The scorecard mart is empty: no complete quarter of data yet.")
        return rows
    quarter = rows[0]["quarter_start"]
    cohorts = [r["scope_name"] for r in rows]
    width = 42
    cells = {
        column: [format_with_interval(r, column, pattern) for r in rows]
        for column, _, pattern in HEADLINES
    }
    tools = read_tool_acceptance(db_path, quarter)
    tool_cells = tool_acceptance_cells(tools, cohorts)
    for tool, values in tool_cells.items():
        cells[f"acceptance_{tool}"] = values
    column_width = max(16, *(len(cell) + 2 for values in cells.values() for cell in values))
    printer("")
    end = quarter_end(quarter)
    printer("AI ROI scorecard (from marts.rpt_ai_roi_scorecard, the cohort rows)")
    printer(f"Scope: each cohort ({', '.join(cohorts)}).")
    printer(
        f"Period: the quarter {quarter} to {end}, the latest complete quarter "
        "(the HTML report's headline covers the whole programme, organisation-wide)."
    )
    printer("-" * (width + column_width * len(cohorts)))
    printer(" " * width + "".join(f"{c:>{column_width}}" for c in cohorts))
    for column, label, _ in HEADLINES:
        printer(f"{label:<{width}}" + "".join(f"{cell:>{column_width}}" for cell in cells[column]))
    for tool, values in tool_cells.items():
        label = f"AI acceptance rate, {tool}"
        printer(f"{label:<{width}}" + "".join(f"{cell:>{column_width}}" for cell in values))
    printer("-" * (width + column_width * len(cohorts)))
    definitions = {t["ai_tool"]: t["acceptance_definition"] for t in tools}
    if definitions:
        printer(
            "AI acceptance is per tool, never pooled (fct_ai_usage_by_tool): "
            + "; ".join(f"{tool}: {text}" for tool, text in sorted(definitions.items()))
            + "."
        )
    printer(
        "90% CI: bootstrap interval (fct_headline_intervals): teams resampled, then tasks "
        "within teams; AI cost is exact."
    )
    for row in read_waterfall(db_path, quarter):
        printer(f"Waterfall (marts.fct_net_gain_waterfall) {waterfall_line(row)}")
    printer(f"Warehouse: {path}")
    printer(f'Query it:  duckdb {path} -c "select * from marts.rpt_ai_roi_scorecard"')
    printer(
        f"      or:  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{path}', read_only=True).sql('from marts.rpt_ai_roi_scorecard'))\""
    )
    return rows
