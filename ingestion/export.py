"""`python -m ingestion.export [--db PATH] [--out DIR]`: every mart to `<DIR>/<model>.parquet`.

A read-only copy for BI tools that cannot open DuckDB, or that must not hold its lock while
dbt builds. The warehouse is opened read-only; each file is replaced whole.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"


def export_marts(db_path: Path | str, out_dir: Path | str) -> list[Path]:
    """Write every table and view of the marts schema to `out_dir/<name>.parquet`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    written: list[Path] = []
    try:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        for name in names:
            target = out / f"{name}.parquet"
            temporary = target.with_suffix(".parquet.tmp")
            relation = f'"{MARTS_SCHEMA}"."{name}"'
            path_literal = str(temporary).replace("'", "''")
            con.execute(f"copy (select * from {relation}) to '{path_literal}' (format parquet)")
            temporary.replace(target)
            written.append(target)
    finally:
        con.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.export", description=__doc__)
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("AI_ROI_DUCKDB_PATH", "warehouse/ai_roi.duckdb")),
    )
    parser.add_argument("--out", type=Path, default=Path("exports"))
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db} not found: run `make demo` (or `ai-roi build`) first")
    written = export_marts(args.db, args.out)
    print(f"{len(written)} marts exported to {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
