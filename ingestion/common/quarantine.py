"""What the checks before each commit found: quarantined records and the validation status.

Two kinds of tables in the warehouse, outside every `raw_<source>` dataset (dbt reads
neither):

- `quarantine.<source>`: one row per record a load was refused for: the raw table, the
  record key, the field, the rule it broke, the value (as text, at most 200 characters),
  the load id and the time. Rows accumulate, one batch per refused load.
- `raw_meta.validation_runs`: one row per checked load of a source: its load id, whether
  its checks passed (null when the suites were skipped with `--no-validate`), the failing
  rules, how many records were quarantined, and `load_state`: `rejected` (nothing
  written), `loading` (checks passed, the load into `raw_<source>` started) or `loaded`.
  `ai-roi build` refuses while a source's latest row failed (`failed_validations`) or its
  load never finished (`interrupted_loads`).

Written by `run_source`, which holds the warehouse lock (`ingestion.common.lock`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.config import dataset_name
from ingestion.common.errors import IngestionError
from ingestion.common.sql import scalar

META_SCHEMA = "raw_meta"
RUNS_TABLE = "validation_runs"
QUARANTINE_SCHEMA = "quarantine"
#: characters of a failing value kept in the quarantine table
VALUE_CHARS = 200


@dataclass(frozen=True)
class QuarantinedRecord:
    table: str
    key: Any
    field: str
    rule: str
    value: Any = None


@dataclass(frozen=True)
class ValidationRun:
    source: str
    load_id: str | None
    passed: bool | None
    load_state: str
    checked_at: datetime
    failing_rules: list[str]
    quarantined_rows: int

    def describe(self) -> str:
        when = self.checked_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        rules = "; ".join(self.failing_rules) or "-"
        return (
            f"{self.source} (load {self.load_id or '-'}, {when}: {rules}; "
            f"{self.quarantined_rows:,} records in {quarantine_table(self.source)})"
        )


def quarantine_table(source: str) -> str:
    return f"{QUARANTINE_SCHEMA}.{source}"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, tuple):
        text = ", ".join("" if v is None else str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 3] + "..."


def _ensure_runs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(
        f"create table if not exists {META_SCHEMA}.{RUNS_TABLE} ("
        "source varchar not null, load_id varchar, passed boolean, load_state varchar not null, "
        "checked_at timestamptz not null, failing_rules varchar[], quarantined_rows bigint)"
    )


def record_run(
    db: Path,
    source: str,
    load_id: str | None,
    *,
    passed: bool | None,
    load_state: str,
    failing_rules: Sequence[str] = (),
    quarantined: Iterable[QuarantinedRecord] = (),
) -> int:
    """Append a `validation_runs` row (and the quarantined records); return how many
    records were quarantined."""
    now = datetime.now(UTC)
    rows = [
        (r.table, _text(r.key), r.field, r.rule, _text(r.value), load_id, now) for r in quarantined
    ]
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        _write_run(db, source, load_id, passed, load_state, failing_rules, rows, now)
    except duckdb.Error as exc:
        raise IngestionError(
            f"[{source}] could not record the validation of load {load_id or '-'} in {db}: {exc}"
        ) from None
    return len(rows)


def _write_run(
    db: Path,
    source: str,
    load_id: str | None,
    passed: bool | None,
    load_state: str,
    failing_rules: Sequence[str],
    rows: list[tuple[Any, ...]],
    now: datetime,
) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("begin")
        _ensure_runs(con)
        if rows:
            con.execute(f"create schema if not exists {QUARANTINE_SCHEMA}")
            con.execute(
                f'create table if not exists {QUARANTINE_SCHEMA}."{source}" ('
                "table_name varchar not null, record_key varchar, field varchar, "
                "rule varchar not null, value varchar, load_id varchar, "
                "quarantined_at timestamptz not null)"
            )
            con.executemany(
                f'insert into {QUARANTINE_SCHEMA}."{source}" values (?, ?, ?, ?, ?, ?, ?)', rows
            )
        con.execute(
            f"insert into {META_SCHEMA}.{RUNS_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
            [source, load_id, passed, load_state, now, list(failing_rules), len(rows)],
        )
        con.execute("commit")


def mark_loaded(db: Path, source: str, load_id: str) -> None:
    """The load whose checks passed finished: its `validation_runs` row says `loaded`."""
    with duckdb.connect(str(db)) as con:
        _ensure_runs(con)
        con.execute(
            f"update {META_SCHEMA}.{RUNS_TABLE} set load_state = 'loaded' "
            "where source = ? and load_id = ? and load_state = 'loading'",
            [source, load_id],
        )


def latest_runs(db: Path) -> dict[str, ValidationRun]:
    """The latest `validation_runs` row of each source ({} without a warehouse or table)."""
    if not db.exists():
        return {}
    with duckdb.connect(str(db), read_only=True) as con:
        found = scalar(
            con,
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [META_SCHEMA, RUNS_TABLE],
        )
        if not found:
            return {}
        rows = con.execute(
            f"select source, load_id, passed, load_state, checked_at, failing_rules, "
            f"quarantined_rows from {META_SCHEMA}.{RUNS_TABLE} "
            "qualify row_number() over (partition by source order by checked_at desc) = 1 "
            "order by source"
        ).fetchall()
    return {
        row[0]: ValidationRun(row[0], row[1], row[2], row[3], row[4], list(row[5] or []), row[6])
        for row in rows
    }


def failed_validations(db: Path) -> list[ValidationRun]:
    """Sources whose latest checked load failed its checks (nothing of it was loaded)."""
    return [run for run in latest_runs(db).values() if run.passed is False]


def interrupted_loads(db: Path) -> list[ValidationRun]:
    """Sources whose latest load passed its checks but never finished (the process was
    killed while loading): `raw_<source>` may hold part of it until the source runs again."""
    runs = [run for run in latest_runs(db).values() if run.load_state == "loading"]
    if not runs:
        return []
    unfinished = []
    with duckdb.connect(str(db), read_only=True) as con:
        for run in runs:
            schema = dataset_name(run.source)
            has_loads = scalar(
                con,
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = '_dlt_loads'",
                [schema],
            )
            done = has_loads and scalar(
                con,
                f'select count(*) from "{schema}"._dlt_loads where load_id = ? and status = 0',
                [run.load_id],
            )
            if not done:
                unfinished.append(run)
    return unfinished
