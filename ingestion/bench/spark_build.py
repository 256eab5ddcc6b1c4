"""The bench's Spark column (`python -m ingestion.bench --spark`): the same full build on
the `spark` target (local session, the machinery of `python -m ingestion.spark`).

The size's DuckDB warehouse, right after its full build, has its validated raw tables
exported to Parquet by the dlt filesystem pipeline (`ingestion.spark.raw`), then
`dbt build --full-refresh` runs on Spark with the same node selection as the DuckDB full
build (models, seeds, data tests; no unit tests), in a fresh metastore under
`<run dir>/spark`. Run as a bench step (its own process); each part is a child process
(`python -m ingestion.spark ...`), timed apart.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ingestion.bench.build_steps import BUILD_SELECTION
from ingestion.common.config import PROJECT_ROOT


def spark_missing() -> str | None:
    """Why the Spark column cannot run here, or None when it can."""
    missing = []
    for module in ("pyspark", "dbt.adapters.spark"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(module)
    if missing:
        return f"the Spark extra is not installed ({', '.join(missing)}: make setup-spark)"
    if shutil.which("java") is None:
        return "no Java runtime on PATH (make setup-spark installs Java 17)"
    return None


def spark_build(db: str, run_dir: str) -> dict[str, Any]:
    """Raw tables to Parquet, then the full build on Spark; seconds of each and success."""
    from ingestion.orchestrate import dbt_env

    home = Path(run_dir) / "spark"
    shutil.rmtree(home, ignore_errors=True)  # a fresh metastore: a full build from nothing
    env = dbt_env(Path(db))
    env.update(
        AI_ROI_SPARK_DIR=str(home),
        DBT_PROJECT_DIR=str(PROJECT_ROOT),
        DBT_TARGET_PATH=str(Path(run_dir) / "target_spark"),
        DBT_LOG_PATH=str(Path(run_dir) / "logs_spark"),
    )
    python = sys.executable
    out: dict[str, Any] = {}
    started = time.monotonic()
    export = subprocess.run(
        [python, "-m", "ingestion.spark", "export-raw", "--duckdb", db],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    out["export_raw_seconds"] = time.monotonic() - started
    if export.returncode != 0:
        return {**out, "success": False, "error": export.stderr[-2000:]}
    started = time.monotonic()
    build = subprocess.run(
        [python, "-m", "ingestion.spark", "dbt", "build", "--full-refresh", *BUILD_SELECTION],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    out["seconds"] = time.monotonic() - started
    out["success"] = build.returncode == 0
    lines = build.stdout.splitlines()
    out["summary"] = [line for line in lines if "Done." in line or "ERROR" in line][-5:]
    return out
