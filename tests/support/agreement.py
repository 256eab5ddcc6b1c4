"""One number everywhere: read the headline metrics of every scope and quarter from each
surface that publishes them, and list where two surfaces disagree.

A surface is a mapping ``{(scope_type, scope_name, period_type, period_start): {metric:
value}}`` over the headline metrics in :data:`HEADLINE_METRICS`; ``period_start`` is an ISO
date (``'2026-04-01'``) and ``period_type`` is ``'quarter'``. The readers here cover the
marts (:func:`read_marts`), the scorecard (:func:`read_scorecard`) and MetricFlow
(:func:`read_metricflow`, through :func:`metricflow_runner`); another surface (the HTML
report, the terminal scorecard) is checked by building the same mapping and passing it to
:func:`disagreements` with the others::

    surfaces = {"scorecard": read_scorecard(db), "report": my_report_figures}
    assert not disagreements(surfaces), disagreements(surfaces)

Each reader reads only what its surface publishes: the marts reader sums the monthly
money marts itself (it does not read the scorecard's source, fct_headline_intervals),
MetricFlow re-aggregates the team-month semantic models, so agreement is evidence, not a
tautology.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[2]

#: headline metric -> (scorecard column, description); every surface uses these names
HEADLINE_METRICS: dict[str, tuple[str, str]] = {
    "deployment_frequency": ("deploy_days_per_week", "deploy days per week"),
    "lead_time": ("lead_time_median_hours", "median lead time for changes, hours"),
    "change_failure_rate": ("change_failure_rate", "failed / production deployments"),
    "time_to_restore": ("time_to_restore_median_hours", "median time to restore, hours"),
    "hours_saved": ("hours_saved", "hours saved (var('hours_saved_method'))"),
    "ai_cost": ("ai_total_cost_usd", "AI total cost, USD"),
    "net_gain": ("net_productivity_gain_usd", "value of hours saved - AI cost, USD"),
    "roi": ("roi", "net gain / AI cost"),
}

ScopeKey = tuple[str, str, str, str]
Figures = dict[str, float | None]
Surface = dict[ScopeKey, Figures]


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def read_scorecard(db: Path) -> Surface:
    """Every scope-quarter of marts.rpt_ai_roi_scorecard, by its own labels."""
    columns = ", ".join(column for column, _ in HEADLINE_METRICS.values())
    rows = _query(
        db,
        f"""
        select scope_type, scope_name, period_type, cast(period_start as varchar), {columns}
        from marts.rpt_ai_roi_scorecard
        """,
    )
    return {
        tuple(row[:4]): {
            metric: _float(value) for metric, value in zip(HEADLINE_METRICS, row[4:], strict=True)
        }
        for row in rows
    }


def read_marts(db: Path) -> Surface:
    """The figures the marts publish: delivery from fct_delivery_scope_quarterly, money from
    fct_headline_intervals' quarter rows (the money marts' figures summed over the scope and
    quarter before the privacy rule, then suppressed once); roi = net gain / AI cost."""
    delivery = _query(
        db,
        """
        select scope_type, scope_name, 'quarter', cast(quarter_start as varchar),
            deploy_days_per_week, lead_time_median_hours, change_failure_rate,
            time_to_restore_median_hours
        from marts.fct_delivery_scope_quarterly
        """,
    )
    money = _query(
        db,
        """
        select scope_type, scope_name, period_type, cast(period_start as varchar),
            hours_saved, ai_total_cost_usd, net_productivity_gain_usd
        from marts.fct_headline_intervals
        where period_type = 'quarter'
        """,
    )
    surface: Surface = {
        tuple(row[:4]): dict(
            zip(
                ["deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore"],
                map(_float, row[4:]),
                strict=True,
            )
        )
        for row in delivery
    }
    for *key, hours, cost, gain in money:
        figures = surface.setdefault(tuple(key), {})
        figures["hours_saved"] = _float(hours)
        figures["ai_cost"] = _float(cost)
        figures["net_gain"] = _float(gain)
        figures["roi"] = None if gain is None or not cost else float(gain) / float(cost)
    return surface


MetricFlowRun = Callable[..., "subprocess.CompletedProcess[str]"]


def metricflow_runner(db: Path, workdir: Path) -> MetricFlowRun:
    """`mf` (ingestion.report.metricflow_cli) on a copy of the warehouse `db`, with a private
    dbt target folder under `workdir`; returns run(*args) -> CompletedProcess (asserting
    success). The copy keeps the file name ai_roi.duckdb: DuckDB names the catalog after it."""
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / "ai_roi.duckdb"
    shutil.copy(db, copy)
    env = {
        **os.environ,
        "AI_ROI_DUCKDB_PATH": str(copy),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_PROJECT_DIR": str(ROOT),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).parent / "dbt"
    parsed = subprocess.run(
        [str(dbt), "parse", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr

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

    run.workdir = workdir  # type: ignore[attr-defined]
    return run


def _mf_csv(
    run: MetricFlowRun, name: str, metrics: list[str], group_by: list[str], where: str = ""
) -> list[dict]:
    out = Path(run.workdir) / f"{name}.csv"  # type: ignore[attr-defined]
    filters = ["--where", where] if where else []
    run(
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        ",".join(group_by),
        *filters,
        "--csv",
        str(out),
    )
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_metricflow(run: MetricFlowRun) -> Surface:
    """The headline metrics from `mf query`: delivery from the scope_quarter metrics
    (fct_delivery_scope_quarterly), money from the headline_* metrics (fct_headline_intervals'
    quarter rows: summed before the privacy rule, suppressed once) grouped by scope and
    metric_time__quarter."""
    surface: Surface = {}
    delivery = {
        "deployment_frequency": "scope_quarter_deploy_days_per_week",
        "lead_time": "scope_quarter_lead_time_for_changes",
        "change_failure_rate": "scope_quarter_change_failure_rate",
        "time_to_restore": "scope_quarter_time_to_restore",
    }
    rows = _mf_csv(
        run,
        "delivery",
        list(delivery.values()),
        ["scope_quarter__scope_type", "scope_quarter__scope_name", "metric_time__quarter"],
    )
    for row in rows:
        key = (
            row["scope_quarter__scope_type"],
            row["scope_quarter__scope_name"],
            "quarter",
            row["metric_time__quarter"][:10],
        )
        surface[key] = {metric: _float(row[name]) for metric, name in delivery.items()}
    money = {
        "hours_saved": "headline_hours_saved",
        "ai_cost": "headline_ai_total_cost",
        "net_gain": "headline_net_productivity_gain",
        "roi": "headline_roi",
    }
    group_by = ["headline_scope__scope_type", "headline_scope__scope_name", "metric_time__quarter"]
    where = "{{ Dimension('headline_scope__period_type') }} = 'quarter'"
    for row in _mf_csv(run, "money", list(money.values()), group_by, where):
        key = (
            row["headline_scope__scope_type"],
            row["headline_scope__scope_name"],
            "quarter",
            row["metric_time__quarter"][:10],
        )
        figures = surface.setdefault(key, {})
        figures.update({metric: _float(row[column]) for metric, column in money.items()})
    return surface


def _agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.005)


def disagreements(
    surfaces: Mapping[str, Surface],
    scopes: list[ScopeKey] | None = None,
    metrics: list[str] | None = None,
) -> list[str]:
    """One line per (scope, metric) where two surfaces differ (numbers within 0.005 or a
    relative 1e-9 agree; null agrees only with null), or where a surface lacks the scope.
    `scopes` defaults to every scope of the first surface, `metrics` to all headline ones."""
    names = list(surfaces)
    first = surfaces[names[0]]
    problems: list[str] = []
    for scope in scopes if scopes is not None else sorted(first):
        missing = [name for name in names if scope not in surfaces[name]]
        if missing:
            problems.append(f"{scope}: not published by {', '.join(missing)}")
            continue
        for metric in metrics or list(HEADLINE_METRICS):
            values = {name: surfaces[name][scope].get(metric) for name in names}
            base = values[names[0]]
            if not all(_agree(base, value) for value in values.values()):
                shown = ", ".join(f"{name}={value}" for name, value in values.items())
                problems.append(f"{scope} {metric}: {shown}")
    return problems
