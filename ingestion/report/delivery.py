"""Layer 2 of the report, team throughput: the DORA metrics, the AI-assisted share of merged
changes, and AI-enabled vs control teams (difference-in-differences)."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ingestion.report.charts import (
    Chart,
    baseline_text,
    cohort_line,
    empty_note,
    finish_time_series,
    layout,
    rollout_text,
)
from ingestion.report.scope import query, scope_label
from ingestion.report.tables import html_table

DORA_PANELS = [
    ("deploy_days_per_week", "Deployment frequency (deploy days per week)"),
    ("lead_time_median_hours", "Lead time for changes (median, hours)"),
    ("change_failure_rate", "Change failure rate (share, 0-1)"),
    ("time_to_restore_median_hours", "Time to restore service (median, hours)"),
]


def dora_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame, teams: pd.DataFrame) -> Chart:
    columns = ", ".join(column for column, _ in DORA_PANELS)
    by_team = query(
        con,
        f"""
        select team_name, cohort, month_start, {columns}
        from marts.fct_delivery_team_monthly
        order by team_name, month_start
        """,
    )
    org = query(
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
                cohort_line(
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
    period = finish_time_series(
        fig,
        org,
        "month_start",
        "calendar month",
        "DORA metrics per team and organisation, per month",
        windows,
        teams=teams,
        yaxes={"rangemode": "tozero"},
        height=640,
    )
    caption = (
        f"{scope_label('each team (thin lines, coloured by cohort) and the organisation (black)', period)} "
        "Deployment frequency = distinct days with a successful production deployment per "
        "week. Lead time for changes = median hours from a PR's first commit to the production "
        "deployment that shipped it. Change failure rate = failed production deployments "
        "(failure status or a linked incident, counted once) / production deployments. Time to "
        "restore = median hours from incident opened to resolved. The organisation's figures are "
        "recomputed over every team's events, not averaged over teams. "
        f"{baseline_text(windows)}{rollout_text(teams)} "
        "Source: marts.fct_delivery_team_monthly, marts.fct_delivery_org_monthly, marts.dim_teams."
    )
    return Chart("chart-dora", fig, caption)


def ai_share_chart(
    con: duckdb.DuckDBPyConnection, windows: pd.DataFrame, teams: pd.DataFrame
) -> Chart:
    frame = query(
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
    period = finish_time_series(
        fig,
        frame,
        "week_start",
        "ISO week",
        "AI-assisted share of merged changes, organisation, per ISO week",
        windows,
        teams=teams,
        yaxes={"rangemode": "tozero", "title_text": "share, 0-1"},
    )
    caption = (
        f"{scope_label('organisation (PRs by their author team at creation; bots excluded)', period)} "
        "AI-assisted share = merged pull requests the attribution rules mark AI-assisted / "
        "merged pull requests, in the week they merged. "
        f"{baseline_text(windows)}{rollout_text(teams)} Source: marts.fct_delivery_org_weekly."
    )
    return Chart("chart-ai-share", fig, caption)


def did_chart(con: duckdb.DuckDBPyConnection) -> tuple[Chart, pd.DataFrame]:
    frame = query(
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
                cohort_line(
                    ["baseline", "impact"],
                    means,
                    group,
                    show_legend=index == 0,
                    error_y={"type": "data", "array": errors, "visible": True},
                ),
                row=r,
                col=c,
            )
    empty_note(fig, frame)
    layout(
        fig,
        "AI vs control: team-week means before and after, with 95% intervals (units per panel)",
        height=300 * rows_needed + 120,
    )
    scope = "AI (treatment) teams vs control teams and teams not yet rolled out"
    period = "each team's baseline window vs its impact weeks (after rollout)"
    caption = (
        f"{scope_label(scope, period)} "
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
    return html_table(
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
