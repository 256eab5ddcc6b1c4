"""Pure helpers of the benchmark harness: sizes, growth exponent, the results document."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

#: size label -> generator `--scale TxSxM` (full = ~2,000 engineers in ~200 teams, 24 months)
SIZES: dict[str, str] = {
    "1/8": "25x10x24",
    "1/4": "50x10x24",
    "1/2": "100x10x24",
    "full": "200x10x24",
}
DEFAULT_SIZES = ("1/8", "1/4", "1/2", "full")


def parse_sizes(text: str | None) -> list[str]:
    """`"1/8,1/4"` -> `["1/8", "1/4"]`; empty means all four; unknown labels raise."""
    if not text or not text.strip():
        return list(DEFAULT_SIZES)
    labels = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        raise ValueError(f"unknown size(s) {', '.join(unknown)}; known: {', '.join(SIZES)}")
    return list(dict.fromkeys(labels))


def size_slug(label: str) -> str:
    """A folder name for a size label: `1/8` -> `1_8`."""
    return label.replace("/", "_")


def growth_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x): ~1 linear, ~2 quadratic; None if < 2 points."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len({x for x, _ in usable}) < 2:
        return None
    n = len(usable)
    mean_x = sum(x for x, _ in usable) / n
    mean_y = sum(y for _, y in usable) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in usable)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in usable)
    return sxy / sxx


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return numerator / denominator


def rate(rows: float | None, seconds: float | None) -> float | None:
    return ratio(rows, seconds)


def summarise(runs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Cross-size figures: growth exponents of build time against raw rows.

    `*_past_fixed` subtracts the fixed cost first (the same build over empty raw tables,
    `dbt_empty_build`), which is what "grows no faster than linearly past the fixed
    start-up cost" asks about; the plain exponent is flattened by that constant. The fixed
    cost does not depend on the data, so one figure is subtracted at every size: the median
    of the sizes' empty builds (`fixed_cost_seconds`). Each size's own empty build varies by
    +-1 s between runs, which at 1/8 (about 2-4 s past the fixed cost) swings the exponent
    by +-0.2.
    """
    fixed_costs = sorted(
        float(fixed)
        for run in runs.values()
        if (fixed := (run.get("seconds") or {}).get("dbt_empty_build")) is not None
    )
    fixed_cost = statistics.median(fixed_costs) if fixed_costs else None

    def points(key: str, minus_fixed: bool = False) -> list[tuple[float, float]]:
        out = []
        for run in runs.values():
            seconds = run.get("seconds") or {}
            x, y = run.get("raw_rows"), seconds.get(key)
            if minus_fixed and y is not None:
                y = None if fixed_cost is None else y - fixed_cost
            if x and y and y > 0:
                out.append((float(x), float(y)))
        return out

    return {
        "fixed_cost_seconds": fixed_cost,
        "growth_exponent_full_build": growth_exponent(points("dbt_full_build")),
        "growth_exponent_full_build_past_fixed": growth_exponent(
            points("dbt_full_build", minus_fixed=True)
        ),
        "growth_exponent_incremental_build": growth_exponent(points("dbt_incremental_build")),
        "growth_exponent_incremental_build_past_fixed": growth_exponent(
            points("dbt_incremental_build", minus_fixed=True)
        ),
        "growth_exponent_models_sql": growth_exponent(points("direct_floor")),
    }


def results_document(
    runs: Mapping[str, Mapping[str, Any]], *, started_at: str, machine: Mapping[str, Any]
) -> dict[str, Any]:
    """The shape of `bench/results.json`."""
    return {
        "benchmark": "ai_roi scale and speed (issue 7)",
        "started_at": started_at,
        "machine": dict(machine),
        "sizes": {label: dict(run) for label, run in runs.items()},
        "summary": summarise(runs),
    }


def _fmt(value: Any, spec: str = ",.0f") -> str:
    if value is None:
        return "-"
    if isinstance(value, (int, float)):
        return format(value, spec)
    return str(value)


def peak_step(run: Mapping[str, Any]) -> tuple[str | None, float | None]:
    """The step with the highest peak RSS of a size, and that peak in MB."""
    rss = run.get("peak_rss_mb") or {}
    if not rss:
        return None, None
    name = max(rss, key=lambda k: rss[k])
    return name, rss[name]


def spark_cell(run: Mapping[str, Any]) -> str:
    """`123.4 (8.2x)`: the Spark full build and its ratio to DuckDB's; `-` when not run."""
    spark = run.get("spark") or {}
    if not spark:
        return "-"
    if "skipped" in spark:
        return "skipped"
    if not spark.get("success"):
        return "FAILED"
    return f"{spark['seconds']:.1f} ({_fmt(run.get('spark_over_duckdb'), '.1f')}x)"


def table_lines(runs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A plain-text table of the headline figures, one row per size.

    gh = the github source (dlt; PRs by GraphQL, then by REST) and DuckDB's reader on the
    same JSONL, ratio = DuckDB's rate over the GraphQL one; full / incr /
    fixed = `dbt build` full refresh, after one more day, over empty raw tables; SQL = every
    model's compiled SQL run directly (the build's floor); top5 = the five slowest models;
    Spark = the full build on the Spark target and its ratio to DuckDB's (`--spark`).
    """
    header = (
        f"{'size':<5} {'raw rows':>10} {'gh dlt r/s':>10} {'REST r/s':>9} {'duckdb r/s':>10} "
        f"{'ratio':>6} "
        f"{'full s':>7} {'SQL s':>6} {'ratio':>6} {'incr s':>7} {'fixed s':>7} "
        f"{'top5 ratio':>10} {'Spark s (ratio)':>15} {'peak RSS MB (step)':>32}"
    )
    lines = [header, "-" * len(header)]
    for label, run in runs.items():
        sec = run.get("seconds") or {}
        gh = run.get("github") or {}
        top = run.get("top5") or {}
        step, peak = peak_step(run)
        peak_text = "-" if peak is None else f"{peak:,.0f} ({step})"
        lines.append(
            f"{label:<5} {_fmt(run.get('raw_rows')):>10} {_fmt(gh.get('dlt_rows_per_s')):>10} "
            f"{_fmt(gh.get('rest_dlt_rows_per_s')):>9} "
            f"{_fmt(gh.get('duckdb_rows_per_s')):>10} {_fmt(gh.get('duckdb_over_dlt'), '.1f'):>6} "
            f"{_fmt(sec.get('dbt_full_build'), '.1f'):>7} "
            f"{_fmt(sec.get('direct_floor'), '.1f'):>6} "
            f"{_fmt(run.get('build_over_floor'), '.2f'):>6} "
            f"{_fmt(sec.get('dbt_incremental_build'), '.1f'):>7} "
            f"{_fmt(sec.get('dbt_empty_build'), '.1f'):>7} "
            f"{_fmt(top.get('dbt_over_direct'), '.2f'):>10} {spark_cell(run):>15} "
            f"{peak_text:>32}"
        )
    return lines
