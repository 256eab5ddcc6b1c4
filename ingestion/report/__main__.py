"""`python -m ingestion.report [--db PATH] [--out PATH]`: write the HTML report."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ingestion.report.report import write_report

DEFAULT_OUT = Path("reports/ai_roi_report.html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.report", description=__doc__)
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("AI_ROI_DUCKDB_PATH", "warehouse/ai_roi.duckdb")),
        help="the DuckDB warehouse (default: $AI_ROI_DUCKDB_PATH or warehouse/ai_roi.duckdb)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default {DEFAULT_OUT}")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db} not found: run `make demo` (or `ai-roi build`) first")
    started = time.perf_counter()
    out = write_report(args.db, args.out)
    size_mb = out.stat().st_size / 1e6
    print(f"report written to {out} ({size_mb:.1f} MB, {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
