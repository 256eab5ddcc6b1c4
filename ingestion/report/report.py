"""The visual report: one self-contained HTML file built from the marts only.

`write_report(db_path, out_path)` opens the warehouse read-only, reads `marts.*`, and writes
an HTML page with plotly.js embedded inline (the file works offline): the three layers of
the spec as sections (individual output, team throughput, business impact), then the
scorecard flags. Every chart is titled with its unit and captioned with the metric's
definition (as the marts' YAML descriptions state it).
"""

from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

COHORT_COLOURS = {"treatment": "#1f77b4", "control": "#ff7f0e", "unassigned": "#7f7f7f"}
TOOL_COLOURS = ["#6a3d9a", "#e31a1c", "#33a02c", "#b15928", "#1f78b4"]
COST_TYPES = [
    ("licence_cost_usd", "Licences"),
    ("usage_cost_usd", "Usage"),
    ("training_cost_usd", "Training"),
    ("maintenance_cost_usd", "Maintenance"),
    ("platform_cost_usd", "Platform"),
    ("other_cost_usd", "Other"),
]
FLAG_COLUMNS = [
    ("flag_low_trust", "low trust"),
    ("flag_idle_seats", "idle seats"),
    ("flag_quality_regression", "quality regression"),
    ("flag_leakage_over_half", "leakage over half"),
]


@dataclass(frozen=True)
class Chart:
    chart_id: str
    figure: go.Figure
    caption: str


def _query(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.sql(sql).df()


def _colour(cohort: str) -> str:
    return COHORT_COLOURS.get(cohort, "#2ca02c")


def _cohort_line(x: Any, y: Any, cohort: str, *, show_legend: bool, **style: Any) -> go.Scatter:
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


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def _empty_note(fig: go.Figure, frame: pd.DataFrame) -> None:
    if frame.empty:
        fig.add_annotation(
            text="No data in the marts yet",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )


# --- Scope, period and the baseline windows ---------------------------------------------------


def _label(scope: str, period: str) -> str:
    """The scope and period every chart and table states, in its title and caption."""
    return f"Scope: {scope}. Period: {period}."


def _range(dates: pd.Series, unit: str) -> str:
    """`2026-02-02 to 2026-10-26` (weeks by their Monday, months as 2026-02)."""
    dates = pd.to_datetime(dates.dropna())
    if dates.empty:
        return "no data yet"
    pattern = "%Y-%m" if unit == "calendar month" else "%Y-%m-%d"
    return f"{dates.min():{pattern}} to {dates.max():{pattern}}"


def _span(dates: pd.Series, unit: str) -> str:
    """`each ISO week, 2026-02-02 to 2026-10-26`: a time series' period."""
    return f"each {unit}, {_range(dates, unit)}"


def baseline_windows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each distinct Day-Zero baseline window of marts.dim_teams and the teams it belongs to."""
    return _query(
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
    return _query(
        con,
        """
        select team_name, rollout_date
        from marts.dim_teams
        where rollout_date is not null
        order by rollout_date, team_name
        """,
    )


def _ms(value: Any) -> float:
    return float(pd.Timestamp(value).timestamp() * 1000)


def _draw_baselines(fig: go.Figure, windows: pd.DataFrame) -> None:
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


def _draw_rollouts(fig: go.Figure, teams: pd.DataFrame) -> None:
    for team in teams.itertuples():
        fig.add_vline(
            x=_ms(team.rollout_date),
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


def _baseline_text(windows: pd.DataFrame) -> str:
    if windows.empty:
        return "No team has a baseline window yet."
    spans = "; ".join(
        f"{pd.Timestamp(w.baseline_start_date):%Y-%m-%d} to "
        f"{pd.Timestamp(w.baseline_end_date):%Y-%m-%d} ({w.teams})"
        for w in windows.itertuples()
    )
    return f"Grey bands: the Day-Zero baseline windows ({spans})."


def _rollout_text(teams: pd.DataFrame) -> str:
    if teams.empty:
        return ""
    dates = ", ".join(
        f"{t.team_name} {pd.Timestamp(t.rollout_date):%Y-%m-%d}" for t in teams.itertuples()
    )
    return f" Dotted lines: AI rollout dates ({dates})."


# --- Layer 1: individual output (adoption, per AI tool) -------------------------------------


def tool_acceptance_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame) -> Chart:
    frame = _query(
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
                    x=_ms(at),
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
    _draw_baselines(fig, windows)
    fig.update_yaxes(rangemode="tozero")
    _empty_note(fig, frame)
    period = _span(frame["week_start"], "ISO week")
    _layout(
        fig,
        "AI suggestion acceptance by tool, organisation, per ISO week "
        f"({_range(frame['week_start'], 'ISO week')})",
    )
    definitions = "; ".join(
        f"{tool}: {definition}"
        for tool, definition in frame.groupby("ai_tool", sort=True)["acceptance_definition"]
        .first()
        .items()
    )
    caption = (
        f"{_label('organisation, every person-level telemetry row', period)} Each tool's "
        "acceptance rate counts a different thing, so the tools are never pooled into one rate "
        f"({definitions or 'no telemetry yet'}). Dashed lines: a tool's source starts or stops "
        f"reporting ({', '.join(changes) or 'none'}): a change of coverage, not of behaviour. "
        f"Weeks with fewer than the minimum group size of people are suppressed. "
        f"{_baseline_text(windows)} Source: marts.fct_ai_usage_by_tool."
    )
    return Chart("chart-adoption", fig, caption)


def tool_table(con: duckdb.DuckDBPyConnection) -> str:
    """Outcomes per tool over each tool's whole history, organisation-wide."""
    frame = _query(
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
    return _table(
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
            f"{_label('organisation', 'each tool over its whole history (reporting from / to)')} "
            "Acceptance rates are per tool and not comparable across tools (what each counts is "
            "in the fourth column). Hours saved are attributable to a tool only by the "
            "telemetry-modelled method (lines accepted x minutes per line); measured hours are "
            "per task and not split by tool. Source: marts.fct_ai_usage_by_tool (org, total)."
        ),
    )


# --- Layer 2: team throughput (delivery) ------------------------------------------------------


DORA_PANELS = [
    ("deploy_days_per_week", "Deployment frequency (deploy days per week)"),
    ("lead_time_median_hours", "Lead time for changes (median, hours)"),
    ("change_failure_rate", "Change failure rate (share, 0-1)"),
    ("time_to_restore_median_hours", "Time to restore service (median, hours)"),
]


def dora_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame, teams: pd.DataFrame) -> Chart:
    columns = ", ".join(column for column, _ in DORA_PANELS)
    by_team = _query(
        con,
        f"""
        select team_name, cohort, month_start, {columns}
        from marts.fct_delivery_team_monthly
        order by team_name, month_start
        """,
    )
    org = _query(
        con, f"select month_start, {columns} from marts.fct_delivery_org_monthly order by 1"
    )
    fig = make_subplots(
        rows=2, cols=2, subplot_titles=[title for _, title in DORA_PANELS], vertical_spacing=0.14
    )
    shown: set[str] = set()
    for index, (column, _title) in enumerate(DORA_PANELS):
        row, col = index // 2 + 1, index % 2 + 1
        for (team, cohort), rows in by_team.groupby(["team_name", "cohort"], sort=True):
            fig.add_trace(
                _cohort_line(
                    rows["month_start"],
                    rows[column],
                    str(cohort),
                    show_legend=str(cohort) not in shown,
                    mode="lines",
                    opacity=0.45,
                    hovertext=str(team),
                ),
                row=row,
                col=col,
            )
            shown.add(str(cohort))
        fig.add_trace(
            go.Scatter(
                x=org["month_start"],
                y=org[column],
                name="organisation",
                legendgroup="organisation",
                showlegend=index == 0,
                mode="lines+markers",
                line={"color": "#222222", "width": 3},
            ),
            row=row,
            col=col,
        )
    _draw_baselines(fig, windows)
    _draw_rollouts(fig, teams)
    fig.update_yaxes(rangemode="tozero")
    _empty_note(fig, org)
    period = _span(org["month_start"], "calendar month")
    _layout(
        fig,
        "DORA metrics per team and organisation, per month "
        f"({_range(org['month_start'], 'calendar month')})",
        height=640,
    )
    caption = (
        f"{_label('each team (thin lines, coloured by cohort) and the organisation (black)', period)} "
        "Deployment frequency = distinct days with a successful production deployment per "
        "week. Lead time for changes = median hours from a PR's first commit to the production "
        "deployment that shipped it. Change failure rate = failed production deployments "
        "(failure status or a linked incident, counted once) / production deployments. Time to "
        "restore = median hours from incident opened to resolved. The organisation's figures are "
        "recomputed over every team's events, not averaged over teams. "
        f"{_baseline_text(windows)}{_rollout_text(teams)} "
        "Source: marts.fct_delivery_team_monthly, marts.fct_delivery_org_monthly, marts.dim_teams."
    )
    return Chart("chart-dora", fig, caption)


def ai_share_chart(
    con: duckdb.DuckDBPyConnection, windows: pd.DataFrame, teams: pd.DataFrame
) -> Chart:
    frame = _query(
        con,
        """
        select week_start, ai_assisted_pr_share, merged_pull_requests
        from marts.fct_delivery_org_weekly
        order by week_start
        """,
    )
    fig = make_subplots(rows=1, cols=1)
    fig.add_trace(
        go.Scatter(
            x=frame["week_start"],
            y=frame["ai_assisted_pr_share"],
            name="AI-assisted share of merged PRs",
            mode="lines+markers",
            marker={"size": 4},
            line={"color": "#08519c"},
        ),
        row=1,
        col=1,
    )
    _draw_baselines(fig, windows)
    _draw_rollouts(fig, teams)
    fig.update_yaxes(rangemode="tozero", title_text="share, 0-1")
    _empty_note(fig, frame)
    period = _span(frame["week_start"], "ISO week")
    _layout(
        fig,
        "AI-assisted share of merged changes, organisation, per ISO week "
        f"({_range(frame['week_start'], 'ISO week')})",
    )
    caption = (
        f"{_label('organisation (PRs by their author team at creation; bots excluded)', period)} "
        "AI-assisted share = merged pull requests the attribution rules mark AI-assisted / "
        "merged pull requests, in the week they merged. "
        f"{_baseline_text(windows)}{_rollout_text(teams)} Source: marts.fct_delivery_org_weekly."
    )
    return Chart("chart-ai-share", fig, caption)


def did_chart(con: duckdb.DuckDBPyConnection) -> tuple[Chart, pd.DataFrame]:
    frame = _query(
        con,
        """
        select *
        from marts.fct_did_estimates
        where treatment_baseline_mean is not null or control_baseline_mean is not null
        order by metric_name
        """,
    )
    columns = 3
    rows_needed = max(1, math.ceil(len(frame) / columns))
    titles = [f"{row.metric_label}<br>({row.metric_unit})" for row in frame.itertuples()]
    fig = make_subplots(
        rows=rows_needed,
        cols=columns,
        subplot_titles=titles or ["no estimates"],
        vertical_spacing=0.16 if rows_needed > 1 else 0.2,
    )
    for index, row in enumerate(frame.itertuples()):
        r, c = index // columns + 1, index % columns + 1
        for group in ("treatment", "control"):
            means, errors = [], []
            for phase in ("baseline", "impact"):
                mean = getattr(row, f"{group}_{phase}_mean")
                variance = getattr(row, f"{group}_{phase}_variance")
                count = getattr(row, f"{group}_{phase}_team_weeks")
                means.append(mean)
                ok = pd.notna(variance) and pd.notna(count) and count > 0
                errors.append(1.96 * math.sqrt(variance / count) if ok else None)
            fig.add_trace(
                _cohort_line(
                    ["baseline", "impact"],
                    means,
                    group,
                    show_legend=index == 0,
                    error_y={"type": "data", "array": errors, "visible": True},
                ),
                row=r,
                col=c,
            )
    _empty_note(fig, frame)
    _layout(
        fig,
        "AI vs control: team-week means before and after, with 95% intervals (units per panel)",
        height=300 * rows_needed + 120,
    )
    scope = "AI (treatment) teams vs control teams and teams not yet rolled out"
    period = "each team's baseline window vs its impact weeks (after rollout)"
    caption = (
        f"{_label(scope, period)} "
        "Points are team-week means of AI and control teams before (baseline) and after "
        "(impact) rollout; bars are 95% intervals of each mean over team-weeks, a description "
        "only. The estimate in the table below is a staggered difference-in-differences: each "
        "rollout cohort's change from its own pre-rollout weeks minus the change of control "
        "teams and teams not yet rolled out over the same weeks, averaged over the impact weeks "
        "(weights = treated team-weeks). Its p-value, 95% interval and smallest detectable "
        "effect come from randomisation inference at team level (the estimate recomputed for "
        "every assignment of the rollout weeks to the teams); significant = p < 0.05. "
        "Source: marts.fct_did_estimates (week by week: marts.fct_did_event_study)."
    )
    return Chart("chart-did", fig, caption), frame


# --- Layer 3: business impact ---------------------------------------------------------------


def net_gain_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame) -> Chart:
    frame = _query(
        con,
        """
        select
            month_start,
            cast(net_productivity_gain_usd as double) as net_productivity_gain_usd,
            cast(cumulative_net_productivity_gain_usd as double)
                as cumulative_net_productivity_gain_usd,
            payback_month
        from marts.fct_net_productivity_org_monthly
        order by month_start
        """,
    )
    fig = make_subplots(rows=1, cols=1)
    fig.add_trace(
        go.Bar(
            x=frame["month_start"],
            y=frame["net_productivity_gain_usd"],
            name="net productivity gain in the month",
            marker_color="#9ecae1",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month_start"],
            y=frame["cumulative_net_productivity_gain_usd"],
            mode="lines+markers",
            name="cumulative net productivity gain",
            line={"color": "#08519c", "width": 3},
        ),
        row=1,
        col=1,
    )
    payback = frame["payback_month"].dropna()
    if not payback.empty:
        month = pd.Timestamp(payback.iloc[0])
        fig.add_vline(x=_ms(month), line={"dash": "dash", "color": "#2ca02c"})
        fig.add_annotation(
            x=month,
            y=1,
            yref="paper",
            text=f"payback {month:%Y-%m}",
            showarrow=False,
            xanchor="left",
            font={"color": "#2ca02c"},
        )
    fig.add_hline(y=0, line={"color": "#444444", "width": 1})
    _draw_baselines(fig, windows)
    fig.update_yaxes(title_text="USD")
    _empty_note(fig, frame)
    period = _span(frame["month_start"], "calendar month")
    _layout(
        fig,
        "Net productivity gain, organisation, per month and cumulative, USD "
        f"({_range(frame['month_start'], 'calendar month')})",
    )
    caption = (
        f"{_label('organisation', period)} Net productivity gain = value of hours saved - AI "
        "total cost, per month, summed over teams; value of hours saved = hours saved x the "
        "team's loaded hourly cost that day. Payback month = the first month with cumulative "
        f"cost > 0 and cumulative net gain >= 0. {_baseline_text(windows)} "
        "Source: marts.fct_net_productivity_org_monthly."
    )
    return Chart("chart-net-gain", fig, caption)


def tco_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame) -> Chart:
    sums = ",\n".join(f"cast(sum({column}) as double) as {column}" for column, _ in COST_TYPES)
    frame = _query(
        con,
        f"""
        select month_start, {sums}
        from marts.fct_ai_tco_team_monthly
        group by month_start
        order by month_start
        """,
    )
    fig = make_subplots(rows=1, cols=1)
    for column, label in COST_TYPES:
        fig.add_trace(go.Bar(x=frame["month_start"], y=frame[column], name=label), row=1, col=1)
    fig.update_layout(barmode="stack")
    _draw_baselines(fig, windows)
    fig.update_yaxes(title_text="USD")
    _empty_note(fig, frame)
    period = _span(frame["month_start"], "calendar month")
    _layout(
        fig,
        "AI total cost of ownership by cost type, organisation, per month, USD "
        f"({_range(frame['month_start'], 'calendar month')})",
    )
    caption = (
        f"{_label('organisation, every team allocation stacked by cost type', period)} AI total cost = "
        "licences (seat invoices, allocated by assigned seats) + usage (API/token invoices, by "
        "usage, else seats) + training (hours x loaded rate + vendor fees) + maintenance + "
        "platform (allocated by headcount) + other. Every invoice line is allocated to teams and "
        f"the allocations sum back to the invoice to the cent. {_baseline_text(windows)} "
        "Source: marts.fct_ai_tco_team_monthly."
    )
    return Chart("chart-tco", fig, caption)


# --- Tables and page ------------------------------------------------------------------------


def waterfall_section(con: duckdb.DuckDBPyConnection) -> tuple[Chart, str]:
    """The net gain waterfall of the organisation's whole history (marts.fct_net_gain_waterfall,
    org 'all', total) as a chart, and the same steps per team in a table."""
    try:
        frame = _query(
            con,
            """
            select
                scope_type,
                scope_name,
                cast(value_of_hours_saved_usd as double) as value_of_hours_saved_usd,
                cast(ai_total_cost_usd as double) as ai_total_cost_usd,
                cast(net_productivity_gain_usd as double) as net_productivity_gain_usd,
                cast(failure_cost_usd as double) as failure_cost_usd,
                cast(rework_cost_usd as double) as rework_cost_usd,
                cast(quality_adjusted_net_gain_usd as double) as quality_adjusted_net_gain_usd,
                extra_failed_deployments,
                leakage_status,
                reinvestment_rate,
                reinvestment_rate_lower_90,
                reinvestment_rate_upper_90,
                cast(leakage_value_usd as double) as leakage_value_usd,
                cast(realised_net_gain_usd as double) as realised_net_gain_usd,
                period_start,
                period_end
            from marts.fct_net_gain_waterfall
            where period_type = 'total' and scope_type in ('org', 'team')
            order by scope_type, scope_name
            """,
        )
    except duckdb.Error:
        frame = pd.DataFrame()
    fig = go.Figure()
    org = frame[frame["scope_type"] == "org"] if not frame.empty else frame
    if not org.empty:
        row = org.iloc[0]
        steps = [
            ("Value of hours saved", row["value_of_hours_saved_usd"], "relative"),
            ("AI total cost", -row["ai_total_cost_usd"], "relative"),
            ("Net productivity gain", row["net_productivity_gain_usd"], "total"),
            (
                "Quality regression cost",
                -(row["failure_cost_usd"] + row["rework_cost_usd"]),
                "relative",
            ),
            ("Quality-adjusted net gain", row["quality_adjusted_net_gain_usd"], "total"),
        ]
        if not pd.isna(row["realised_net_gain_usd"]):
            steps += [
                ("Leakage", -row["leakage_value_usd"], "relative"),
                ("Realised net gain", row["realised_net_gain_usd"], "total"),
            ]
        fig.add_trace(
            go.Waterfall(
                x=[name for name, _, _ in steps],
                y=[0 if kind == "total" else value for _, value, kind in steps],
                measure=[kind for _, _, kind in steps],
                text=[f"{value:,.0f}" for _, value, _ in steps],
                textposition="outside",
                name="organisation",
            )
        )
    _empty_note(fig, org)
    fig.update_yaxes(title_text="USD")
    _layout(fig, "Net gain waterfall, organisation, whole programme, USD")
    period = (
        f"the whole programme, {org.iloc[0]['period_start']:%Y-%m-%d} to "
        f"{org.iloc[0]['period_end']:%Y-%m-%d}"
        if not org.empty
        else "the whole programme"
    )
    leakage_note = (
        f"Leakage: {org.iloc[0]['leakage_status']}, so the realised part is not shown."
        if not org.empty and pd.isna(org.iloc[0]["realised_net_gain_usd"])
        else "Leakage is netted: every team with hours saved has a reliable measure."
    )
    caption = (
        "Value of hours saved - AI total cost = net productivity gain; - the control-adjusted "
        "cost of a quality regression (failed deployments beyond the team's Day-Zero change "
        "failure rate plus the control teams' change, x restore effort hours x loaded rate; the "
        "same for rework deployments; an improvement counts 0) = quality-adjusted net gain; - "
        "leakage (saved hours that did not become finished work, netted only where it is "
        f"measured reliably) = realised net gain. {leakage_note} "
        + _label("the whole organisation", period)
        + " Source: marts.fct_net_gain_waterfall."
    )
    teams = frame[frame["scope_type"] == "team"] if not frame.empty else frame
    table = _table(
        "waterfall-table",
        [
            "team",
            "net gain (USD)",
            "extra failed deployments",
            "quality cost (USD)",
            "quality-adjusted net gain (USD)",
            "reinvestment rate",
            "90% CI lower",
            "90% CI upper",
            "leakage",
            "realised net gain (USD)",
        ],
        [
            [
                r.scope_name,
                r.net_productivity_gain_usd,
                r.extra_failed_deployments,
                r.failure_cost_usd + r.rework_cost_usd,
                r.quality_adjusted_net_gain_usd,
                r.reinvestment_rate,
                r.reinvestment_rate_lower_90,
                r.reinvestment_rate_upper_90,
                r.leakage_status,
                r.realised_net_gain_usd,
            ]
            for r in teams.itertuples()
        ],
        "The waterfall's steps per team; the reinvestment rate (share of the hours saved that "
        "became finished work) with its 90% interval, netted only where leakage is 'measured'. "
        + _label("each team", period)
        + " Source: marts.fct_net_gain_waterfall.",
    )
    return Chart("chart-waterfall", fig, caption), table


def _cell(value: object, digits: int = 2) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return "&ndash;"
    if isinstance(value, float) and math.isnan(value):
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


def _table(table_id: str, headers: list[str], rows: list[list[object]], caption: str = "") -> str:
    """A table; `caption` (escaped) states its scope, period and source."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="wide"><table id="{table_id}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def did_table(frame: pd.DataFrame) -> str:
    rows = [
        [
            row.metric_label,
            row.metric_unit,
            row.did_estimate,
            row.ci_lower_95,
            row.ci_upper_95,
            f"{row.p_value:.3f}" if pd.notna(row.p_value) else None,
            row.is_significant if pd.notna(row.is_significant) else None,
            row.minimum_detectable_effect,
            row.treated_teams,
            row.control_teams,
            row.interpretation,
        ]
        for row in frame.itertuples()
    ]
    return _table(
        "table-did",
        [
            "metric",
            "unit",
            "DiD estimate",
            "95% low",
            "95% high",
            "p (randomisation)",
            "significant",
            "detectable effect",
            "AI teams",
            "control teams",
            "reading",
        ],
        rows,
    )


def flags_table(con: duckdb.DuckDBPyConnection) -> str:
    frame = _query(
        con,
        """
        select *
        from marts.rpt_ai_roi_scorecard
        where flag_low_trust or flag_idle_seats or flag_quality_regression
            or flag_leakage_over_half
        order by quarter_start, scope_type, scope_name
        """,
    )
    rows = [
        [
            row["scope_type"],
            row["scope_name"],
            pd.Timestamp(row["quarter_start"]),
            ", ".join(label for column, label in FLAG_COLUMNS if row[column] is True),
            row["seat_utilisation"],
            row["ai_trust_score_mean"],
            row["change_failure_rate_delta"],
            row["leakage_share_of_hours_saved"],
        ]
        for _, row in frame.astype(object).iterrows()
    ]
    if not rows:
        return '<p id="table-flags">No scope raised a flag in any quarter.</p>'
    return _table(
        "table-flags",
        [
            "scope",
            "name",
            "quarter",
            "flags",
            "seat utilisation",
            "AI trust (1-5)",
            "CFR change vs baseline",
            "leakage share",
        ],
        rows,
    )


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


def _interval(lower: object, upper: object, digits: int) -> str:
    if lower is None or upper is None:
        return ""
    return f"90% CI {_cell(lower, digits)} to {_cell(upper, digits)}"


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
            _cell(values[column], digits),
            "exact"
            if column == "ai_total_cost_usd"
            else _interval(values[f"{column}_lower_90"], values[f"{column}_upper_90"], digits),
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
        f'<p class="sub" id="headline-scope">{_label("the whole organisation", period)} The '
        "whole programme, every month of the data (the terminal scorecard of `make demo` shows "
        "the latest complete quarter per cohort instead). 90% CI: the bootstrap interval of "
        "marts.fct_headline_intervals: teams are resampled, then tasks within teams, and the "
        "hours saved re-estimated each time; AI cost is exact, so the net gain and ROI intervals "
        "follow from the value's. Source: marts.fct_headline_intervals (org, total).</p>"
    )
    return f'<div class="kpis" id="headline">{cards}</div>{note}'


# --- The team lead's view --------------------------------------------------------------------


def latest_complete_quarter(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute(
        "select max(quarter_start) from marts.rpt_ai_roi_scorecard where is_complete_quarter"
    ).fetchone()
    return row[0] if row else None


def _quarter_label(quarter: date) -> str:
    end = (pd.Timestamp(quarter) + pd.offsets.QuarterEnd(0)).date()
    return f"the quarter {quarter:%Y-%m-%d} to {end:%Y-%m-%d} (the latest complete quarter)"


def _with_tier(value: object, tier: object, digits: int) -> str:
    text = _cell(value, digits)
    return text if tier is None or pd.isna(tier) else f"{text} ({tier})"


def _with_ci(value: object, lower: object, upper: object, digits: int) -> str:
    text = _cell(value, digits)
    interval = _interval(lower, upper, digits) if value is not None else ""
    return f"{text} ({interval})" if interval else text


def tool_acceptance_by_scope(
    con: duckdb.DuckDBPyConnection, quarter: date
) -> dict[tuple[str, str], str]:
    """(scope_type, scope_name) -> `claude_code 0.75; github_copilot 0.32` for the quarter
    (fct_ai_usage_by_tool; each tool its own rate, `suppressed` below the group size)."""
    frame = _query(
        con,
        f"""
        select scope_type, scope_name, ai_tool, acceptance_rate, is_suppressed
        from marts.fct_ai_usage_by_tool
        where period_type = 'quarter' and period_start = '{quarter:%Y-%m-%d}'
            and scope_type in ('team', 'cohort')
        order by scope_type, scope_name, ai_tool
        """,
    )
    texts: dict[tuple[str, str], list[str]] = {}
    for r in frame.itertuples(index=False):
        rate = "suppressed" if r.is_suppressed else _cell(r.acceptance_rate, 2)
        texts.setdefault((r.scope_type, r.scope_name), []).append(f"{r.ai_tool} {rate}")
    return {key: "; ".join(parts) for key, parts in texts.items()}


def team_table(con: duckdb.DuckDBPyConnection, quarter: date) -> str:
    """Per team: DORA figures and tiers, adoption, hours saved and net gain with intervals."""
    tiers = ", ".join(
        f"max(case when metric_name = '{metric}' then tier end) as {metric}_tier"
        for metric in ("deployment_frequency", "lead_time_for_changes", "change_failure_rate")
    )
    frame = _query(
        con,
        f"""
        with tiers as (
            select scope_type, scope_name, quarter_start, {tiers}
            from marts.fct_dora_tiers_quarterly
            group by scope_type, scope_name, quarter_start
        )
        select
            s.scope_type, s.scope_name, s.cohort, s.deploy_days_per_week,
            t.deployment_frequency_tier, s.lead_time_median_hours, t.lead_time_for_changes_tier,
            s.change_failure_rate, t.change_failure_rate_tier, s.seat_utilisation,
            s.adoption_stage, s.ai_assisted_pr_share,
            h.hours_saved, h.hours_saved_lower_90, h.hours_saved_upper_90,
            cast(h.net_productivity_gain_usd as double) as net_productivity_gain_usd,
            cast(h.net_productivity_gain_usd_lower_90 as double) as net_gain_lower_90,
            cast(h.net_productivity_gain_usd_upper_90 as double) as net_gain_upper_90
        from marts.rpt_ai_roi_scorecard as s
        left join tiers as t
            on s.scope_type = t.scope_type and s.scope_name = t.scope_name
            and s.quarter_start = t.quarter_start
        left join marts.fct_headline_intervals as h
            on s.scope_type = h.scope_type and s.scope_name = h.scope_name
            and h.period_type = 'quarter' and h.period_start = s.quarter_start
        where s.quarter_start = ? and s.scope_type in ('team', 'cohort')
        order by s.scope_type desc, s.cohort, s.scope_name
        """.replace("?", f"'{quarter:%Y-%m-%d}'"),
    )
    acceptance = tool_acceptance_by_scope(con, quarter)
    rows = []
    for r in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        control = r.cohort == "control"
        rows.append(
            [
                r.scope_name if r.scope_type == "team" else f"{r.scope_name} cohort",
                r.cohort,
                _with_tier(r.deploy_days_per_week, r.deployment_frequency_tier, 2),
                _with_tier(r.lead_time_median_hours, r.lead_time_for_changes_tier, 1),
                _with_tier(r.change_failure_rate, r.change_failure_rate_tier, 3),
                r.seat_utilisation,
                r.adoption_stage,
                r.ai_assisted_pr_share,
                acceptance.get((r.scope_type, r.scope_name), "no AI telemetry"),
                "n/a (control)"
                if control
                else _with_ci(r.hours_saved, r.hours_saved_lower_90, r.hours_saved_upper_90, 0),
                "n/a (control)"
                if control
                else _with_ci(
                    r.net_productivity_gain_usd, r.net_gain_lower_90, r.net_gain_upper_90, 0
                ),
            ]
        )
    return _table(
        "table-teams",
        [
            "team / cohort",
            "cohort",
            "deploy days per week (DORA tier)",
            "lead time, median h (tier)",
            "change failure rate (tier)",
            "seat utilisation",
            "adoption stage",
            "AI-assisted share of merged PRs",
            "acceptance rate per AI tool",
            "hours saved (90% CI)",
            "net productivity gain, USD (90% CI)",
        ],
        rows,
        caption=(
            f"{_label('each team, then each cohort', _quarter_label(quarter))} DORA tiers: the "
            "seed dora_performance_tiers (var dora_report_year). Acceptance: each tool's own rate "
            "(never pooled; fct_ai_usage_by_tool). Control teams use no AI: hours "
            "saved and net gain are not defined for them (n/a). A dash: suppressed (group below "
            "the minimum size) or no data. Source: marts.rpt_ai_roi_scorecard, "
            "marts.fct_dora_tiers_quarterly, marts.fct_headline_intervals, "
            "marts.fct_ai_usage_by_tool (quarter rows)."
        ),
    )


CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;
padding:24px;color:#222}
h1{margin-bottom:4px} .sub{color:#666;margin-top:0}
section{margin-top:36px;border-top:2px solid #eee;padding-top:8px}
figure{margin:18px 0} figcaption{color:#555;font-size:13px;max-width:1000px}
table{border-collapse:collapse;font-size:13px;margin:12px 0} th,td{border:1px solid #ddd;
padding:4px 8px;text-align:left} th{background:#f5f5f5}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:150px}
.kpi-value{font-size:22px;font-weight:600} .kpi-label{color:#666;font-size:12px}
.kpi-ci{color:#444;font-size:12px}
caption{caption-side:top;text-align:left;color:#555;font-size:13px;padding:4px 0}
.wide{overflow-x:auto}
"""


def _figure_html(chart: Chart) -> str:
    div = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.chart_id,
        config={"displaylogo": False, "responsive": True},
    )
    return (
        f'<figure class="chart">{div}<figcaption>{html.escape(chart.caption)}</figcaption></figure>'
    )


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The report's HTML for an open connection to the warehouse."""
    windows, teams = baseline_windows(con), rollouts(con)
    adoption = tool_acceptance_chart(con, windows)
    dora = dora_chart(con, windows, teams)
    ai_share = ai_share_chart(con, windows, teams)
    did, did_frame = did_chart(con)
    net_gain = net_gain_chart(con, windows)
    tco = tco_chart(con, windows)
    quarter = latest_complete_quarter(con)
    team_view = (
        team_table(con, quarter)
        if quarter
        else '<p id="table-teams">No complete quarter of data yet.</p>'
    )
    waterfall, waterfall_table = waterfall_section(con)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AI ROI report</title>
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>Does AI pay for itself?</h1>
<p class="sub">Built from the warehouse marts only, {generated}. Team-level figures;
groups below the minimum size are suppressed. Every chart and table states its scope and
period.</p>
{headline(con)}
<section id="individual-output">
<h2>1. Individual output: adoption and acceptance, per AI tool</h2>
{_figure_html(adoption)}
<h3>Outcomes per AI tool</h3>
{tool_table(con)}
</section>
<section id="team-throughput">
<h2>2. Team throughput: delivery speed and quality</h2>
{_figure_html(dora)}
{_figure_html(ai_share)}
<h3>AI-enabled vs control teams</h3>
{_figure_html(did)}
{did_table(did_frame)}
</section>
<section id="team-view">
<h2>Per team: what a team lead opens</h2>
{team_view}
</section>
<section id="business-impact">
<h2>3. Business impact: cost and net productivity gain</h2>
{_figure_html(net_gain)}
{_figure_html(tco)}
<h3 id="net-gain-waterfall">Net gain waterfall: quality and leakage</h3>
{_figure_html(waterfall)}
{waterfall_table}
</section>
<section id="flags">
<h2>Scorecard flags</h2>
<p>Scopes and quarters that raised a flag in marts.rpt_ai_roi_scorecard: low trust, idle
seats, a quality regression vs baseline (and vs control), or measured leakage of over half
the hours saved. Scope: the team, cohort or organisation named in each row. Period: the calendar quarter
of each row.</p>
{flags_table(con)}
</section>
</body>
</html>
"""


def write_report(db_path: Path | str, out_path: Path | str) -> Path:
    """Write the HTML report for the warehouse at `db_path` to `out_path`; return the path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        page = render_report(con)
    finally:
        con.close()
    out.write_text(page, encoding="utf-8")
    return out
