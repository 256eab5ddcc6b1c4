"""`make bench`: ingestion, build and direct-SQL timings and peak memory per data size.

    python -m ingestion.bench [--sizes 1/8,1/4] [--max-dlt-seconds 600] [--regenerate] [--spark]

Per size, under `bench/runs/<size>/` (data, warehouse, dlt state, dbt target and logs):
1. generate the demo company at that scale (`--scale TxSxM`; reused if already there);
2. load files, ai_usage_files, copilot, jira and incidents with the real dlt sources from
   the local HTTP server;
3. github, the largest API-shaped source: the real source over HTTP on a sample of
   `--sample-repos` repositories (rows/s), once with pull requests from GraphQL (the
   headline rate) and once from REST, the same sample's pages fetched by the source's
   HTTP client without dlt (both transports) (`ingestion.bench.http_floor`, the API's request-count cost),
   and DuckDB reading the same JSONL (`ingestion.bench.raw_loader`, the floor). When the
   sample's rate predicts more than `--max-dlt-seconds` for the whole size, raw_github is
   loaded by the raw loader instead of the source (said in the output and in
   `github.loaded_by`); otherwise by the source. The demo server runs in a child process
   of each ingestion step;
4. `dbt build --full-refresh`, then the compiled SQL of the five slowest models executed
   directly in a copy of the warehouse, then one more day of PRs, deployments and Copilot
   rows appended to the raw tables and an incremental `dbt build`;
5. with `--spark` (and the Spark extra installed: `make setup-spark`; skipped with the
   reason otherwise), before step 4's extra day: the raw tables to Parquet by the dlt
   filesystem pipeline and the same full build on the `spark` target (local session),
   with its ratio to the DuckDB full build (`ingestion.bench.spark_build`).
Every step runs as a child process; its peak RSS comes from `os.wait4`. Results print as
a table and go to `bench/results.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.bench.core import SIZES, parse_sizes, rate, ratio, results_document, size_slug
from ingestion.bench.core import table_lines as format_table
from ingestion.bench.spark_build import spark_missing
from ingestion.bench.steps import OTHER_SOURCES, RESULT_PREFIX
from ingestion.common.config import PROJECT_ROOT, TELEMETRY_OFF

BENCH_DIR = PROJECT_ROOT / "bench"


def run_step(step: str, args: dict[str, Any], env: dict[str, str], log: Path) -> tuple[Any, float]:
    """Run one step in a child process; return (its result, its peak RSS in MB)."""
    command = [sys.executable, "-m", "ingestion.bench.steps", step, json.dumps(args)]
    with log.open("a") as out:
        out.write(f"\n### {step} {json.dumps(args)}\n")
        out.flush()
        proc = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=out, text=True
        )
        assert proc.stdout is not None
        result_line = None
        for line in proc.stdout:
            out.write(line)
            if line.startswith(RESULT_PREFIX):
                result_line = line[len(RESULT_PREFIX) :]
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or result_line is None:
        raise RuntimeError(f"bench step {step} failed (exit {proc.returncode}); see {log}")
    peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
    return json.loads(result_line), peak_mb


def bench_size(label: str, args: argparse.Namespace, say: Any) -> dict[str, Any]:
    slug = size_slug(label)
    run_dir = BENCH_DIR / "runs" / slug
    data_dir = run_dir / "data"
    db = run_dir / "warehouse" / "ai_roi.duckdb"
    pipelines = run_dir / "warehouse" / ".dlt_pipelines"
    sample_db = run_dir / "sample" / "ai_roi.duckdb"
    floor_db = run_dir / "floor" / "ai_roi.duckdb"
    for folder in (db.parent, sample_db.parent, floor_db.parent, run_dir / "target"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    log = run_dir / "bench.log"
    log.write_text("")
    env = dict(os.environ)
    env.update(TELEMETRY_OFF)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT))
    env.update({"AI_ROI_DUCKDB_PATH": str(db), "AI_ROI_PIPELINES_DIR": str(pipelines)})
    sample_env = dict(env, AI_ROI_DUCKDB_PATH=str(sample_db))
    sample_env["AI_ROI_PIPELINES_DIR"] = str(sample_db.parent / ".dlt_pipelines")
    seconds: dict[str, float] = {}
    rss: dict[str, float] = {}
    out: dict[str, Any] = {"scale": SIZES[label], "run_dir": str(run_dir.relative_to(PROJECT_ROOT))}

    def step(
        name: str, step_name: str, step_args: dict[str, Any], step_env: dict[str, str] = env
    ) -> Any:
        say(f"  [{label}] {name} ...")
        result, peak = run_step(step_name, step_args, step_env, log)
        rss[name] = round(peak, 1)
        if isinstance(result, dict) and "seconds" in result:
            seconds[name] = round(float(result["seconds"]), 2)
        elif isinstance(result, dict):  # several sources: sum theirs
            parts = [v.get("seconds", 0) for v in result.values() if isinstance(v, dict)]
            if parts:
                seconds[name] = round(sum(float(p) for p in parts), 2)
        say(f"  [{label}] {name}: {seconds.get(name, 0):.1f}s, peak RSS {peak:,.0f} MB")
        return result

    if args.regenerate or not (data_dir / "manifest.json").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        step("generate", "generate", {"data_dir": str(data_dir), "scale": SIZES[label]})
    repo_lines = (data_dir / "api" / "github" / "repos.jsonl").read_text().splitlines()
    names = sorted(json.loads(line)["full_name"] for line in repo_lines if line.strip())
    sample = names[: args.sample_repos]

    other = step(
        "ingest_other_sources",
        "ingest",
        {"data_dir": str(data_dir), "db": str(db), "sources": list(OTHER_SOURCES)},
    )
    out["other_sources"] = {
        k: {"rows": v["rows"], "seconds": round(v["seconds"], 2)} for k, v in other.items()
    }
    servers = {"ingest_other_sources": max(v["server_peak_rss_mb"] for v in other.values())}
    sample_args = {
        "data_dir": str(data_dir),
        "db": str(sample_db),
        "sources": ["github"],
        "repositories": sample,
    }
    # the same sample by each pulls transport; the GraphQL one is the source's headline rate
    sampled = step(
        "github_dlt_sample", "ingest", {**sample_args, "github_pulls_api": "graphql"}, sample_env
    )["github"]
    servers["github_dlt_sample"] = sampled["server_peak_rss_mb"]
    shutil.rmtree(sample_db.parent, ignore_errors=True)  # a first run again, not incremental
    sample_db.parent.mkdir(parents=True, exist_ok=True)
    sampled_rest = step(
        "github_dlt_sample_rest", "ingest", {**sample_args, "github_pulls_api": "rest"}, sample_env
    )["github"]
    servers["github_dlt_sample_rest"] = sampled_rest["server_peak_rss_mb"]
    http = step(
        "github_http_floor",
        "github_http_floor",
        {"data_dir": str(data_dir), "repositories": sample, "pulls_api": "graphql"},
    )
    servers["github_http_floor"] = http["server_peak_rss_mb"]
    http_rest = step(
        "github_http_floor_rest",
        "github_http_floor",
        {"data_dir": str(data_dir), "repositories": sample, "pulls_api": "rest"},
    )
    servers["github_http_floor_rest"] = http_rest["server_peak_rss_mb"]
    floor = step(
        "github_duckdb_floor", "raw_load_github", {"data_dir": str(data_dir), "db": str(floor_db)}
    )
    dlt_rate = rate(sampled["rows"], sampled["seconds"])
    predicted = ratio(floor["rows"], dlt_rate)
    github: dict[str, Any] = {
        "sample_repositories": sample,
        "pulls_api": "graphql",
        "dlt_sample_rows": sampled["rows"],
        "dlt_sample_seconds": round(sampled["seconds"], 2),
        "dlt_rows_per_s": dlt_rate,
        "rest_dlt_sample_rows": sampled_rest["rows"],
        "rest_dlt_sample_seconds": round(sampled_rest["seconds"], 2),
        "rest_dlt_rows_per_s": rate(sampled_rest["rows"], sampled_rest["seconds"]),
        "graphql_over_rest": ratio(
            rate(sampled["rows"], sampled["seconds"]),
            rate(sampled_rest["rows"], sampled_rest["seconds"]),
        ),
        "duckdb_rows": floor["rows"],
        "duckdb_seconds": round(floor["seconds"], 2),
        "duckdb_rows_per_s": rate(floor["rows"], floor["seconds"]),
        "predicted_dlt_seconds_all_repos": predicted,
        # the same sample's pages fetched with the source's client and no dlt
        "http_floor_requests": http["requests"],
        "http_floor_seconds": round(http["seconds"], 2),
        "http_floor_requests_per_s": http["requests_per_s"],
        "http_floor_rows_per_s": rate(sampled["rows"], http["seconds"]),
        "dlt_over_http_floor": ratio(sampled["seconds"], http["seconds"]),
        "rows_per_request": ratio(sampled["rows"], http["requests"]),
        "rest_http_floor_requests": http_rest["requests"],
        "rest_http_floor_seconds": round(http_rest["seconds"], 2),
        "rest_http_floor_rows_per_s": rate(sampled_rest["rows"], http_rest["seconds"]),
        "rest_rows_per_request": ratio(sampled_rest["rows"], http_rest["requests"]),
    }
    if predicted is not None and predicted <= args.max_dlt_seconds:
        full = step(
            "github_dlt_all",
            "ingest",
            {
                "data_dir": str(data_dir),
                "db": str(db),
                "sources": ["github"],
                "github_pulls_api": "graphql",
            },
        )["github"]
        servers["github_dlt_all"] = full["server_peak_rss_mb"]
        github.update(
            loaded_by="dlt github source over HTTP",
            dlt_rows=full["rows"],
            dlt_seconds=round(full["seconds"], 2),
            dlt_rows_per_s=rate(full["rows"], full["seconds"]),
        )
    else:
        step("github_raw_loader", "raw_load_github", {"data_dir": str(data_dir), "db": str(db)})
        github["loaded_by"] = (
            f"ingestion.bench.raw_loader (DuckDB from JSONL): the source's rate predicts "
            f"{(predicted or 0) / 60:.0f} min > {args.max_dlt_seconds / 60:.0f} min"
        )
        say(f"  [{label}] github loaded by the raw loader: {github['loaded_by']}")
    github["duckdb_over_dlt"] = ratio(github["duckdb_rows_per_s"], github["dlt_rows_per_s"])
    out["github"] = github
    out["api_server_peak_rss_mb"] = {k: round(v, 1) for k, v in servers.items() if v}
    counted = step("count_raw_rows", "raw_rows", {"db": str(db)})
    out["raw_rows"] = counted["rows"]
    out["raw_row_counts"] = counted["row_counts"]

    dbt_args = {"db": str(db), "run_dir": str(run_dir)}
    step("stamp_daily_loads", "stamp_daily_loads", {"db": str(db)})
    step("dbt_parse", "dbt_parse", dbt_args)  # every build below starts warm
    full_build = step("dbt_full_build", "dbt_build", {**dbt_args, "full_refresh": True})
    out["dbt_full_build"] = full_build
    floor_result = step("direct_floor", "direct_floor", dbt_args)
    out["direct_floor"] = {k: v for k, v in floor_result.items() if k != "top5"}
    out["top5"] = floor_result["top5"]
    seconds["top5_direct"] = round(out["top5"]["direct_seconds"], 2)
    out["build_over_floor"] = ratio(full_build["seconds"], floor_result["seconds"])
    if args.spark:  # on the raw tables the DuckDB full build read
        skipped = spark_missing()
        if skipped:
            say(f"  [{label}] Spark build skipped: {skipped}")
            out["spark"] = {"skipped": skipped}
        else:
            spark = step("spark_full_build", "spark_build", dbt_args)
            out["spark"] = spark
            if spark["success"]:
                out["spark_over_duckdb"] = ratio(spark["seconds"], full_build["seconds"])
            else:
                say(f"  [{label}] Spark build FAILED: {spark.get('summary') or spark.get('error')}")
    out["append_day"] = step("append_day", "append_day", {"db": str(db)})
    incremental = step("dbt_incremental_build", "dbt_build", {**dbt_args, "full_refresh": False})
    out["dbt_incremental_build"] = incremental
    # the fixed cost: the same build over the same raw tables, empty
    empty_db = run_dir / "empty" / "ai_roi.duckdb"
    step("empty_copy", "empty_copy", {"db": str(db), "empty_db": str(empty_db)})
    empty_args = {"db": str(empty_db), "run_dir": str(empty_db.parent), "full_refresh": True}
    empty_env = dict(env, AI_ROI_DUCKDB_PATH=str(empty_db))
    # twice: the first parses cold (another warehouse path is another profile to dbt)
    step("dbt_empty_build_cold", "dbt_build", empty_args, empty_env)
    out["dbt_empty_build"] = step("dbt_empty_build", "dbt_build", empty_args, empty_env)
    out["seconds"] = seconds
    out["peak_rss_mb"] = rss
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sizes", default="", help="comma list of 1/8,1/4,1/2,full (default all)")
    parser.add_argument("--max-dlt-seconds", type=float, default=600.0)
    parser.add_argument("--sample-repos", type=int, default=2)
    parser.add_argument("--regenerate", action="store_true", help="regenerate data even if present")
    parser.add_argument(
        "--keep", action="store_true", help="keep other sizes' results already in --output"
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument(
        "--spark",
        action="store_true",
        help="also the full build on the Spark target (needs `make setup-spark`; minutes per size)",
    )
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    runs: dict[str, Any] = {}
    if args.keep and args.output.exists():  # earlier sizes not re-run this time
        earlier = json.loads(args.output.read_text()).get("sizes", {})
        runs.update({k: v for k, v in earlier.items() if k not in sizes})

    def say(text: str) -> None:
        print(text, flush=True)

    def write() -> dict[str, Any]:
        ordered = {label: runs[label] for label in SIZES if label in runs}
        document = results_document(ordered, started_at=started_at, machine=machine)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(document, indent=2, default=str) + "\n")
        return document

    if args.spark and spark_missing():
        say(f"==> the Spark column is skipped: {spark_missing()}")
    for label in sizes:
        say(f"==> size {label} (--scale {SIZES[label]})")
        begun = time.monotonic()
        runs[label] = bench_size(label, args, say)
        runs[label]["wall_seconds"] = round(time.monotonic() - begun, 1)
        write()  # partial results survive a later size's failure
    document = write()
    say("")
    for line in format_table(document["sizes"]):
        say(line)
    for key, value in document["summary"].items():
        say(f"{key}: {'-' if value is None else f'{value:.2f}'}")
    say(f"==> results: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
