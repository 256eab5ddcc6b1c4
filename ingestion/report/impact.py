"""Layer 3 of the report, business impact: net productivity gain, AI total cost of ownership
and the net gain waterfall (quality regression cost and leakage)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ingestion.report.charts import (
    Chart,
    baseline_text,
    empty_note,
    epoch_ms,
    finish_time_series,
    layout,
)
from ingestion.report.scope import query, scope_label
from ingestion.report.tables import html_table, with_interval

COST_TYPES = [
    ("licence_cost_usd", "Licences"),
    ("usage_cost_usd", "Usage"),
    ("training_cost_usd", "Training"),
    ("maintenance_cost_usd", "Maintenance"),
    ("platform_cost_usd", "Platform"),
    ("other_cost_usd", "Other"),
]


def net_gain_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame) -> Chart:
    frame = query(
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
        fig.add_vline(x=epoch_ms(month), line={"dash": "dash", "color": "#2ca02c"})
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
    period = finish_time_series(
        fig,
        frame,
        "month_start",
        "calendar month",
        "Net productivity gain, organisation, per month and cumulative, USD",
        windows,
        yaxes={"title_text": "USD"},
    )
    caption = (
        f"{scope_label('organisation', period)} Net productivity gain = value of hours saved - AI "
        "total cost, per month, summed over teams; value of hours saved = hours saved x the "
        "team's loaded hourly cost that day. Payback month = the first month with cumulative "
        f"cost > 0 and cumulative net gain >= 0. {baseline_text(windows)} "
        "Source: marts.fct_net_productivity_org_monthly."
    )
    return Chart("chart-net-gain", fig, caption)


def tco_chart(con: duckdb.DuckDBPyConnection, windows: pd.DataFrame) -> Chart:
    sums = ",\n".join(f"cast(sum({column}) as double) as {column}" for column, _ in COST_TYPES)
    frame = query(
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
    period = finish_time_series(
        fig,
        frame,
        "month_start",
        "calendar month",
        "AI total cost of ownership by cost type, organisation, per month, USD",
        windows,
        yaxes={"title_text": "USD"},
    )
    caption = (
        f"{scope_label('organisation, every team allocation stacked by cost type', period)} AI total cost = "
        "licences (seat invoices, allocated by assigned seats) + usage (API/token invoices, by "
        "usage, else seats) + training (hours x loaded rate + vendor fees) + maintenance + "
        "platform (allocated by headcount) + other. Every invoice line is allocated to teams and "
        f"the allocations sum back to the invoice to the cent. {baseline_text(windows)} "
        "Source: marts.fct_ai_tco_team_monthly."
    )
    return Chart("chart-tco", fig, caption)


def _money(row: Any, column: str) -> str | None:
    """`column` of a waterfall row in whole USD with its 90% interval (`column`_lower_90 and
    _upper_90), or None (a dash) when the mart gives no figure."""
    return with_interval(row[column], row[f"{column}_lower_90"], row[f"{column}_upper_90"], 0)


def waterfall_section(con: duckdb.DuckDBPyConnection) -> tuple[Chart, str]:
    """The net gain waterfall of the organisation's whole history (marts.fct_net_gain_waterfall,
    org 'all', total) as a chart, and the same steps per team in a table."""
    try:
        frame = query(
            con,
            """
            select
                scope_type,
                scope_name,
                cast(value_of_hours_saved_usd as double) as value_of_hours_saved_usd,
                cast(ai_total_cost_usd as double) as ai_total_cost_usd,
                cast(net_productivity_gain_usd as double) as net_productivity_gain_usd,
                cast(net_productivity_gain_usd_lower_90 as double) as net_productivity_gain_usd_lower_90,
                cast(net_productivity_gain_usd_upper_90 as double) as net_productivity_gain_usd_upper_90,
                cast(failure_cost_usd as double) as failure_cost_usd,
                cast(rework_cost_usd as double) as rework_cost_usd,
                cast(quality_regression_cost_usd as double) as quality_regression_cost_usd,
                cast(quality_regression_cost_usd_lower_90 as double)
                    as quality_regression_cost_usd_lower_90,
                cast(quality_regression_cost_usd_upper_90 as double)
                    as quality_regression_cost_usd_upper_90,
                cast(quality_adjusted_net_gain_usd as double) as quality_adjusted_net_gain_usd,
                cast(quality_adjusted_net_gain_usd_lower_90 as double)
                    as quality_adjusted_net_gain_usd_lower_90,
                cast(quality_adjusted_net_gain_usd_upper_90 as double)
                    as quality_adjusted_net_gain_usd_upper_90,
                extra_failed_deployments,
                leakage_status,
                reinvestment_rate,
                reinvestment_rate_lower_90,
                reinvestment_rate_upper_90,
                cast(leakage_value_usd as double) as leakage_value_usd,
                cast(realised_net_gain_usd as double) as realised_net_gain_usd,
                cast(realised_net_gain_usd_lower_90 as double) as realised_net_gain_usd_lower_90,
                cast(realised_net_gain_usd_upper_90 as double) as realised_net_gain_usd_upper_90,
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
    empty_note(fig, org)
    fig.update_yaxes(title_text="USD")
    layout(fig, "Net gain waterfall, organisation, whole programme, USD")
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
    figures = (
        "; ".join(
            f"{label} {text}"
            for label, column in (
                ("net productivity gain", "net_productivity_gain_usd"),
                ("quality regression cost", "quality_regression_cost_usd"),
                ("quality-adjusted net gain", "quality_adjusted_net_gain_usd"),
                ("realised net gain", "realised_net_gain_usd"),
            )
            if (text := _money(org.iloc[0], column)) is not None
        )
        if not org.empty
        else ""
    )
    caption = (
        (f"Organisation, USD: {figures}. " if figures else "")
        + "Value of hours saved - AI total cost = net productivity gain; - the control-adjusted "
        "cost of a quality regression (failed deployments beyond the team's Day-Zero change "
        "failure rate plus the control teams' change, x restore effort hours x loaded rate; the "
        "same for rework deployments; an improvement counts 0) = quality-adjusted net gain; - "
        "leakage (saved hours that did not become finished work, netted only where it is "
        f"measured reliably) = realised net gain. {leakage_note} "
        + scope_label("the whole organisation", period)
        + " Source: marts.fct_net_gain_waterfall."
    )
    teams = frame[frame["scope_type"] == "team"] if not frame.empty else frame
    table = html_table(
        "waterfall-table",
        [
            "team",
            "net gain, USD (90% CI)",
            "extra failed deployments",
            "quality cost, USD (90% CI)",
            "quality-adjusted net gain, USD (90% CI)",
            "reinvestment rate",
            "90% CI lower",
            "90% CI upper",
            "leakage",
            "realised net gain, USD (90% CI)",
        ],
        [
            [
                r.scope_name,
                _money(r._asdict(), "net_productivity_gain_usd"),
                r.extra_failed_deployments,
                _money(r._asdict(), "quality_regression_cost_usd"),
                _money(r._asdict(), "quality_adjusted_net_gain_usd"),
                r.reinvestment_rate,
                r.reinvestment_rate_lower_90,
                r.reinvestment_rate_upper_90,
                r.leakage_status,
                _money(r._asdict(), "realised_net_gain_usd"),
            ]
            for r in teams.itertuples()
        ],
        "The waterfall's steps per team, each money figure with its 90% interval (the quality "
        "cost's from the deployment counts and the restore and rework times; the net gain's, "
        "widened by it; the realised net "
        "gain's, also by the reinvestment rate's); the reinvestment rate (share of the hours "
        "saved that became finished work) with its 90% interval, netted only where leakage is "
        "'measured'. "
        + scope_label("each team", period)
        + " Source: marts.fct_net_gain_waterfall.",
    )
    return Chart("chart-waterfall", fig, caption), table
