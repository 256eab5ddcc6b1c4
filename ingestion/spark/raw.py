"""Raw tables for the Spark target: Parquet folders in dlt's filesystem layout
(`<raw_dir>/<dataset>/<table>/<load_id>.<file_id>.parquet`, what dlt's `filesystem`
destination writes with `bucket_url=<raw_dir>`), registered in the session's metastore as
external tables `<dataset>.<table>` (the schemas the sources' YAML names).

The feed is sources -> DuckDB raw (validated by Great Expectations) -> dlt -> Parquet ->
Spark. `export_from_duckdb` is that dlt step: one pipeline per raw schema (dataset name =
the schema, e.g. `raw_github`), one resource per table, each yielding Arrow batches read
from DuckDB, so names, types and the `_dlt_*` columns arrive as DuckDB holds them; written
with `write_disposition="replace"` (a second export replaces each table's files). The same
source loads Databricks by swapping the destination (`dlt.destinations.databricks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: dlt's bookkeeping tables (`_dlt_loads`, `_dlt_version`, `_dlt_pipeline_state`) are not sources
_SKIP_PREFIX = "_dlt_"
#: rows per Arrow batch read from DuckDB
BATCH_ROWS = 100_000


def raw_tables(con: Any) -> dict[str, list[str]]:
    """The validated raw tables: `raw_*` schemas (not dlt's `*_staging`, not `raw_meta`),
    without dlt's bookkeeping tables; `{schema: [table, ...]}`."""
    rows = con.sql(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema like 'raw\\_%' escape '\\' and table_schema != 'raw_meta' "
        "and table_schema not like '%\\_staging' escape '\\' and table_type = 'BASE TABLE' "
        "order by 1, 2"
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for schema, table in rows:
        if not table.startswith(_SKIP_PREFIX):
            tables.setdefault(schema, []).append(table)
    return tables


def _arrow_batches(con: Any, schema: str, table: str, batch_rows: int) -> Iterator[Any]:
    """The table as Arrow tables of up to `batch_rows` rows, in the table's own order; an
    empty table yields one empty Arrow table, so its (empty) Parquet file still exists."""
    import pyarrow as pa

    cursor = con.cursor()  # its own connection: dlt interleaves the resources' generators
    try:
        result = cursor.execute(f'select * from "{schema}"."{table}"')
        # DuckDB 1.5 renamed fetch_record_batch (deprecated) to to_arrow_reader
        read = getattr(result, "to_arrow_reader", None) or result.fetch_record_batch
        reader = read(batch_rows)
        empty = True
        for batch in reader:
            if batch.num_rows:
                empty = False
                yield pa.Table.from_batches([batch])
        if empty:
            yield reader.schema.empty_table()
    finally:
        cursor.close()


def duckdb_raw_source(
    con: Any, schema: str, tables: list[str], batch_rows: int = BATCH_ROWS
) -> Any:
    """A dlt source named after the raw schema: one `replace` resource per table."""
    import dlt

    resources = [
        dlt.resource(
            _arrow_batches(con, schema, table, batch_rows),
            name=table,
            table_name=table,
            write_disposition="replace",
        )
        for table in tables
    ]

    @dlt.source(name=schema, max_table_nesting=0)
    def duckdb_raw() -> list[Any]:
        return resources

    return duckdb_raw()


def export_from_duckdb(
    duckdb_path: Path,
    raw_dir: Path,
    *,
    pipelines_dir: Path | None = None,
    batch_rows: int = BATCH_ROWS,
) -> list[str]:
    """Load every validated raw table of the DuckDB warehouse into `raw_dir` with dlt's
    filesystem destination (Parquet); returns the `<dataset>.<table>` names written.
    dlt's working folders go to `pipelines_dir` (default: `<raw_dir>/../dlt_pipelines`)."""
    import dlt
    import duckdb

    if not Path(duckdb_path).is_file():
        raise FileNotFoundError(
            f"export-raw: no DuckDB warehouse at {duckdb_path} (load and validate the sources "
            "first: `ai-roi run ...` or `ai-roi demo`)"
        )
    raw_dir = Path(raw_dir).resolve()
    raw_dir.mkdir(parents=True, exist_ok=True)
    pipelines = Path(pipelines_dir or raw_dir.parent / "dlt_pipelines").resolve()
    written: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        for schema, tables in raw_tables(con).items():
            pipeline = dlt.pipeline(
                pipeline_name=f"spark_{schema}",
                pipelines_dir=str(pipelines),
                destination=dlt.destinations.filesystem(bucket_url=raw_dir.as_uri()),
                dataset_name=schema,
            )
            pipeline.run(
                duckdb_raw_source(con, schema, tables, batch_rows), loader_file_format="parquet"
            )
            written.extend(f"{schema}.{table}" for table in tables)
    return written


def register_tables(session: Any, raw_dir: Path) -> list[str]:
    """(Re)create one external Parquet table per `<dataset>/<table>` folder holding Parquet
    (dlt's `_dlt_*` tables and its `init` marker files are skipped)."""
    registered: list[str] = []
    if not raw_dir.exists():
        return registered
    for dataset in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
        tables = [
            p
            for p in sorted(dataset.iterdir())
            if p.is_dir() and not p.name.startswith(_SKIP_PREFIX) and any(p.rglob("*.parquet"))
        ]
        if not tables:
            continue
        session.sql(f"create database if not exists `{dataset.name}`")
        for table in tables:
            name = f"`{dataset.name}`.`{table.name}`"
            session.sql(f"drop table if exists {name}")
            location = str(table).replace("'", "\\'")
            session.sql(
                f"create table {name} using parquet location '{location}' "
                "options (recursiveFileLookup 'true', pathGlobFilter '*.parquet')"
            )
            registered.append(f"{dataset.name}.{table.name}")
    return registered
