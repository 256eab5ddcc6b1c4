"""`make test-spark`: the demo company built on Spark and compared with the DuckDB build.

1. the demo company into a private DuckDB warehouse (generate, serve, ingest, validate,
   dbt build: `ai-roi demo`), or the one in AI_ROI_TEST_REUSE_DEMO (a folder holding
   warehouse/ai_roi.duckdb, as for pytest);
2. its raw tables to Parquet in dlt's filesystem layout (`<dir>/spark/raw`);
3. `dbt build` on the Spark target: seeds, models, unit tests and data tests;
4. every mart compared with the DuckDB build (ingestion/spark/compare.py); the table
   is printed and written to `<dir>/mart_comparison.md`.

Steps 3 and 4 run as separate processes (the local metastore takes one process at a time).
Prints the time of each step; exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _step(title: str, command: list[str], env: dict[str, str]) -> float:
    print(f"==> {title}", flush=True)
    started = time.monotonic()
    completed = subprocess.run(command, env=env, check=False)
    elapsed = time.monotonic() - started
    print(f"    {title}: {elapsed:.0f}s", flush=True)
    if completed.returncode != 0:
        print(f"test-spark: {title} failed (exit {completed.returncode})", file=sys.stderr)
        raise SystemExit(1)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.spark.check")
    parser.add_argument("--dir", help="work folder (default: a new temporary folder)")
    options = parser.parse_args(argv)
    work = Path(options.dir or tempfile.mkdtemp(prefix="ai_roi_spark_")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["AI_ROI_SPARK_DIR"] = str(work / "spark")
    python = sys.executable
    reuse = env.get("AI_ROI_TEST_REUSE_DEMO")
    timings: dict[str, float] = {}
    if reuse:
        db = Path(reuse).resolve() / "warehouse" / "ai_roi.duckdb"
        print(f"==> reusing the demo warehouse {db}")
    else:
        db = work / "warehouse" / "ai_roi.duckdb"
        env["AI_ROI_DUCKDB_PATH"] = str(db)
        env["AI_ROI_PIPELINES_DIR"] = str(work / "warehouse" / ".dlt_pipelines")
        timings["demo on DuckDB"] = _step(
            "demo on DuckDB",
            [
                python,
                "-m",
                "ingestion.spark",
                "demo",
                "--data",
                str(work / "data"),
                "--duckdb",
                str(db),
            ],
            env,
        )
    timings["raw to Parquet"] = _step(
        "raw to Parquet", [python, "-m", "ingestion.spark", "export-raw", "--duckdb", str(db)], env
    )
    env["DBT_TARGET_PATH"] = str(work / "target")
    timings["dbt build on Spark"] = _step(
        "dbt build on Spark (models, unit and data tests)",
        [python, "-m", "ingestion.spark", "dbt", "build", "--quiet"],
        env,
    )
    out = work / "mart_comparison.md"
    print("==> marts: Spark vs DuckDB", flush=True)
    started = time.monotonic()
    completed = subprocess.run(
        [python, "-m", "ingestion.spark", "compare", "--duckdb", str(db)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    timings["compare"] = time.monotonic() - started
    print(completed.stdout, end="")
    out.write_text(completed.stdout)
    print("test-spark: " + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))
    if completed.returncode != 0:
        print(completed.stderr[-4000:], file=sys.stderr)
        print(f"test-spark: the marts differ (table in {out})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
