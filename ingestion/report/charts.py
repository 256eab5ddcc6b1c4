"""The report's charts: the Chart a section returns, the plotly layout and colours every chart
shares, and the Day-Zero baseline windows and AI rollout dates drawn on the time series."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

from ingestion.report.scope import date_range, query, span

COHORT_COLOURS = {"treatment": "#1f77b4", "control": "#ff7f0e", "unassigned": "#7f7f7f"}
TOOL_COLOURS = ["#6a3d9a", "#e31a1c", "#33a02c", "#b15928", "#1f78b4"]


@dataclass(frozen=True)
class Chart:
    chart_id: str
    figure: go.Figure
    caption: str


def _colour(cohort: str) -> str:
    return COHORT_COLOURS.get(cohort, "#2ca02c")


def cohort_line(x: Any, y: Any, cohort: str, *, show_legend: bool, **style: Any) -> go.Scatter:
    """One cohort's line, coloured and grouped in the legend by cohort (shown once per chart)."""
    return go.Scatter(
        x=x,
        y=y,
        name=cohort,
        legendgroup=cohort,
        showlegend=show_legend,
        line={"color": _colour(cohort)},
        **{"mode": "lines+markers", **style},
    )


def layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def empty_note(fig: go.Figure, frame: pd.DataFrame) -> None:
    if frame.empty:
        fig.add_annotation(
            text="No data in the marts yet",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )


def baseline_windows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each distinct Day-Zero baseline window of marts.dim_teams and the teams it belongs to."""
    return query(
        con,
        """
        select
            baseline_start_date,
            baseline_end_date,
            string_agg(team_name, ', ' order by team_name) as teams
        from marts.dim_teams
        where baseline_start_date is not null and baseline_end_date is not null
        group by baseline_start_date, baseline_end_date
        order by baseline_start_date, baseline_end_date
        """,
    )


def rollouts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(
        con,
        """
        select team_name, rollout_date
        from marts.dim_teams
        where rollout_date is not null
        order by rollout_date, team_name
        """,
    )


def epoch_ms(value: Any) -> float:
    return float(pd.Timestamp(value).timestamp() * 1000)


def draw_baselines(fig: go.Figure, windows: pd.DataFrame) -> None:
    """Grey bands on every panel: the baseline windows (a figure made by make_subplots)."""
    for window in windows.itertuples():
        fig.add_vrect(
            x0=window.baseline_start_date,
            x1=window.baseline_end_date,
            fillcolor="#bbbbbb",
            opacity=0.18,
            line_width=0,
            row="all",
            col="all",
        )
    if not windows.empty:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": "#bbbbbb"},
                name="Day-Zero baseline window",
            ),
            row=1,
            col=1,
        )


def draw_rollouts(fig: go.Figure, teams: pd.DataFrame) -> None:
    for team in teams.itertuples():
        fig.add_vline(
            x=epoch_ms(team.rollout_date),
            line={"dash": "dot", "color": "#1f77b4", "width": 1},
            row="all",
            col="all",
        )
    if not teams.empty:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name="AI rollout (a treatment team)",
                line={"dash": "dot", "color": "#1f77b4", "width": 1},
            ),
            row=1,
            col=1,
        )


def finish_time_series(
    fig: go.Figure,
    frame: pd.DataFrame,
    date_column: str,
    unit: str,
    title: str,
    windows: pd.DataFrame,
    *,
    teams: pd.DataFrame | None = None,
    yaxes: dict[str, Any] | None = None,
    height: int = 420,
) -> str:
    """A time series' last steps, in one order for every chart: the baseline bands (and the
    rollout lines when `teams` is given), the y axes, the note for no data and the layout,
    titled `title (first to last period)`. Returns the period for the caption (scope.span)."""
    draw_baselines(fig, windows)
    if teams is not None:
        draw_rollouts(fig, teams)
    if yaxes:
        fig.update_yaxes(**yaxes)
    empty_note(fig, frame)
    period = span(frame[date_column], unit)
    layout(fig, f"{title} ({date_range(frame[date_column], unit)})", height=height)
    return period


def baseline_text(windows: pd.DataFrame) -> str:
    if windows.empty:
        return "No team has a baseline window yet."
    spans = "; ".join(
        f"{pd.Timestamp(w.baseline_start_date):%Y-%m-%d} to "
        f"{pd.Timestamp(w.baseline_end_date):%Y-%m-%d} ({w.teams})"
        for w in windows.itertuples()
    )
    return f"Grey bands: the Day-Zero baseline windows ({spans})."


def rollout_text(teams: pd.DataFrame) -> str:
    if teams.empty:
        return ""
    dates = ", ".join(
        f"{t.team_name} {pd.Timestamp(t.rollout_date):%Y-%m-%d}" for t in teams.itertuples()
    )
    return f" Dotted lines: AI rollout dates ({dates})."
