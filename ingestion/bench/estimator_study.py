"""How good the headline estimates are on worlds whose truth is known: the demo company
simulated with several seeds, each run through the real pipeline (generate, serve, ingest
with validation, `dbt build` of the models upstream of fct_headline_intervals and
fct_net_gain_waterfall), then compared with what the simulation saved, broke and leaked
(manifest.json -> true_hours_saved, true_quality_regression, true_leakage).

    .venv/bin/python -m ingestion.bench.estimator_study [--seeds 0-9] [--keep DIR] [--reuse]

Per seed it prints the impact-phase error of the control-adjusted measured estimate
(int_ai_task_hours_saved, the default `hours_saved_method`) for the organisation and each
treatment team, and whether the whole-history 90% intervals of fct_headline_intervals hold
the true hours. Then the summary a CFO's analyst needs: the organisation's mean error (the
bias) with its standard error, its standard deviation and root mean square, each team's
root mean square error, two unpublished alternatives for comparison, how often the
intervals held the truth (about 90% is honest), and the waterfall's other estimates: the
quality-regression team's extra failed deployments and their cost, and the leakage share
of the leakage team and of the teams without leakage (interval coverage, netting status).

Every seed's warehouse and data stay in `--keep` (default `bench/estimator_study/`, git-
ignored); `--reuse` skips a seed whose warehouse is already there, so more seeds can be
added later and the summary re-read. A run takes about 2 minutes per seed on two cores.
Not a test: each seed is one draw, so the figures describe the estimators, and they take
far longer than a test should.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.config import PROJECT_ROOT

DEFAULT_DIR = PROJECT_ROOT / "bench" / "estimator_study"
#: the models the comparison reads, and everything upstream of them
SELECT = ["+fct_headline_intervals", "+fct_net_gain_waterfall"]
#: models and seeds only: the data and unit tests run on seed 42 in `make test`
NO_TESTS = ("--exclude-resource-type", "test", "unit_test")


def parse_seeds(text: str) -> list[int]:
    """`0-9`, `1,5,9` or `0-4,42` -> the listed seeds in order, each once."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            low, high = (int(x) for x in part.split("-", 1))
            if high < low:
                raise ValueError(f"--seeds: range {part!r} runs backwards")
            seeds += range(low, high + 1)
        else:
            seeds.append(int(part))
    if not seeds:
        raise ValueError("--seeds: no seed given")
    return list(dict.fromkeys(seeds))


def run_seed(seed: int, folder: Path, printer: Any = print) -> None:
    """The demo job for one seed into `folder` (data/, warehouse/), building only the models
    the comparison reads (no data tests: the full test suite runs on seed 42). The run's
    output goes to `folder/run.log`."""
    from ingestion.common.config import disable_telemetry
    from ingestion.demo.generator import generate
    from ingestion.demo.server import serve
    from ingestion.demo_job import demo_source_configs
    from ingestion.orchestrate import build, ingest_many

    disable_telemetry()
    data = folder / "data"
    db = folder / "warehouse" / "ai_roi.duckdb"
    saved = {k: os.environ.get(k) for k in ("AI_ROI_DUCKDB_PATH", "AI_ROI_PIPELINES_DIR")}
    os.environ["AI_ROI_DUCKDB_PATH"] = str(db)
    os.environ["AI_ROI_PIPELINES_DIR"] = str(folder / "warehouse" / ".dlt_pipelines")
    folder.mkdir(parents=True, exist_ok=True)
    # every line of the run (the sources' progress lines too) goes to the seed's run.log
    with (folder / "run.log").open("w") as log, contextlib.redirect_stdout(log):
        write = functools.partial(print, file=log)
        try:
            manifest = generate(data, seed=seed)
            with serve(data) as server:
                ingest_many(demo_source_configs(server, data, manifest), db_path=db, printer=write)
            build(db_path=db, printer=write, select=SELECT, extra_args=NO_TESTS)
        finally:
            _restore(saved)


def _restore(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def pooled_alternatives(tasks: list[tuple[str, str, float, float]]) -> dict[str, dict[str, float]]:
    """Two alternatives to the published per-task estimate, for comparison only (README,
    Design decisions, "A team's hours saved are its own tasks' savings"). `tasks`: (team,
    phase, effort, control-adjusted counterfactual effort) of every AI-assisted task.

    - `pooled`: the organisation's AI effort multiplier m = sum(effort) / sum(counterfactual)
      over every task, applied to each team's impact-phase AI effort: hours = effort x (1/m - 1).
    - `blended`: each team's own multiplier (the same ratio over its tasks) shrunk toward the
      organisation's on the log scale by an empirical-Bayes weight tau2 / (tau2 + v): v = the
      variance of log(effort / counterfactual) over all tasks / the team's task count, tau2
      the between-team variance of the log multipliers (DerSimonian-Laird, floored at 0).
    """
    effort: dict[str, float] = {}
    counterfactual: dict[str, float] = {}
    impact_effort: dict[str, float] = {}
    logs: dict[str, list[float]] = {}
    for team, phase, task_effort, task_counterfactual in tasks:
        effort[team] = effort.get(team, 0.0) + task_effort
        counterfactual[team] = counterfactual.get(team, 0.0) + task_counterfactual
        if phase == "impact":
            impact_effort[team] = impact_effort.get(team, 0.0) + task_effort
        if task_effort > 0 and task_counterfactual > 0:
            logs.setdefault(team, []).append(math.log(task_effort / task_counterfactual))
    org_log = math.log(sum(effort.values()) / sum(counterfactual.values()))
    every_log = [value for values in logs.values() for value in values]
    spread = statistics.variance(every_log) if len(every_log) > 1 else 0.0
    team_log = {team: math.log(effort[team] / counterfactual[team]) for team in logs}
    variance = {team: spread / len(values) for team, values in logs.items()}
    weights = {team: 1 / v for team, v in variance.items() if v > 0}
    tau2 = 0.0
    if len(weights) > 1:
        total = sum(weights.values())
        centre = sum(w * team_log[t] for t, w in weights.items()) / total
        q = sum(w * (team_log[t] - centre) ** 2 for t, w in weights.items())
        scale = total - sum(w * w for w in weights.values()) / total
        tau2 = max(0.0, (q - (len(weights) - 1)) / scale)
    blended_log = {
        team: org_log
        + (tau2 / (tau2 + variance[team]) if tau2 > 0 else 0.0) * (team_log[team] - org_log)
        for team in team_log
    }
    return {
        "pooled": {team: hours * (math.exp(-org_log) - 1) for team, hours in impact_effort.items()},
        "blended": {
            team: hours * (math.exp(-blended_log.get(team, org_log)) - 1)
            for team, hours in impact_effort.items()
        },
    }


def compare(folder: Path) -> dict[str, Any]:
    """One seed's estimate against its truth: impact-phase hours per treatment team and for
    the organisation, and the whole-history 90% intervals' verdicts."""
    truth = truth_of(folder)["true_hours_saved"]
    con = duckdb.connect(str(folder / "warehouse" / "ai_roi.duckdb"), read_only=True)
    try:
        impact = dict(
            con.execute(
                "select team_name, sum(measured_control_adjusted_hours_saved) "
                "from intermediate.int_ai_task_hours_saved where phase = 'impact' group by 1"
            ).fetchall()
        )
        tasks = con.execute(
            "select team_name, phase, task_effort_hours, "
            "counterfactual_effort_hours * control_effort_ratio "
            "from intermediate.int_ai_task_hours_saved "
            "where measured_control_adjusted_hours_saved is not null"
        ).fetchall()
        # a team's interval is published only when min_group_size people are behind its
        # hours (else null: no verdict for that team)
        intervals = {
            (scope_type, name): (low, high)
            for scope_type, name, low, high in con.execute(
                "select scope_type, scope_name, hours_saved_lower_90, hours_saved_upper_90 "
                "from marts.fct_headline_intervals where period_type = 'total'"
            ).fetchall()
        }
        quality, leakage, realised = _quality_and_leakage(con, truth_of(folder))
    finally:
        con.close()
    alternatives = pooled_alternatives(
        [(team, phase, float(e), float(cf)) for team, phase, e, cf in tasks]
    )
    teams = {}
    for team, phases in sorted(truth["teams"].items()):
        true_impact = phases["impact"]["hours"]
        estimate = float(impact.get(team) or 0.0)
        low, high = intervals.get(("team", team), (None, None))
        teams[team] = {
            "truth": true_impact,
            "estimate": estimate,
            "error": estimate / true_impact - 1 if true_impact else None,
            "covered": None if low is None else low <= phases["total"]["hours"] <= high,
            **{
                f"{name}_error": (hours.get(team, 0.0) / true_impact - 1 if true_impact else None)
                for name, hours in alternatives.items()
            },
        }
    org_truth = truth["org"]["impact"]["hours"]
    org_estimate = sum(float(v or 0.0) for v in impact.values())
    low, high = intervals.get(("org", "all"), (None, None))
    return {
        "org": {
            "truth": org_truth,
            "estimate": org_estimate,
            "error": org_estimate / org_truth - 1,
            "covered": None if low is None else low <= truth["org"]["total"]["hours"] <= high,
            **{
                f"{name}_error": sum(hours.values()) / org_truth - 1
                for name, hours in alternatives.items()
            },
        },
        "teams": teams,
        "quality": quality,
        "leakage": leakage,
        "realised": realised,
    }


def truth_of(folder: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((folder / "data" / "manifest.json").read_text())
    return manifest


def _quality_and_leakage(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], list[dict[str, Any]]]:
    """The waterfall's two other estimates against the simulation's truth, when the world's
    warehouse has them: the quality-regression team's control-adjusted extra failed
    deployments, with their 90% interval, and their cost (fct_net_gain_waterfall, the team's
    whole history) against `true_quality_regression`; the other treatment teams' extra failed
    deployments and intervals (`no_regression`, truth 0); and every treatment team's leakage
    share (1 - reinvestment
    rate, int_leakage_team: the one estimate, before suppression) with its 90% interval and
    status against `true_leakage` (the leakage team idles half of each saving, the others 0);
    and, where a team's leakage is netted, its realised net gain and 90% interval (whole
    history) against the truth: true value saved x (1 - true leakage share) - AI cost (exact)
    - the true quality cost (the regression team's, 0 for the others)."""
    tables = {
        name
        for (name,) in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "union all select schema_name || '.' || view_name from duckdb_views()"
        ).fetchall()
    }
    if "marts.fct_net_gain_waterfall" not in tables or "true_quality_regression" not in manifest:
        return None, [], []
    regression = manifest["true_quality_regression"]
    cursor = con.execute(
        "select * from marts.fct_net_gain_waterfall "
        "where scope_type = 'team' and period_type = 'total' order by scope_name"
    )
    names = [d[0] for d in cursor.description]
    rows = {row[1]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}

    def number(row: dict[str, Any] | None, column: str) -> float | None:
        value = None if row is None else row.get(column)
        return None if value is None else float(value)

    row = rows.get(regression["team"])
    true_total = regression["phases"]["total"]
    quality = {
        "team": regression["team"],
        "true_extra_failed": true_total["extra_failed_deployments"],
        "extra_failed": number(row, "extra_failed_deployments"),
        "extra_failed_lower": number(row, "extra_failed_deployments_lower_90"),
        "extra_failed_upper": number(row, "extra_failed_deployments_upper_90"),
        "true_cost": true_total["cost_usd"],
        "cost": number(row, "failure_cost_usd"),
        # the teams without a regression (truth: 0 extra failed deployments)
        "no_regression": [
            {
                "team": name,
                "extra_failed": number(other, "extra_failed_deployments"),
                "lower": number(other, "extra_failed_deployments_lower_90"),
                "upper": number(other, "extra_failed_deployments_upper_90"),
            }
            for name, other in rows.items()
            if name != regression["team"] and other.get("extra_failed_deployments") is not None
        ],
    }
    leakage = []
    truth = manifest["true_leakage"]
    for team, rate, half_width, status in con.execute(
        "select team_name, reinvestment_rate, reinvestment_rate_half_width_90, leakage_status "
        "from intermediate.int_leakage_team"
    ).fetchall():
        if team not in truth["teams"] or rate is None:
            continue
        leakage.append(
            {
                "team": team,
                "is_leakage_team": team == truth["team"],
                "true_share": truth["teams"][team]["impact"]["leakage_share"],
                "share": 1 - rate,
                "half_width": half_width,
                "status": status,
            }
        )
    true_values = {
        team: phases["total"].get("value_usd")
        for team, phases in manifest.get("true_hours_saved", {}).get("teams", {}).items()
    }
    realised = []
    for name, row in rows.items():
        estimate = number(row, "realised_net_gain_usd")
        true_value = true_values.get(name)
        if estimate is None or true_value is None or name not in truth["teams"]:
            continue
        true_quality = true_total["cost_usd"] if name == regression["team"] else 0.0
        realised.append(
            {
                "team": name,
                "truth": true_value * (1 - truth["teams"][name]["impact"]["leakage_share"])
                - (number(row, "ai_total_cost_usd") or 0.0)
                - true_quality,
                "estimate": estimate,
                "lower": number(row, "realised_net_gain_usd_lower_90"),
                "upper": number(row, "realised_net_gain_usd_upper_90"),
            }
        )
    return quality, leakage, realised


def summarise(results: dict[int, dict[str, Any]]) -> list[str]:
    """The lines printed after the per-seed table."""
    errors = [r["org"]["error"] for r in results.values()]
    n = len(errors)
    mean = statistics.fmean(errors)
    sd = statistics.stdev(errors) if n > 1 else float("nan")
    rms = math.sqrt(statistics.fmean(e * e for e in errors))
    lines = [
        f"seeds: {n}",
        f"organisation, impact phase: mean error {mean:+.1%} (standard error "
        f"{sd / math.sqrt(n):.1%}), standard deviation {sd:.1%}, root mean square {rms:.1%}; "
        f"within 5%: {sum(abs(e) <= 0.05 for e in errors)} of {n}",
    ]
    # team names and roles differ between worlds: pooled over every treatment team of every seed
    team_errors = [
        row["error"]
        for result in results.values()
        for row in result["teams"].values()
        if row["error"] is not None
    ]
    if team_errors:
        lines.append(
            f"a treatment team: mean error {statistics.fmean(team_errors):+.1%}, root mean square "
            f"{math.sqrt(statistics.fmean(v * v for v in team_errors)):.1%}; within 15%: "
            f"{sum(abs(e) <= 0.15 for e in team_errors)} of {len(team_errors)}"
        )
    for name in ("pooled", "blended"):
        values = [
            row[f"{name}_error"]
            for result in results.values()
            for row in result["teams"].values()
            if row.get(f"{name}_error") is not None
        ]
        org_values = [
            r["org"][f"{name}_error"] for r in results.values() if f"{name}_error" in r["org"]
        ]
        if values and org_values:
            lines.append(
                f"  not published, for comparison: {name} multiplier: organisation mean error "
                f"{statistics.fmean(org_values):+.1%}, standard deviation "
                f"{statistics.stdev(org_values) if len(org_values) > 1 else float('nan'):.1%}; "
                f"a treatment team's root mean square "
                f"{math.sqrt(statistics.fmean(v * v for v in values)):.1%}, within 15%: "
                f"{sum(abs(v) <= 0.15 for v in values)} of {len(values)}"
            )
    org_cover = [r["org"]["covered"] for r in results.values() if r["org"]["covered"] is not None]
    team_cover = [
        row["covered"]
        for r in results.values()
        for row in r["teams"].values()
        if row["covered"] is not None
    ]
    lines.append(
        f"90% intervals (whole history) holding the truth: organisation {sum(org_cover)} of "
        f"{len(org_cover)}, published teams {sum(team_cover)} of {len(team_cover)}"
    )
    lines += _summarise_quality_and_leakage(results)
    return lines


def _summarise_quality_and_leakage(results: dict[int, dict[str, Any]]) -> list[str]:
    quality = [
        r["quality"]
        for r in results.values()
        if r.get("quality") and r["quality"]["extra_failed"] is not None
    ]
    lines = []
    if quality:
        failed = [q["extra_failed"] - q["true_extra_failed"] for q in quality]
        cost = [
            q["cost"] / q["true_cost"] - 1
            for q in quality
            if q["true_cost"] and q["cost"] is not None
        ]
        held = [
            q["extra_failed_lower"] <= q["true_extra_failed"] <= q["extra_failed_upper"]
            for q in quality
            if q.get("extra_failed_lower") is not None and q.get("extra_failed_upper") is not None
        ]
        lines.append(
            f"quality regression team ({len(quality)} worlds): extra failed deployments, mean "
            f"error {statistics.fmean(failed):+.1f} (true mean "
            f"{statistics.fmean(q['true_extra_failed'] for q in quality):.1f}), standard "
            f"deviation {statistics.stdev(failed) if len(failed) > 1 else float('nan'):.1f}; "
            f"its cost, mean error {statistics.fmean(cost):+.1%}; 90% interval held the truth "
            f"in {sum(held)} of {len(held)}"
        )
        others = [
            x
            for q in quality
            for x in q.get("no_regression", [])
            if x["lower"] is not None and x["upper"] is not None
        ]
        if others:
            lines.append(
                f"teams with no quality regression (true 0): extra failed deployments, mean "
                f"{statistics.fmean(x['extra_failed'] for x in others):+.1f} over "
                f"{len(others)} team cases; 90% interval held 0 in "
                f"{sum(x['lower'] <= 0 <= x['upper'] for x in others)}"
            )
    leak = [row for r in results.values() for row in r.get("leakage", [])]
    for label, rows in (
        ("the leakage team (true share 0.5)", [x for x in leak if x["is_leakage_team"]]),
        ("teams with no idle leakage (true 0)", [x for x in leak if not x["is_leakage_team"]]),
    ):
        if not rows:
            continue
        covered = sum(
            x["half_width"] is not None and abs(x["share"] - x["true_share"]) <= x["half_width"]
            for x in rows
        )
        measured = [x for x in rows if x["status"] == "measured"]
        lines.append(
            f"leakage share, {label}: mean estimate "
            f"{statistics.fmean(x['share'] for x in rows):.2f} over {len(rows)} team cases; "
            f"90% interval held the truth in {covered}; netted ('measured') in {len(measured)}"
            + (
                f", of which within 0.25 of the truth {sum(abs(x['share'] - x['true_share']) <= 0.25 for x in measured)}"
                if measured
                else ""
            )
        )
    realised = [
        x
        for r in results.values()
        for x in r.get("realised", [])
        if x["truth"] and x["lower"] is not None and x["upper"] is not None
    ]
    if realised:
        lines.append(
            f"realised net gain, teams whose leakage is netted: {len(realised)} team cases; mean "
            f"error {statistics.fmean(x['estimate'] / x['truth'] - 1 for x in realised):+.1%}; "
            f"90% interval held the truth in "
            f"{sum(x['lower'] <= x['truth'] <= x['upper'] for x in realised)}"
        )
    return lines


def table(results: dict[int, dict[str, Any]]) -> list[str]:
    teams = sorted({team for r in results.values() for team in r["teams"]})
    header = ["seed", "org truth h", "org est. h", "org error", *teams]
    rows = [header]
    for seed, result in sorted(results.items()):
        org = result["org"]
        row = [
            str(seed),
            f"{org['truth']:,.0f}",
            f"{org['estimate']:,.0f}",
            f"{org['error']:+.1%}" + ("" if org["covered"] in (None, True) else " (outside)"),
        ]
        for team in teams:
            cell = result["teams"].get(team)
            row.append("" if cell is None or cell["error"] is None else f"{cell['error']:+.0%}")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return ["  ".join(cell.rjust(widths[i]) for i, cell in enumerate(r)) for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0-9", help="e.g. 0-9 or 1,5,42 (default 0-9)")
    parser.add_argument("--keep", type=Path, default=DEFAULT_DIR, help="one folder per seed")
    parser.add_argument(
        "--reuse", action="store_true", help="compare a seed already built in --keep again"
    )
    args = parser.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    results: dict[int, dict[str, Any]] = {}
    for seed in seeds:
        folder = args.keep / f"seed_{seed}"
        built = (folder / "warehouse" / "ai_roi.duckdb").exists()
        if not (args.reuse and built):
            shutil.rmtree(folder, ignore_errors=True)
            started = time.monotonic()
            run_seed(seed, folder)
            print(f"seed {seed}: built in {time.monotonic() - started:.0f} s", flush=True)
        results[seed] = compare(folder)
        org = results[seed]["org"]
        print(f"seed {seed}: organisation {org['error']:+.1%}", flush=True)
    print()
    for line in [*table(results), "", *summarise(results)]:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
