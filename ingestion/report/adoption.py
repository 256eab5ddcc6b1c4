"""Layer 1 of the report, individual output: adoption and acceptance per AI tool, never pooled."""

from __future__ import annotations

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ingestion.report.charts import (
    TOOL_COLOURS,
    Chart,
    baseline_text,
    epoch_ms,
    finish_time_series,
)
from ingestion.report.scope import query, scope_label
from ingestion.report.tables import html_table


def tool_acceptance_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame) -> Chart:
    frame = query(
        con,
        """
        select ai_tool, period_start as week_start, acceptance_rate, active_users,
            reporting_change, acceptance_definition
        from marts.fct_ai_usage_by_tool
        where scope_type = 'org' and period_type = 'week'
        order by ai_tool, week_start
        """,
    )
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "Acceptance rate, each tool its own definition (share, 0-1)",
            "Active users (people)",
        ),
    )
    changes: list[str] = []
    for index, (tool, rows) in enumerate(frame.groupby("ai_tool", sort=True)):
        colour = TOOL_COLOURS[index % len(TOOL_COLOURS)]
        for col, column in ((1, "acceptance_rate"), (2, "active_users")):
            fig.add_trace(
                go.Scatter(
                    x=rows["week_start"],
                    y=rows[column],
                    name=str(tool),
                    legendgroup=str(tool),
                    showlegend=col == 1,
                    mode="lines+markers",
                    marker={"size": 4},
                    line={"color": colour},
                ),
                row=1,
                col=col,
            )
        for mark in rows[rows["reporting_change"].notna()].itertuples():
            week = pd.Timestamp(mark.week_start)
            for word, at in (("starts", week), ("stops", week + pd.Timedelta(days=7))):
                if word not in mark.reporting_change:
                    continue
                changes.append(f"{tool} {word} {at:%Y-%m-%d}")
                fig.add_vline(
                    x=epoch_ms(at),
                    line={"dash": "dash", "color": colour, "width": 2},
                    row="all",
                    col="all",
                )
                fig.add_annotation(
                    x=at,
                    y=1.0,
                    yref="paper",
                    text=f"{tool} {word}",
                    showarrow=False,
                    textangle=-90,
                    xanchor="right",
                    yanchor="top",
                    font={"color": colour, "size": 11},
                )
    period = finish_time_series(
        fig,
        frame,
        "week_start",
        "ISO week",
        "AI suggestion acceptance by tool, organisation, per ISO week",
        windows,
        yaxes={"rangemode": "tozero"},
    )
    definitions = "; ".join(
        f"{tool}: {definition}"
        for tool, definition in frame.groupby("ai_tool", sort=True)["acceptance_definition"]
        .first()
        .items()
    )
    caption = (
        f"{scope_label('organisation, every person-level telemetry row', period)} Each tool's "
        "acceptance rate counts a different thing, so the tools are never pooled into one rate "
        f"({definitions or 'no telemetry yet'}). Dashed lines: a tool's source starts or stops "
        f"reporting ({', '.join(changes) or 'none'}): a change of coverage, not of behaviour. "
        f"Weeks with fewer than the minimum group size of people are suppressed. "
        f"{baseline_text(windows)} Source: marts.fct_ai_usage_by_tool."
    )
    return Chart("chart-adoption", fig, caption)


def tool_table(con: duckdb.DuckDBPyConnection) -> str:
    """Outcomes per tool over each tool's whole history, organisation-wide."""
    frame = query(
        con,
        """
        select ai_tool, first_reported_week, last_reported_week + 6 as last_day,
            acceptance_definition, is_suppressed, people_reporting, active_users, suggestions_shown,
            suggestions_accepted, acceptance_rate, lines_accepted,
            telemetry_modelled_hours_saved, cast(usage_cost_usd as double) as usage_cost_usd
        from marts.fct_ai_usage_by_tool
        where scope_type = 'org' and period_type = 'total'
        order by ai_tool
        """,
    )
    rows = [list(row) for row in frame.astype(object).itertuples(index=False)]
    return html_table(
        "table-tools",
        [
            "AI tool",
            "reporting from",
            "reporting to",
            "accepted / shown counts",
            "suppressed (too few people)",
            "people",
            "active users",
            "suggestions shown",
            "accepted",
            "acceptance rate (this tool only)",
            "lines accepted",
            "hours saved (telemetry-modelled)",
            "usage cost reported (USD)",
        ],
        rows,
        caption=(
            f"{scope_label('organisation', 'each tool over its whole history (reporting from / to)')} "
            "Acceptance rates are per tool and not comparable across tools (what each counts is "
            "in the fourth column). Hours saved are attributable to a tool only by the "
            "telemetry-modelled method (lines accepted x minutes per line); measured hours are "
            "per task and not split by tool. Source: marts.fct_ai_usage_by_tool (org, total)."
        ),
    )
