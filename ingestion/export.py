"""`python -m ingestion.export [--db PATH] [--out DIR] [--manifest PATH]`: the BI file.

Writes `<DIR>/ai_roi_bi.duckdb`, a DuckDB file holding only the published marts (schema
`marts`), and the same marts as `<DIR>/<model>.parquet` for BI tools that cannot open
DuckDB. Nothing raw, staged or intermediate, and nothing restricted (the PR-grain
`restricted.fct_change_lineage`) is copied: BI users open this file, never the warehouse.

The published marts are the dbt models built into the `marts` schema, read from dbt's
manifest (target/manifest.json, written by every dbt command): a table left in the
warehouse's `marts` schema by an older build is not a published mart and is left out
(and named on the console). The warehouse is opened read-only; each file is written
beside its target and then replaced whole, so a BI tool never reads half a file.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import duckdb

from ingestion.common.config import PROJECT_ROOT

MARTS_SCHEMA = "marts"
BI_FILE_NAME = "ai_roi_bi.duckdb"


def published_marts(manifest: dict) -> list[str]:
    """Names of the models dbt builds into the `marts` schema (tables or views), sorted."""
    names = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != MARTS_SCHEMA:
            continue
        if node.get("config", {}).get("materialized") not in {"table", "view", "incremental"}:
            continue
        if node.get("config", {}).get("enabled") is False:
            continue
        names.append(node.get("alias") or node["name"])
    return sorted(names)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_marts(
    db_path: Path | str, out_dir: Path | str, marts: list[str]
) -> tuple[Path, list[Path], list[str]]:
    """Copy `marts` (names in the warehouse's marts schema) into `out_dir/ai_roi_bi.duckdb`
    and `out_dir/<name>.parquet`. Returns the BI file, the Parquet files and the tables of
    the warehouse's marts schema that were left out (not published)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bi_file = out / BI_FILE_NAME
    bi_temporary = out / f".{BI_FILE_NAME}.tmp"
    bi_temporary.unlink(missing_ok=True)
    written: list[Path] = []
    # The BI file is the connection's database; the warehouse is attached read-only under
    # its own name (its views name their catalog after the file).
    warehouse = '"' + Path(db_path).stem.replace('"', '""') + '"'
    con = duckdb.connect(str(bi_temporary))
    try:
        con.execute(f"attach {_literal(Path(db_path))} as {warehouse} (read_only)")
        present = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = ? and table_schema = ?",
                [Path(db_path).stem, MARTS_SCHEMA],
            ).fetchall()
        }
        missing = sorted(set(marts) - present)
        if missing:
            raise SystemExit(
                f"{db_path}: published marts not built: {', '.join(missing)} "
                "(run `make demo` or `ai-roi build` first)"
            )
        con.execute(f"create schema {MARTS_SCHEMA}")
        for name in sorted(marts):
            relation = f'{warehouse}."{MARTS_SCHEMA}"."{name}"'
            con.execute(f'create table {MARTS_SCHEMA}."{name}" as select * from {relation}')
            target = out / f"{name}.parquet"
            temporary = out / f".{name}.parquet.tmp"
            con.execute(
                f"copy (select * from {relation}) to {_literal(temporary)} (format parquet)"
            )
            temporary.replace(target)
            written.append(target)
        con.execute(f"detach {warehouse}")
    except BaseException:
        con.close()
        bi_temporary.unlink(missing_ok=True)
        raise
    con.close()
    bi_temporary.replace(bi_file)
    return bi_file, written, sorted(present - set(marts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.export", description=__doc__)
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("AI_ROI_DUCKDB_PATH", "warehouse/ai_roi.duckdb")),
    )
    parser.add_argument("--out", type=Path, default=Path("exports"))
    parser.add_argument("--manifest", type=Path, default=PROJECT_ROOT / "target" / "manifest.json")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db} not found: run `make demo` (or `ai-roi build`) first")
    if not args.manifest.exists():
        parser.error(f"{args.manifest} not found: run `dbt parse` (or `make demo`) first")
    marts = published_marts(json.loads(args.manifest.read_text()))
    bi_file, written, left_out = export_marts(args.db, args.out, marts)
    print(f"{len(written)} published marts exported to {bi_file} and {args.out}/<mart>.parquet")
    if left_out:
        print(
            f"left out (in the warehouse's marts schema, not a published mart): {', '.join(left_out)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
