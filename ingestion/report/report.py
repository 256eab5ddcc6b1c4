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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

COHORT_COLOURS = {"treatment": "#1f77b4", "control": "#ff7f0e", "unassigned": "#7f7f7f"}
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


# --- Layer 1: individual output (adoption) ---------------------------------------------------


def adoption_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = _query(
        con,
        """
        select
            cohort,
            week_start,
            sum(suggestions_accepted) / nullif(sum(suggestions_shown), 0) as acceptance_rate,
            sum(seats_active_30d)
                / nullif(sum(case when seats_active_30d is not null then seats_assigned end), 0)
                as seat_utilisation
        from marts.fct_ai_adoption_team_weekly
        group by cohort, week_start
        order by cohort, week_start
        """,
    )
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("AI acceptance rate (share, 0-1)", "Seat utilisation (share, 0-1)"),
    )
    for cohort, rows in frame.groupby("cohort", sort=True):
        for col, column in ((1, "acceptance_rate"), (2, "seat_utilisation")):
            fig.add_trace(
                _cohort_line(rows["week_start"], rows[column], str(cohort), show_legend=col == 1),
                row=1,
                col=col,
            )
    fig.update_yaxes(rangemode="tozero")
    _empty_note(fig, frame)
    _layout(fig, "AI adoption and acceptance by cohort, per ISO week (share of 0-1)")
    caption = (
        "Acceptance rate = suggestions accepted / suggestions shown (Copilot reports and usage "
        "files), summed over the cohort's team-weeks; null, not 0, without suggestions. Seat "
        "utilisation = seats active in the last 30 days / seats assigned, over team-weeks where "
        "seat activity is known. Source: marts.fct_ai_adoption_team_weekly."
    )
    return Chart("chart-adoption", fig, caption)


# --- Layer 2: team throughput (delivery) ------------------------------------------------------


def _phase_markers(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    teams = _query(
        con,
        """
        select team_name, cohort, rollout_date, baseline_start_date, baseline_end_date
        from marts.dim_teams
        order by rollout_date nulls last, team_name
        """,
    )
    rollouts = teams[teams["rollout_date"].notna()]
    baseline = teams[teams["cohort"] == "control"][["baseline_start_date", "baseline_end_date"]]
    if baseline.empty:
        baseline = teams[["baseline_start_date", "baseline_end_date"]]
    return rollouts, baseline.dropna().drop_duplicates().head(1)


def dora_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = _query(
        con,
        """
        select
            cohort,
            week_start,
            sum(successful_deployments) / count(*) as deployment_frequency,
            median(lead_time_median_hours) as lead_time_hours,
            sum(failed_deployments) / nullif(sum(production_deployments), 0)
                as change_failure_rate,
            median(time_to_restore_median_hours) as time_to_restore_hours
        from marts.fct_delivery_team_weekly
        group by cohort, week_start
        order by cohort, week_start
        """,
    )
    panels = [
        ("deployment_frequency", "Deployment frequency (deployments per team-week)"),
        ("lead_time_hours", "Lead time for changes (median, hours)"),
        ("change_failure_rate", "Change failure rate (share, 0-1)"),
        ("time_to_restore_hours", "Time to restore service (median, hours)"),
    ]
    fig = make_subplots(
        rows=2, cols=2, subplot_titles=[title for _, title in panels], vertical_spacing=0.14
    )
    for index, (column, _title) in enumerate(panels):
        row, col = index // 2 + 1, index % 2 + 1
        for cohort, rows in frame.groupby("cohort", sort=True):
            fig.add_trace(
                _cohort_line(
                    rows["week_start"],
                    rows[column],
                    str(cohort),
                    show_legend=index == 0,
                    mode="lines",
                ),
                row=row,
                col=col,
            )
    rollouts, baseline = _phase_markers(con)
    for _, window in baseline.iterrows():
        fig.add_vrect(
            x0=window["baseline_start_date"],
            x1=window["baseline_end_date"],
            fillcolor="#bbbbbb",
            opacity=0.25,
            line_width=0,
            row="all",
            col="all",
        )
    for _, team in rollouts.iterrows():
        fig.add_vline(
            x=pd.Timestamp(team["rollout_date"]).timestamp() * 1000,
            line={"dash": "dot", "color": "#1f77b4", "width": 1},
            row="all",
            col="all",
        )
    if not rollouts.empty:
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
    if not baseline.empty:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": "#bbbbbb"},
                name="control baseline window",
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(rangemode="tozero")
    _empty_note(fig, frame)
    _layout(fig, "DORA metrics by cohort, per ISO week (units per panel)", height=640)
    rollout_text = ", ".join(
        f"{row.team_name} {pd.Timestamp(row.rollout_date).date()}" for row in rollouts.itertuples()
    )
    caption = (
        "Deployment frequency = successful production deployments per team-week. Lead time for "
        "changes = median hours from a PR's first commit to the production deployment that "
        "shipped it (median of team-week medians). Change failure rate = failed production "
        "deployments (failure status or a linked incident, counted once) / all production "
        "deployments. Time to restore = median hours from incident opened to resolved. Grey "
        "band: the control teams' Day-Zero baseline window; dotted lines: AI rollout dates"
        f"{' (' + rollout_text + ')' if rollout_text else ''}. "
        "Source: marts.fct_delivery_team_weekly, marts.dim_teams."
    )
    return Chart("chart-dora", fig, caption)


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
    caption = (
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


def net_gain_chart(con: duckdb.DuckDBPyConnection) -> tuple[Chart, pd.DataFrame]:
    frame = _query(
        con,
        """
        select
            month_start,
            cast(net_productivity_gain_usd as double) as net_productivity_gain_usd,
            cast(cumulative_net_productivity_gain_usd as double)
                as cumulative_net_productivity_gain_usd,
            cast(value_of_hours_saved_usd as double) as value_of_hours_saved_usd,
            cast(ai_total_cost_usd as double) as ai_total_cost_usd,
            roi,
            payback_month
        from marts.fct_net_productivity_org_monthly
        order by month_start
        """,
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=frame["month_start"],
            y=frame["net_productivity_gain_usd"],
            name="net productivity gain in the month",
            marker_color="#9ecae1",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=frame["month_start"],
            y=frame["cumulative_net_productivity_gain_usd"],
            mode="lines+markers",
            name="cumulative net productivity gain",
            line={"color": "#08519c", "width": 3},
        )
    )
    payback = frame["payback_month"].dropna()
    if not payback.empty:
        month = pd.Timestamp(payback.iloc[0])
        fig.add_vline(x=month.timestamp() * 1000, line={"dash": "dash", "color": "#2ca02c"})
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
    fig.update_yaxes(title_text="USD")
    _empty_note(fig, frame)
    _layout(fig, "Net productivity gain, organisation, per month and cumulative (USD)")
    caption = (
        "Net productivity gain = value of hours saved - AI total cost, per month, summed over "
        "teams; value of hours saved = hours saved x the team's loaded hourly cost that day. "
        "Payback month = the first month with cumulative cost > 0 and cumulative net gain >= 0. "
        "Source: marts.fct_net_productivity_org_monthly."
    )
    return Chart("chart-net-gain", fig, caption), frame


def tco_chart(con: duckdb.DuckDBPyConnection) -> Chart:
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
    fig = go.Figure()
    for column, label in COST_TYPES:
        fig.add_trace(go.Bar(x=frame["month_start"], y=frame[column], name=label))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="USD")
    _empty_note(fig, frame)
    _layout(fig, "AI total cost of ownership by cost type, organisation, per month (USD)")
    caption = (
        "AI total cost = licences (seat invoices, allocated by assigned seats) + usage (API/token "
        "invoices, by usage, else seats) + training (hours x loaded rate + vendor fees) + "
        "maintenance + platform (allocated by headcount) + other. Every invoice line is "
        "allocated to teams and the allocations sum back to the invoice to the cent. Source: "
        "marts.fct_ai_tco_team_monthly."
    )
    return Chart("chart-tco", fig, caption)


# --- Tables and page ------------------------------------------------------------------------


def _cell(value: object, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "&ndash;"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return html.escape(str(value))


def _table(table_id: str, headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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


def headline_intervals(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The organisation's whole-history 90% intervals (fct_headline_intervals, the total row):
    column -> value; {} when the warehouse has no intervals (or the method has no bootstrap)."""
    columns = [
        "hours_saved_lower_90",
        "hours_saved_upper_90",
        "value_of_hours_saved_usd_lower_90",
        "value_of_hours_saved_usd_upper_90",
        "net_productivity_gain_usd_lower_90",
        "net_productivity_gain_usd_upper_90",
        "roi_lower_90",
        "roi_upper_90",
        "payback_month_lower_90",
        "payback_month_upper_90",
        "payback_reached_share",
    ]
    casts = ", ".join(
        column if column.startswith("payback_month") else f"cast({column} as double) as {column}"
        for column in columns
    )
    try:
        row = con.execute(
            f"select {casts} from marts.fct_headline_intervals "
            "where scope_type = 'org' and period_type = 'total'"
        ).fetchone()
    except duckdb.Error:
        return {}
    if row is None or row[0] is None:
        return {}
    return dict(zip(columns, row, strict=True))


def _interval(lower: object, upper: object, digits: int) -> str:
    if lower is None or upper is None:
        return ""
    return f"90% CI {_cell(lower, digits)} to {_cell(upper, digits)}"


def _payback_interval(intervals: dict[str, Any]) -> str:
    lower = intervals.get("payback_month_lower_90")
    if lower is None:
        return ""
    upper = intervals.get("payback_month_upper_90")
    later = f"{upper:%Y-%m}" if upper is not None else "not within the data"
    return f"90% CI {lower:%Y-%m} to {later}"


def headline(con: duckdb.DuckDBPyConnection) -> str:
    totals = con.sql(
        """
        select
            cast(sum(value_of_hours_saved_usd) as double),
            cast(sum(ai_total_cost_usd) as double),
            cast(sum(net_productivity_gain_usd) as double),
            sum(hours_saved),
            min(payback_month)
        from marts.fct_net_productivity_org_monthly
        """
    ).fetchone()
    value, cost, gain, hours, payback = totals if totals else (None,) * 5
    roi = gain / cost if gain is not None and cost else None
    ci = headline_intervals(con)
    items = [
        (
            "Hours saved",
            _cell(hours, 0),
            _interval(ci.get("hours_saved_lower_90"), ci.get("hours_saved_upper_90"), 0),
        ),
        (
            "Value of hours saved (USD)",
            _cell(value, 0),
            _interval(
                ci.get("value_of_hours_saved_usd_lower_90"),
                ci.get("value_of_hours_saved_usd_upper_90"),
                0,
            ),
        ),
        ("AI total cost (USD)", _cell(cost, 0), "exact"),
        (
            "Net productivity gain (USD)",
            _cell(gain, 0),
            _interval(
                ci.get("net_productivity_gain_usd_lower_90"),
                ci.get("net_productivity_gain_usd_upper_90"),
                0,
            ),
        ),
        (
            "ROI (gain / cost)",
            _cell(roi, 2),
            _interval(ci.get("roi_lower_90"), ci.get("roi_upper_90"), 2),
        ),
        (
            "Payback month",
            _cell(pd.Timestamp(payback)) if payback else "not yet",
            _payback_interval(ci),
        ),
    ]
    cards = "".join(
        f'<div class="kpi"><div class="kpi-value">{v}</div>'
        + (f'<div class="kpi-ci">{html.escape(c)}</div>' if c else "")
        + f'<div class="kpi-label">{k}</div></div>'
        for k, v, c in items
    )
    note = (
        '<p class="sub" id="headline-intervals">Whole history, whole organisation. 90% CI: the '
        "bootstrap interval of marts.fct_headline_intervals: teams are resampled, then tasks within "
        "teams, and the hours saved re-estimated each time; AI cost is exact, so the net gain and "
        "ROI intervals follow from the value's.</p>"
        if ci
        else ""
    )
    return f'<div class="kpis" id="headline">{cards}</div>{note}'


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
    adoption = adoption_chart(con)
    dora = dora_chart(con)
    did, did_frame = did_chart(con)
    net_gain, _ = net_gain_chart(con)
    tco = tco_chart(con)
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
groups below the minimum size are suppressed.</p>
{headline(con)}
<section id="individual-output">
<h2>1. Individual output: adoption and acceptance</h2>
{_figure_html(adoption)}
</section>
<section id="team-throughput">
<h2>2. Team throughput: delivery speed and quality</h2>
{_figure_html(dora)}
<h3>AI-enabled vs control teams</h3>
{_figure_html(did)}
{did_table(did_frame)}
</section>
<section id="business-impact">
<h2>3. Business impact: cost and net productivity gain</h2>
{_figure_html(net_gain)}
{_figure_html(tco)}
</section>
<section id="flags">
<h2>Scorecard flags</h2>
<p>Scopes and quarters that raised a flag in marts.rpt_ai_roi_scorecard: low trust, idle
seats, a quality regression vs baseline (and vs control), or leakage of over half the hours
saved.</p>
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
