"""Check a load before it is committed: what `raw_<source>` would hold, and every cursor.

`run_source` extracts and normalizes a source into a load package (parquet files, one or
more per table, beside the pipeline state), then calls `check_package` *before* loading
it. Nothing of the run is in the warehouse yet, and dlt has not committed any cursor: on
a failure the package is aborted, which also rewinds the pipeline state (incremental
cursors, file digests) to where it was before the run.

What is checked:

- the source's Great Expectations suites, on the tables as the load would leave them:
  an in-memory DuckDB holds, per table, a view `raw_<source>.<table>` joining the
  warehouse's rows (attached read only) with the package's the way dlt's write
  disposition will: `replace` = the package's rows; `merge` = the warehouse rows whose
  primary or merge key the package does not carry, plus the package's rows (one per
  primary key), child tables following their root row; `append` = both. A suite with its
  own `query` reads these views under the same names. Only suites of tables the package
  writes run.
- the clock: no value of a `timestamp` column of the package may be later than now plus
  the allowed clock skew (`AI_ROI_MAX_CLOCK_SKEW_HOURS`, default 24 h).
- cursors: `CursorGuard` puts a step before the incremental step of every resource with a
  `dlt.sources.incremental` cursor: an item whose cursor value is later than now plus
  the skew is held back (so the cursor can never move there) and fails the run. Sources
  that keep their own cursors in dlt state (GitHub per repository, Copilot per day)
  take them from timestamp columns of the loaded rows, so the clock check holds those.

Each failure names the table, column, rule and failing record keys; `run_source`
writes them to `quarantine.<source>` (`ingestion.common.quarantine`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
from dlt.common.schema.typing import TSchemaTables
from dlt.common.schema.utils import get_root_table, get_write_disposition
from dlt.extract.items_transform import ItemTransform
from dlt.extract.resource import DltResource

from ingestion.common.config import dataset_name
from ingestion.common.errors import IngestionError
from ingestion.common.records import parse_timestamp
from ingestion.common.sql import scalar
from ingestion.common.validation import (
    LATEST,
    QUARANTINE_LIMIT,
    Failure,
    TableSuite,
    ValidationReport,
    latest_text,
    run_suites,
)

WAREHOUSE_ALIAS = "__warehouse"

#: the rule of the clock check and of the cursor guard
CLOCK_RULE = f"must not be later than {LATEST}"
CURSOR_RULE = f"is the incremental cursor and must not be later than {LATEST}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- the package ------------------------------------------------------------------------
def package_files(pipeline: Any, load_id: str) -> dict[str, list[Path]]:
    """The data files of each table in the normalized package `load_id` (not dlt's own)."""
    info = pipeline.get_load_package_info(load_id)
    files: dict[str, list[Path]] = {}
    for job in info.jobs.get("new_jobs", []):
        table = job.job_file_info.table_name
        if table.startswith("_dlt"):
            continue
        path = Path(job.file_path)
        if not path.is_absolute():
            path = Path(pipeline.working_dir) / "load" / path
        files.setdefault(table, []).append(path)
    return files


def _reader(table: str, paths: Sequence[Path]) -> str:
    """The table function reading a table's load files (parquet: `LOADER_FILE_FORMAT`)."""
    listed = ", ".join(_literal(str(p)) for p in paths)
    if all(p.name.endswith(".parquet") for p in paths):
        return f"read_parquet([{listed}], union_by_name = true)"
    names = ", ".join(sorted(p.name for p in paths))
    raise IngestionError(
        f"cannot check table {table!r} before loading it: its load files ({names}) are not parquet"
    )


def _key_columns(columns: Mapping[str, Any], flag: str) -> list[str]:
    return [name for name, column in columns.items() if column.get(flag)]


class Candidate:
    """An in-memory DuckDB whose `raw_<source>.<table>` views are the tables after the load."""

    def __init__(
        self, db: Path, source: str, tables: TSchemaTables, files: Mapping[str, list[Path]]
    ) -> None:
        self.source = source
        self.schema = dataset_name(source)
        self.tables = tables
        self.files = files
        self.con = duckdb.connect()
        self.existing: set[str] = set()
        if db.exists():
            self.con.execute(f"attach {_literal(str(db))} as {WAREHOUSE_ALIAS} (read_only)")
            self.existing = {
                row[0]
                for row in self.con.execute(
                    "select table_name from information_schema.tables "
                    "where table_catalog = ? and table_schema = ?",
                    [WAREHOUSE_ALIAS, self.schema],
                ).fetchall()
            }
        self.con.execute(f"create schema {_q(self.schema)}")
        names = [t for t in tables if not t.startswith("_dlt")]
        # roots first: a child's view reads its root's kept rows
        for table in sorted(names, key=lambda t: t.count("__")):
            self._view(table)

    def package(self, table: str) -> str:
        return _reader(table, self.files[table])

    def warehouse(self, table: str) -> str:
        return f"{WAREHOUSE_ALIAS}.{_q(self.schema)}.{_q(table)}"

    def kept(self, root: str) -> str:
        """The view of a merge root's warehouse rows the load keeps (not replaced)."""
        return f"{_q(self.schema)}.{_q('__kept_' + root)}"

    def _view(self, table: str) -> None:
        has_new = table in self.files
        has_old = table in self.existing
        if not has_new and not has_old:
            return
        root = get_root_table(self.tables, table).get("name")
        if root is None:  # dlt names every table of a schema: a broken schema, not data
            raise IngestionError(f"{self.source}: the dlt schema has no root table for {table!r}")
        disposition = get_write_disposition(self.tables, table)
        root_has_new = root in self.files
        if not root_has_new and not has_new:
            sql = f"select * from {self.warehouse(table)}"
        elif disposition == "replace":
            sql = (
                f"select * from {self.package(table)}"
                if has_new
                else f"select * from {self.warehouse(table)} where false"
            )
        elif disposition == "merge":
            sql = self._merge_sql(table, root, has_old, has_new)
        else:  # append (and anything else: both)
            parts = [f"select * from {self.warehouse(table)}"] if has_old else []
            parts += [f"select * from {self.package(table)}"] if has_new else []
            sql = " union all by name ".join(parts)
        self.con.execute(f"create view {_q(self.schema)}.{_q(table)} as {sql}")

    def _merge_sql(self, table: str, root: str, has_old: bool, has_new: bool) -> str:
        columns = self.tables[root].get("columns", {})
        primary = _key_columns(columns, "primary_key")
        merge = _key_columns(columns, "merge_key")
        parts: list[str] = []
        if table == root:
            if has_old:
                kept = f"select * from {self.warehouse(table)} as old"
                replaced = [
                    f"not exists (select 1 from {self.package(table)} as new where "
                    + " and ".join(f"new.{_q(k)} = old.{_q(k)}" for k in keys)
                    + ")"
                    for keys in (primary, merge)
                    if keys and has_new
                ]
                if replaced:
                    kept += " where " + " and ".join(replaced)
                self.con.execute(f"create view {self.kept(table)} as {kept}")
                parts.append(f"select * from {self.kept(table)}")
            if has_new:
                new = f"select * from {self.package(table)}"
                if primary:
                    keys = ", ".join(_q(k) for k in primary)
                    new += f" qualify row_number() over (partition by {keys}) = 1"
                parts.append(new)
        else:
            child_columns = self.tables[table].get("columns", {})
            if has_old:
                # the root's view of kept rows exists when the root has old and new rows
                if "_dlt_root_id" in child_columns and root in self.existing and root in self.files:
                    parts.append(
                        f"select * from {self.warehouse(table)} "
                        f"where _dlt_root_id in (select _dlt_id from {self.kept(root)})"
                    )
                else:
                    parts.append(f"select * from {self.warehouse(table)}")
            if has_new:
                parts.append(f"select * from {self.package(table)}")
        return " union all by name ".join(parts)

    def close(self) -> None:
        self.con.close()


def _table_key(tables: Mapping[str, Any], table: str, suites: Sequence[TableSuite]) -> list[str]:
    suite = next((s for s in suites if s.table == table), None)
    if suite is not None:
        return list(suite.key)
    primary = _key_columns(tables[table].get("columns", {}), "primary_key")
    return primary or ["_dlt_id"]


def clock_failures(
    candidate: Candidate,
    suites: Sequence[TableSuite],
    latest: datetime,
    *,
    skip: Mapping[str, set[str]] | None = None,
) -> list[Failure]:
    """Timestamps of the package later than `latest`, per table and column."""
    failures: list[Failure] = []
    for table in sorted(candidate.files):
        columns = candidate.tables.get(table, {}).get("columns", {})
        present = {
            row[0]
            for row in candidate.con.execute(
                f"describe select * from {candidate.package(table)}"
            ).fetchall()
        }
        key = [k for k in _table_key(candidate.tables, table, suites) if k in present]
        for column, hints in columns.items():
            if hints.get("data_type") != "timestamp" or column not in present:
                continue
            if column in (skip or {}).get(table, set()):
                continue
            picked = ", ".join(_q(k) for k in key) or "null"
            rows = candidate.con.execute(
                f"select {picked}, {_q(column)} from {candidate.package(table)} "
                f"where {_q(column)} > ? order by {_q(column)} desc limit {QUARANTINE_LIMIT}",
                [latest],
            ).fetchall()
            if not rows:
                continue
            failing = scalar(
                candidate.con,
                f"select count(*) from {candidate.package(table)} where {_q(column)} > ?",
                [latest],
            )
            records = tuple((_key(row[:-1]), row[-1]) for row in rows)
            failures.append(
                Failure(
                    candidate.source,
                    table,
                    column,
                    CLOCK_RULE.replace(LATEST, latest_text()),
                    int(failing),
                    [k for k, _ in records[:5]],
                    records,
                )
            )
    return failures


def _key(values: Sequence[Any]) -> Any:
    return values[0] if len(values) == 1 else tuple(values)


def _sane_timestamp_columns(suites: Sequence[TableSuite]) -> dict[str, set[str]]:
    """Per table, the columns a suite already bounds by now + the skew (not checked twice)."""
    covered: dict[str, set[str]] = {}
    for suite in suites:
        for check in suite.checks:
            if check.kwargs.get("max_value") == "__latest__" and check.kwargs.get("column"):
                covered.setdefault(suite.table, set()).add(check.kwargs["column"])
    return covered


def check_package(
    pipeline: Any,
    load_id: str,
    *,
    source: str,
    db: Path,
    suites: Sequence[TableSuite] | None,
    latest: datetime,
) -> tuple[ValidationReport | None, list[Failure]]:
    """The suites' report (None when `suites` is None) and every failure of the package
    `load_id`: the suites' and the clock check's."""
    files = package_files(pipeline, load_id)
    if not files:
        return (ValidationReport([], 0, []) if suites is not None else None), []
    tables = pipeline.default_schema.tables
    candidate = Candidate(db, source, tables, files)
    try:
        report = None
        failures: list[Failure] = []
        skip: dict[str, set[str]] = {}
        if suites is not None:
            touched = {get_root_table(tables, t)["name"] for t in files if t in tables}
            report = run_suites(candidate.con, source, [s for s in suites if s.table in touched])
            failures.extend(report.failures)
            skip = _sane_timestamp_columns(suites)
        failures.extend(clock_failures(candidate, suites or (), latest, skip=skip))
        return report, failures
    finally:
        candidate.close()


# -- the cursor guard -------------------------------------------------------------------
def _moment(value: Any) -> datetime | None:
    """A cursor value as an aware datetime; None when it is not a time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            return parse_timestamp(value)
        except ValueError:
            return None
    return None


class _CursorStep(ItemTransform[Any, dict[str, Any]]):
    """Held back before the incremental step: items whose cursor is later than `latest`."""

    placement_affinity = 0  # dlt keeps the incremental step (affinity 1) after it

    def __init__(self, guard: CursorGuard, resource: Any) -> None:
        super().__init__(lambda item: item)
        self.guard = guard
        self.resource = resource

    def _cursor(self) -> str | None:
        wrapper = self.resource.incremental
        incremental = getattr(wrapper, "incremental", None) if wrapper is not None else None
        path = getattr(incremental, "cursor_path", None)
        return path if isinstance(path, str) and path.isidentifier() else None

    def __call__(self, item: Any, meta: Any = None) -> Any:
        cursor = self._cursor()
        if cursor is None:
            return item
        if isinstance(item, list):
            kept = [i for i in item if self._keep(i, cursor)]
            return kept if kept or not item else None
        if isinstance(item, Mapping):
            return item if self._keep(item, cursor) else None
        if hasattr(item, "column_names") and cursor in getattr(item, "column_names", ()):
            return self._filter_arrow(item, cursor)
        return item

    def _keep(self, row: Any, cursor: str) -> bool:
        if not isinstance(row, Mapping):
            return True
        moment = _moment(row.get(cursor))
        if moment is None or moment <= self.guard.latest:
            return True
        self.guard.hold(self.resource, row, cursor, row.get(cursor))
        return False

    def _filter_arrow(self, table: Any, cursor: str) -> Any:
        keep = [
            self._keep(row, cursor)
            for row in table.select([*self._keys(table), cursor]).to_pylist()
        ]
        if all(keep):
            return table
        import pyarrow as pa

        kept = table.filter(pa.array(keep))
        return kept if kept.num_rows else None

    def _keys(self, table: Any) -> list[str]:
        return [k for k in self.guard.primary_key(self.resource) if k in table.column_names]


class CursorGuard:
    """Holds back, in every resource with a dlt incremental cursor, the items whose cursor
    value is later than `latest` (now + the clock skew): the cursor never moves past it,
    and `failures()` reports each held item."""

    def __init__(self, source: str, latest: datetime) -> None:
        self.source = source
        self.latest = latest
        self._held: dict[tuple[str, str], list[tuple[Any, Any]]] = {}

    def install(self, source: Any) -> int:
        """Add the step to each selected resource with an incremental; how many got it."""
        guarded = 0
        if isinstance(source, DltResource):
            selected = [source]
        elif hasattr(source, "resources"):
            selected = list(source.resources.selected.values())
        else:
            return 0
        for resource in selected:
            if resource.incremental is None:
                continue
            resource.add_step(_CursorStep(self, resource))
            guarded += 1
        return guarded

    @staticmethod
    def primary_key(resource: Any) -> list[str]:
        key = resource._hints.get("primary_key") if hasattr(resource, "_hints") else None
        if isinstance(key, str):
            return [key]
        return [k for k in key or [] if isinstance(k, str)]

    def hold(self, resource: Any, row: Mapping[str, Any], cursor: str, value: Any) -> None:
        key = _key([row.get(k) for k in self.primary_key(resource)] or [None])
        self._held.setdefault((resource.table_name, cursor), []).append((key, value))

    def failures(self) -> list[Failure]:
        rule = CURSOR_RULE.replace(LATEST, latest_text())
        return [
            Failure(
                self.source,
                str(table),
                cursor,
                rule,
                len(records),
                [k for k, _ in records[:5]],
                tuple(records[:QUARANTINE_LIMIT]),
            )
            for (table, cursor), records in sorted(self._held.items(), key=lambda i: str(i[0]))
        ]
