"""Raw tables for the Spark target: Parquet folders in dlt's filesystem layout
(`<raw_dir>/<dataset>/<table>/*.parquet`, the layout dlt's `filesystem` destination writes
with `bucket_url=<raw_dir>`), registered in the session's metastore as external tables
`<dataset>.<table>` (the schemas the sources' YAML names).

`export_from_duckdb` writes a DuckDB warehouse's raw tables in that layout, so the demo
company (or any DuckDB load) feeds Spark with the very rows the DuckDB build read.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

#: dlt's bookkeeping tables are not sources
_SKIP_PREFIX = "_dlt_"


def export_from_duckdb(duckdb_path: Path, raw_dir: Path) -> list[str]:
    """Copy every `raw_*` table (not dlt's `*_staging` or `raw_meta`) to Parquet; returns
    the `<dataset>.<table>` names written. Replaces what `raw_dir` held."""
    import duckdb

    if raw_dir.exists():
        shutil.rmtree(raw_dir)
    written: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        rows = con.sql(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw\\_%' escape '\\' and table_schema != 'raw_meta' "
            "and table_schema not like '%\\_staging' escape '\\' order by 1, 2"
        ).fetchall()
        for schema, table in rows:
            if table.startswith(_SKIP_PREFIX):
                continue
            folder = raw_dir / schema / table
            folder.mkdir(parents=True, exist_ok=True)
            target = str(folder / "part-0.parquet").replace("'", "''")
            con.execute(f'copy "{schema}"."{table}" to \'{target}\' (format parquet)')
            written.append(f"{schema}.{table}")
    return written


def register_tables(session: Any, raw_dir: Path) -> list[str]:
    """(Re)create one external Parquet table per `<dataset>/<table>` folder holding Parquet."""
    registered: list[str] = []
    if not raw_dir.exists():
        return registered
    for dataset in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
        session.sql(f"create database if not exists `{dataset.name}`")
        for table in sorted(p for p in dataset.iterdir() if p.is_dir()):
            if table.name.startswith(_SKIP_PREFIX) or not any(table.rglob("*.parquet")):
                continue
            name = f"`{dataset.name}`.`{table.name}`"
            session.sql(f"drop table if exists {name}")
            location = str(table).replace("'", "\\'")
            session.sql(
                f"create table {name} using parquet location '{location}' "
                "options (recursiveFileLookup 'true')"
            )
            registered.append(f"{dataset.name}.{table.name}")
    return registered
