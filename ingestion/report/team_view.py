"""The report's per-team view, what a team lead opens: each team's and cohort's figures for the
latest complete quarter."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from ingestion.report.scope import query, scope_label
from ingestion.report.tables import cell, html_table, with_interval


def latest_complete_quarter(con: duckdb.DuckDBPyConnection) -> date | None:
    row = con.execute(
        "select max(quarter_start) from marts.rpt_ai_roi_scorecard where is_complete_quarter"
    ).fetchone()
    return row[0] if row else None


def _quarter_label(quarter: date) -> str:
    end = (pd.Timestamp(quarter) + pd.offsets.QuarterEnd(0)).date()
    return f"the quarter {quarter:%Y-%m-%d} to {end:%Y-%m-%d} (the latest complete quarter)"


def _with_tier(value: object, tier: object, digits: int) -> str:
    text = cell(value, digits)
    return text if tier is None or pd.isna(tier) else f"{text} ({tier})"


def tool_acceptance_by_scope(
    con: duckdb.DuckDBPyConnection, quarter: date
) -> dict[tuple[str, str], str]:
    """(scope_type, scope_name) -> `claude_code 0.75; github_copilot 0.32` for the quarter
    (fct_ai_usage_by_tool; each tool its own rate, `suppressed` below the group size)."""
    frame = query(
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
        rate = "suppressed" if r.is_suppressed else cell(r.acceptance_rate, 2)
        texts.setdefault((r.scope_type, r.scope_name), []).append(f"{r.ai_tool} {rate}")
    return {key: "; ".join(parts) for key, parts in texts.items()}


def team_table(con: duckdb.DuckDBPyConnection, quarter: date) -> str:
    """Per team: DORA figures and tiers, adoption, hours saved and net gain with intervals."""
    tiers = ", ".join(
        f"max(case when metric_name = '{metric}' then tier end) as {metric}_tier"
        for metric in ("deployment_frequency", "lead_time_for_changes", "change_failure_rate")
    )
    frame = query(
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
                else with_interval(
                    r.hours_saved, r.hours_saved_lower_90, r.hours_saved_upper_90, 0
                ),
                "n/a (control)"
                if control
                else with_interval(
                    r.net_productivity_gain_usd, r.net_gain_lower_90, r.net_gain_upper_90, 0
                ),
            ]
        )
    return html_table(
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
            f"{scope_label('each team, then each cohort', _quarter_label(quarter))} DORA tiers: the "
            "seed dora_performance_tiers (var dora_report_year). Acceptance: each tool's own rate "
            "(never pooled; fct_ai_usage_by_tool). Control teams use no AI: hours "
            "saved and net gain are not defined for them (n/a). A dash: suppressed (group below "
            "the minimum size) or no data. Source: marts.rpt_ai_roi_scorecard, "
            "marts.fct_dora_tiers_quarterly, marts.fct_headline_intervals, "
            "marts.fct_ai_usage_by_tool (quarter rows)."
        ),
    )
