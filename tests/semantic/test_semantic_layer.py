"""The MetricFlow semantic layer: its configs validate against the demo warehouse, and
`mf query` returns the marts' own numbers."""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mf(demo_run: dict[str, object], tmp_path_factory: pytest.TempPathFactory):
    """Run `mf` (through ingestion.report.metricflow_cli) on a copy of the demo warehouse
    with a private dbt target folder; returns a function(args) -> CompletedProcess."""
    base = tmp_path_factory.mktemp("mf")
    db = base / "ai_roi.duckdb"
    shutil.copy(demo_run["db"], db)
    env = {
        **os.environ,
        "AI_ROI_DUCKDB_PATH": str(db),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_PROJECT_DIR": str(ROOT),
        "DBT_TARGET_PATH": str(base / "target"),
        "DBT_LOG_PATH": str(base / "logs"),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).parent / "dbt"
    parsed = subprocess.run(
        [str(dbt), "parse", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    assert (base / "target" / "semantic_manifest.json").exists()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "ingestion.report.metricflow_cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    run.db = db  # type: ignore[attr-defined]
    run.base = base  # type: ignore[attr-defined]
    return run


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _num(value: str | None) -> float | None:
    return None if value in (None, "") else float(value)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.005)


def _marts(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_validate_configs_against_the_warehouse(mf) -> None:
    result = mf("validate-configs")
    assert "ERRORS: 0" in result.stdout + result.stderr


def test_dora_metrics_per_team_week_equal_the_weekly_mart(mf) -> None:
    out = mf.base / "dora.csv"
    mf(
        "query",
        "--metrics",
        "deployment_frequency,change_failure_rate,lead_time_for_changes,pr_throughput",
        "--group-by",
        "team,metric_time__week",
        "--csv",
        str(out),
    )
    rows = {(r["team"], r["metric_time__week"][:10]): r for r in _csv(out)}
    expected = _marts(
        mf.db,
        """
        select team_name, cast(week_start as varchar), successful_deployments,
            change_failure_rate, lead_time_median_hours, pr_throughput_per_engineer_week
        from marts.fct_delivery_team_weekly
        """,
    )
    assert len(rows) == len(expected) > 100
    for team, week, deployments, cfr, lead_time, throughput in expected:
        row = rows[(team, week)]
        assert _close(_num(row["deployment_frequency"]), float(deployments)), (team, week)
        assert _close(_num(row["change_failure_rate"]), cfr), (team, week)
        assert _close(_num(row["lead_time_for_changes"]), lead_time), (team, week)
        assert _close(_num(row["pr_throughput"]), throughput), (team, week)


def test_adoption_metrics_per_team_week_equal_the_adoption_mart(mf) -> None:
    out = mf.base / "adoption.csv"
    mf(
        "query",
        "--metrics",
        "acceptance_rate,seat_utilisation",
        "--group-by",
        "team,metric_time__week",
        "--csv",
        str(out),
    )
    rows = {(r["team"], r["metric_time__week"][:10]): r for r in _csv(out)}
    expected = _marts(
        mf.db,
        """
        select team_name, cast(week_start as varchar), acceptance_rate, seat_utilisation
        from marts.fct_ai_adoption_team_weekly
        """,
    )
    assert any(rate is not None for *_, rate, _ in expected)
    for team, week, acceptance, utilisation in expected:
        row = rows.get((team, week), {})
        assert _close(_num(row.get("acceptance_rate")), acceptance), (team, week)
        assert _close(_num(row.get("seat_utilisation")), utilisation), (team, week)


def test_net_gain_cost_and_roi_per_month_equal_the_org_mart(mf) -> None:
    """The headline_* metrics at the organisation's month rows equal
    fct_net_productivity_org_monthly: both sum every team-month before the privacy rule and
    suppress once, by the distinct people behind the month."""
    out = mf.base / "net_gain.csv"
    mf(
        "query",
        "--metrics",
        "headline_hours_saved,headline_net_productivity_gain,headline_ai_total_cost,headline_roi",
        "--group-by",
        "headline_scope__scope_type,headline_scope__period_type,metric_time__month",
        "--where",
        "{{ Dimension('headline_scope__scope_type') }} = 'org' "
        "and {{ Dimension('headline_scope__period_type') }} = 'month'",
        "--csv",
        str(out),
    )
    rows = {r["metric_time__month"][:10]: r for r in _csv(out)}
    expected = _marts(
        mf.db,
        """
        select cast(month_start as varchar), hours_saved, net_productivity_gain_usd,
            ai_total_cost_usd, roi
        from marts.fct_net_productivity_org_monthly
        """,
    )
    assert len(expected) > 6 and sum(hours is not None for _, hours, *_ in expected) > 6
    for month, hours, gain, cost, roi in expected:
        row = rows[month]
        assert _close(_num(row["headline_hours_saved"]), hours), month
        assert _close(
            _num(row["headline_net_productivity_gain"]), None if gain is None else float(gain)
        ), month
        assert _close(_num(row["headline_ai_total_cost"]), float(cost)), month
        assert _close(_num(row["headline_roi"]), roi), month


def test_saved_query_scorecard_runs_per_cohort(mf) -> None:
    out = mf.base / "scorecard.csv"
    mf("query", "--saved-query", "scorecard_cohort_quarterly", "--csv", str(out))
    rows = _csv(out)
    cohorts = {row["team__cohort"] for row in rows}
    assert {"treatment", "control"} <= cohorts
    costs = {
        (row["metric_time__quarter"][:10], row["team__cohort"]): _num(row["ai_total_cost"])
        for row in rows
    }
    expected = _marts(
        mf.db,
        """
        select cast(quarter_start as varchar), scope_name, ai_total_cost_usd
        from marts.rpt_ai_roi_scorecard
        where scope_type = 'cohort'
        """,
    )
    for quarter, cohort, cost in expected:
        if (quarter, cohort) in costs:
            assert _close(costs[(quarter, cohort)] or 0.0, float(cost or 0)), (quarter, cohort)


def test_waterfall_quality_steps_and_their_intervals_equal_the_mart(mf) -> None:
    """The waterfall's quality cost, quality-adjusted and realised net gain, with their 90%
    bounds, per team and cohort and quarter from `mf query` equal marts.fct_net_gain_waterfall
    row for row."""
    metrics = [
        "quality_regression_cost",
        "quality_regression_cost_lower_90",
        "quality_regression_cost_upper_90",
        "quality_adjusted_net_gain",
        "quality_adjusted_net_gain_lower_90",
        "quality_adjusted_net_gain_upper_90",
        "realised_net_gain",
        "realised_net_gain_lower_90",
        "realised_net_gain_upper_90",
    ]
    out = mf.base / "waterfall.csv"
    mf(
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        "waterfall_scope__scope_name,metric_time__quarter",
        "--where",
        "{{ Dimension('waterfall_scope__scope_type') }} in ('cohort', 'team') "
        "and {{ Dimension('waterfall_scope__period_type') }} = 'quarter'",
        "--csv",
        str(out),
    )
    rows = {
        (r["waterfall_scope__scope_name"], r["metric_time__quarter"][:10]): r for r in _csv(out)
    }
    expected = _marts(
        mf.db,
        """
        select scope_name, cast(period_start as varchar), quality_regression_cost_usd,
            quality_regression_cost_usd_lower_90, quality_regression_cost_usd_upper_90,
            quality_adjusted_net_gain_usd, quality_adjusted_net_gain_usd_lower_90,
            quality_adjusted_net_gain_usd_upper_90, realised_net_gain_usd,
            realised_net_gain_usd_lower_90, realised_net_gain_usd_upper_90
        from marts.fct_net_gain_waterfall
        where scope_type in ('cohort', 'team') and period_type = 'quarter'
        """,
    )
    # the demo's treatment cohort pays for identity's regression, with an interval, somewhere
    assert any(
        name == "treatment" and values[2] is not None and values[2] > values[0]
        for name, _, *values in expected
    )
    # and teams whose leakage is measured have a realised net gain with its interval
    assert any(values[7] is not None and values[7] < values[6] for _, _, *values in expected)
    assert set(rows) == {(name, quarter) for name, quarter, *_ in expected}
    for name, quarter, *values in expected:
        row = rows[(name, quarter)]
        for metric, value in zip(metrics, values, strict=True):
            assert _close(_num(row[metric]), None if value is None else float(value)), (
                name,
                quarter,
                metric,
            )
