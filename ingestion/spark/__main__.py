"""`python -m ingestion.spark <command>`:

- `demo --data DIR --duckdb PATH`: the demo company generated, ingested and built on DuckDB.
- `export-raw [--duckdb PATH]`: the DuckDB warehouse's validated raw tables to Parquet in
  raw_dir by a dlt pipeline (filesystem destination; dlt's state under the Spark dir).
- `compare [--duckdb PATH]`: every mart of the Spark build against the DuckDB build.
- `dbt <dbt args...>`: run dbt on the Spark target in this process, after building the
  session (metastore, pseudonym function) and registering the raw Parquet tables.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ingestion.spark.raw import export_from_duckdb, register_tables
from ingestion.spark.session import build_session, raw_dir


def run_dbt(args: list[str], project_dir: Path | None = None) -> bool:
    """dbt on the `spark` target, in this process (so it shares the session)."""
    from dbt.cli.main import dbtRunner

    from ingestion.spark import python_models

    python_models.install()
    project = Path(project_dir or os.environ.get("DBT_PROJECT_DIR") or Path.cwd())
    session = build_session(project)
    register_tables(session, raw_dir(project))
    if "--target" not in args and "-t" not in args:
        args = [*args, "--target", "spark"]
    # its own target path: switching targets in one target/ would cost a full re-parse
    os.environ.setdefault("DBT_TARGET_PATH", str(project / "target" / "spark"))
    result = dbtRunner().invoke(args)
    return bool(result.success)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        # a module, not `python -c`: with pyspark installed, importing pyspark.sql.connect
        # from a `-c` script exits 0 (it takes the script for a doctest run)
        from ingestion.demo_job import run_demo

        parser = argparse.ArgumentParser(prog="python -m ingestion.spark demo")
        parser.add_argument("--data", required=True)
        parser.add_argument("--duckdb", required=True)
        options = parser.parse_args(rest)
        run_demo(
            data_dir=Path(options.data),
            db_path=Path(options.duckdb),
            printer=lambda line: None,
            show_scorecard=False,
        )
        return 0
    if command == "export-raw":
        parser = argparse.ArgumentParser(prog="python -m ingestion.spark export-raw")
        parser.add_argument(
            "--duckdb", default=os.environ.get("AI_ROI_DUCKDB_PATH", "warehouse/ai_roi.duckdb")
        )
        options = parser.parse_args(rest)
        try:
            written = export_from_duckdb(Path(options.duckdb), raw_dir())
        except FileNotFoundError as exc:
            print(exc, file=sys.stderr)
            return 1
        if not written:
            print(f"export-raw: no raw tables in {options.duckdb}", file=sys.stderr)
            return 1
        print(f"{len(written)} raw tables written to {raw_dir()}")
        return 0
    if command == "compare":
        from ingestion.spark.compare import compare, table

        parser = argparse.ArgumentParser(prog="python -m ingestion.spark compare")
        parser.add_argument(
            "--duckdb", default=os.environ.get("AI_ROI_DUCKDB_PATH", "warehouse/ai_roi.duckdb")
        )
        options = parser.parse_args(rest)
        results, ok = compare(Path(options.duckdb), build_session(register_pseudonym=False))
        print(table(results))
        print(f"spark: {sum(r.ok for r in results)}/{len(results)} marts match the DuckDB build")
        return 0 if ok else 1
    if command == "dbt":
        started = time.monotonic()
        ok = run_dbt(rest)
        print(
            f"spark: dbt {' '.join(rest[:1])} {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s"
        )
        return 0 if ok else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
