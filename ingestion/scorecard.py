"""Print the headline numbers from the marts. No number is computed here: every figure is
read from `marts.rpt_ai_roi_scorecard` as dbt built it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.config import warehouse_path

Printer = Callable[[str], None]

#: (column in rpt_ai_roi_scorecard, label, format)
HEADLINES: list[tuple[str, str, str]] = [
    ("net_productivity_gain_usd", "Net productivity gain (USD)", "{:,.0f}"),
    ("ai_total_cost_usd", "AI total cost (USD)", "{:,.0f}"),
    ("value_of_hours_saved_usd", "Value of hours saved (USD)", "{:,.0f}"),
    ("roi", "ROI (net gain / AI cost)", "{:.2f}"),
    ("lead_time_median_hours", "Lead time for changes, median (h)", "{:.1f}"),
    ("deploy_days_per_week", "Deployment frequency (deploy days/week)", "{:.2f}"),
    ("change_failure_rate", "Change failure rate", "{:.1%}"),
    ("acceptance_rate", "AI suggestion acceptance rate", "{:.1%}"),
]


def _fmt(value: Any, pattern: str) -> str:
    if value is None:
        return "n/a"
    try:
        return pattern.format(value)
    except (TypeError, ValueError):
        return str(value)


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


def print_scorecard(db_path: Path | None = None, printer: Printer = print) -> list[dict[str, Any]]:
    rows = read_scorecard(db_path)
    path = Path(db_path or warehouse_path())
    if not rows:
        printer("The scorecard mart is empty: no complete quarter of data yet.")
        return rows
    quarter = rows[0]["quarter_start"]
    cohorts = [r["scope_name"] for r in rows]
    width = 42
    printer("")
    printer(f"AI ROI scorecard, quarter starting {quarter} (from marts.rpt_ai_roi_scorecard)")
    printer("-" * (width + 16 * len(cohorts)))
    printer(" " * width + "".join(f"{c:>16}" for c in cohorts))
    for column, label, pattern in HEADLINES:
        printer(f"{label:<{width}}" + "".join(f"{_fmt(r.get(column), pattern):>16}" for r in rows))
    printer("-" * (width + 16 * len(cohorts)))
    printer(f"Warehouse: {path}")
    printer(f'Query it:  duckdb {path} -c "select * from marts.rpt_ai_roi_scorecard"')
    printer(
        f"      or:  .venv/bin/python -c \"import duckdb; print(duckdb.connect('{path}', read_only=True).sql('from marts.rpt_ai_roi_scorecard'))\""
    )
    return rows
