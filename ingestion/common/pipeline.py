"""Run one dlt source into the DuckDB warehouse, all-or-nothing, with progress.

- One pipeline per source (`ai_roi_<source>`), dataset `raw_<source>`, state kept in
  `pipelines_dir()` beside the warehouse file.
- A pending load package left by an earlier failed run is dropped first, so a failure
  never blocks the next run.
- Every table is loaded from parquet files (`LOADER_FILE_FORMAT`): DuckDB reads them in
  bounded memory, where the default INSERT statements made DuckDB hold a whole load
  file's parsed SQL (1.2 GB peak for Jira at 1/8 of the benchmark size, growing with it).
- A failure in extract or normalize (for example a `MalformedRecordError`) drops the
  package it left, so nothing from that run reaches the warehouse; the error names the
  source, table, record key and field.
- A resource may yield `pyarrow` tables: dlt writes them straight to parquet. Its parquet
  normaliser is told to add `_dlt_load_id` and `_dlt_id` (`PARQUET_NORMALIZER_COLUMNS`,
  off in dlt by default), so those tables carry the same dlt columns as dict rows.
- Deadlines: a run has `AI_ROI_RUN_DEADLINE_SECONDS` (default 2 h) to extract. It is
  checked for every batch of items dlt writes and before every HTTP request of the shared
  client (`ingestion.common.http`), which also cuts a request short when the run's time
  runs out. A run past its deadline fails like any other failure: its package is dropped,
  so no row and no cursor of it is written. Normalising and loading are not interrupted
  (a load never stops half way).
- Retention: completed load packages (the parquet files of every table, under
  `<pipelines_dir>/ai_roi_<source>/load/loaded/`) and dlt's `trace.pickle` are deleted
  after every run, failed or not; `AI_ROI_KEEP_LOAD_PACKAGES=1` keeps them for debugging.
- The summary (`LoadSummary.changes`) says per table what the load did: inserted,
  updated and deleted rows (merge, append) or `replaced (before -> after rows)`.
- Validate before commit: the run is extracted and normalized first, then checked
  (`ingestion.common.precommit`: the source's Great Expectations suites on the tables as
  the load would leave them, no timestamp later than now plus the allowed clock skew, no
  incremental cursor past it), and only then loaded. A failed check aborts the package,
  which rewinds the pipeline state: no row of the run reaches `raw_<source>` and no
  cursor or file digest moves, so the corrected source data loads on the next run. The
  failing records go to `quarantine.<source>` and every checked load to
  `raw_meta.validation_runs` (`ingestion.common.quarantine`); `ValidationFailedError`
  says so. A `MalformedRecordError` (a record broke its `TableSpec`) is quarantined too.
- One writer: a run holds the warehouse lock (`ingestion.common.lock`); a second run or a
  build started meanwhile fails at once.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dlt
import duckdb
from dlt.common.runtime.collector import NullCollector
from dlt.common.schema.utils import get_write_disposition
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.pipeline.trace import TRACE_FILE_NAME

from ingestion.common.config import dataset_name, disable_telemetry, pipelines_dir, warehouse_path
from ingestion.common.errors import (
    DeadlineExceededError,
    IngestionError,
    MalformedRecordError,
    SourceError,
    ValidationFailedError,
)
from ingestion.common.lock import warehouse_lock
from ingestion.common.sql import scalar

if TYPE_CHECKING:
    from ingestion.common.validation import Failure, TableSuite, ValidationReport

Printer = Callable[[str], None]

#: dlt config (`normalize.parquet_normalizer.*`, scoped to each pipeline) that gives arrow
#: tables the `_dlt_load_id` and `_dlt_id` columns dict rows get from the JSON normaliser
PARQUET_NORMALIZER_COLUMNS = ("add_dlt_load_id", "add_dlt_id")

#: the load file format of every table (a resource's own `file_format` hint still wins)
LOADER_FILE_FORMAT = "parquet"

#: seconds one source run may take to extract (env var, default 2 hours)
RUN_DEADLINE_ENV = "AI_ROI_RUN_DEADLINE_SECONDS"
DEFAULT_RUN_DEADLINE_SECONDS = 2 * 60 * 60.0
#: set to 1 (true/yes) to keep completed load packages on disk (they hold every loaded row)
KEEP_PACKAGES_ENV = "AI_ROI_KEEP_LOAD_PACKAGES"


def seconds_setting(name: str, default: float) -> float:
    """A positive number of seconds from the environment variable `name`, else `default`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise IngestionError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def format_seconds(seconds: float) -> str:
    """`1.5s`, `120s`, `7200s`."""
    return f"{seconds:g}s"


def keep_load_packages() -> bool:
    return os.environ.get(KEEP_PACKAGES_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class RunDeadline:
    """When the current source run must have finished extracting."""

    source: str
    seconds: float
    ends_at: float  # on the `time.monotonic()` clock

    def left(self) -> float:
        return self.ends_at - time.monotonic()

    def error(self, doing: str) -> DeadlineExceededError:
        return DeadlineExceededError(
            self.source,
            f"{doing}: the run deadline of {format_seconds(self.seconds)} ({RUN_DEADLINE_ENV}) "
            "passed",
            kind="run",
            seconds=self.seconds,
        )


_RUN_DEADLINE: RunDeadline | None = None


def current_run_deadline() -> RunDeadline | None:
    """The deadline of the source run in progress (`run_source`), None outside a run."""
    return _RUN_DEADLINE


class _DeadlineCollector(NullCollector):
    """dlt calls `update` for every batch of items it writes: stop extracting past the deadline."""

    def __init__(self, deadline: RunDeadline) -> None:
        self.deadline = deadline
        self.step = ""

    def update(
        self,
        name: str,
        inc: int = 1,
        total: int | None = None,
        inc_total: int | None = None,
        message: str | None = None,
        label: str | None = None,
    ) -> None:
        if self.step.startswith("Extract") and self.deadline.left() <= 0:
            doing = "extracting" if name == "Resources" else f"extracting table {name!r}"
            raise self.deadline.error(doing)

    def _start(self, step: str) -> None:
        self.step = step

    def _stop(self) -> None:
        self.step = ""


@dataclass(frozen=True)
class TableChange:
    """What one load did to one table.

    `before`/`after` are the table's row counts around the run, `loaded` the rows of this
    run's load package and `written` the rows carrying this run's load id afterwards (None
    for a table without `_dlt_load_id`, e.g. a child table). For merge and append tables
    `inserted`/`deleted` are the net change of the row count and `updated` the rows this
    load rewrote that were there before.
    """

    table: str
    disposition: str
    before: int
    after: int
    loaded: int
    written: int | None

    @property
    def replaced(self) -> bool:
        return self.disposition == "replace"

    @property
    def inserted(self) -> int:
        if self.replaced:
            return self.after
        return max(self.after - self.before, 0)

    @property
    def deleted(self) -> int:
        if self.replaced:
            return self.before
        return max(self.before - self.after, 0)

    @property
    def updated(self) -> int | None:
        if self.replaced:
            return 0
        if self.written is None:
            return None
        return max(self.written - self.inserted, 0)

    def describe(self) -> str:
        if self.replaced:
            return f"{self.table}: replaced ({self.before:,} -> {self.after:,} rows)"
        if self.written is None:
            return f"{self.table}: {self.before:,} -> {self.after:,} rows ({self.loaded:,} loaded)"
        parts = [f"{self.inserted:,} inserted", f"{self.updated:,} updated"]
        if self.deleted:
            parts.append(f"{self.deleted:,} deleted")
        return f"{self.table}: {', '.join(parts)} ({self.after:,} rows)"


@dataclass
class LoadSummary:
    source: str
    load_id: str | None
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: per table the load changed (or loaded rows into): what it did, see `TableChange`
    changes: dict[str, TableChange] = field(default_factory=dict)
    #: the source's suites on the load before it was committed (None: not run)
    validation: ValidationReport | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    @property
    def tables(self) -> list[str]:
        return sorted(t for t, n in self.row_counts.items() if n > 0)

    def report(self) -> list[str]:
        """The run summary: one line, then one line per table the load changed.

        `[files] loaded 5 rows in 0.4s` / `    ai_costs: replaced (3 -> 2 rows)`; a run that
        changed no table says so (`nothing new`) instead.
        """
        head = f"  [{self.source}] loaded {self.total_rows:,} rows in {self.seconds:.1f}s"
        if not self.changes:
            return [f"{head} (nothing new: no table changed)"]
        return [f"{head}:"] + [f"    {self.changes[t].describe()}" for t in sorted(self.changes)]


class Progress:
    """Throttled per-resource progress lines: `[github] pull_requests: 1,200 rows, 12 pages`."""

    def __init__(self, source: str, printer: Printer = print, every_seconds: float = 2.0) -> None:
        self.source = source
        self.printer = printer
        self.every = every_seconds
        self.rows: dict[str, int] = {}
        self.pages: dict[str, int] = {}
        self._last = 0.0

    def add(self, resource: str, rows: int) -> None:
        self.rows[resource] = self.rows.get(resource, 0) + rows
        self.pages[resource] = self.pages.get(resource, 0) + 1
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self.printer(
                f"  [{self.source}] {resource}: {self.rows[resource]:,} rows, {self.pages[resource]:,} pages"
            )


def _root_cause(exc: BaseException) -> BaseException:
    seen = exc
    while True:
        nxt = seen.__cause__ or seen.__context__
        if nxt is None or nxt is seen:
            return seen
        if isinstance(seen, IngestionError):
            return seen
        seen = nxt


def make_pipeline(
    source_name: str,
    db_path: Path | None = None,
    state_dir: Path | None = None,
    *,
    progress: Any = None,
) -> Any:
    disable_telemetry()
    db = Path(db_path or warehouse_path())
    db.parent.mkdir(parents=True, exist_ok=True)
    name = f"ai_roi_{source_name}"
    for option in PARQUET_NORMALIZER_COLUMNS:
        os.environ.setdefault(f"{name}__normalize__parquet_normalizer__{option}".upper(), "true")
    extra = {"progress": progress} if progress is not None else {}
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name=dataset_name(source_name),
        pipelines_dir=str(state_dir or pipelines_dir()),
        **extra,
    )


def _row_counts(db: Path, dataset: str) -> dict[str, int]:
    """Rows per data table of `dataset` in the warehouse ({} before the first load)."""
    if not db.exists():
        return {}
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE'",
                [dataset],
            ).fetchall()
            if not row[0].startswith("_dlt")
        ]
        return {name: scalar(con, f'select count(*) from "{dataset}"."{name}"') for name in names}


def _changes(
    pipeline: Any,
    db: Path,
    dataset: str,
    before: dict[str, int],
    loaded: dict[str, int],
    load_ids: Iterable[str],
) -> dict[str, TableChange]:
    """What the load did to each table it loaded rows into or whose row count changed."""
    after = _row_counts(db, dataset)
    ids = list(load_ids)
    touched = sorted(
        t for t in set(after) | set(loaded) if loaded.get(t) or before.get(t, 0) != after.get(t, 0)
    )
    changes: dict[str, TableChange] = {}
    if not touched:
        return changes
    tables = pipeline.default_schema.tables
    with duckdb.connect(str(db), read_only=True) as con:
        for table in touched:
            columns = tables.get(table, {}).get("columns", {})
            written = None
            if "_dlt_load_id" in columns and table in after and ids:
                marks = ", ".join("?" for _ in ids)
                written = scalar(
                    con,
                    f'select count(*) from "{dataset}"."{table}" where _dlt_load_id in ({marks})',
                    ids,
                )
            disposition = get_write_disposition(tables, table) if table in tables else "append"
            changes[table] = TableChange(
                table,
                str(disposition),
                before.get(table, 0),
                after.get(table, 0),
                loaded.get(table, 0),
                written,
            )
    return changes


def _drop_run_files(pipeline: Any) -> None:
    """Delete what a finished run leaves on disk with copies of the rows: every completed
    (loaded or aborted) load package of `pipeline`, and dlt's trace of the run (its error
    messages may name a record key)."""
    for load_id in pipeline.list_completed_load_packages():
        path = Path(pipeline.get_load_package_info(load_id).package_path)
        if not path.is_absolute():
            path = Path(pipeline.working_dir) / "load" / path
        shutil.rmtree(path, ignore_errors=True)
    (Path(pipeline.working_dir) / TRACE_FILE_NAME).unlink(missing_ok=True)


def run_source(
    source_name: str,
    source: Any,
    *,
    db_path: Path | None = None,
    state_dir: Path | None = None,
    printer: Printer = print,
    run_deadline: float | None = None,
    suites: Sequence[TableSuite] | None = None,
) -> LoadSummary:
    """Extract and normalize `source`, check the load, then commit it; return what the run
    loaded and changed.

    `suites`: the source's Great Expectations suites, run on the tables as the load would
    leave them before anything is written (None: only the clock and cursor checks).
    A failed check raises `ValidationFailedError` with nothing loaded, no cursor moved and
    the failing records in `quarantine.<source>`. `run_deadline`: seconds the run may take
    to extract (default `AI_ROI_RUN_DEADLINE_SECONDS`, else 2 hours).
    """
    db = Path(db_path or warehouse_path())
    with warehouse_lock(db, f"run {source_name}"):
        return _run_locked(source_name, source, db, state_dir, printer, run_deadline, suites)


def _run_locked(
    source_name: str,
    source: Any,
    db: Path,
    state_dir: Path | None,
    printer: Printer,
    run_deadline: float | None,
    suites: Sequence[TableSuite] | None,
) -> LoadSummary:
    from ingestion.common.precommit import CursorGuard, check_package
    from ingestion.common.validation import latest_valid, report_line

    global _RUN_DEADLINE
    started = time.monotonic()
    seconds = run_deadline if run_deadline is not None else run_deadline_seconds()
    deadline = RunDeadline(source_name, seconds, started + seconds)
    pipeline = make_pipeline(source_name, db, state_dir, progress=_DeadlineCollector(deadline))
    dataset = dataset_name(source_name)
    latest = latest_valid()
    guard = CursorGuard(source_name, latest)
    guard.install(source)
    previous = _RUN_DEADLINE
    _RUN_DEADLINE = deadline
    try:
        if pipeline.has_pending_data:
            printer(
                f"  [{source_name}] dropping a pending load package left by an earlier failed run"
            )
            pipeline.abort_packages()
        if pipeline.config.restore_from_destination and not pipeline.dev_mode:
            pipeline.sync_destination()
        before = _row_counts(db, dataset)
        try:
            pipeline.extract(source, loader_file_format=LOADER_FILE_FORMAT)
            normalized = pipeline.normalize()
        except PipelineStepFailed as exc:
            pipeline.abort_packages()
            cause = _root_cause(exc)
            if isinstance(cause, MalformedRecordError):
                _quarantine_malformed(db, cause, exc.load_id)
            if isinstance(cause, IngestionError):
                raise _nothing_loaded(cause) from None
            raise SourceError(source_name, f"{exc.step} step failed: {cause}") from None
        except IngestionError as exc:
            pipeline.abort_packages()
            raise _nothing_loaded(exc) from None
        pending = pipeline.list_normalized_load_packages()
        load_id = pending[-1] if pending else None
        report: ValidationReport | None = None
        failures: list[Failure] = guard.failures()
        if load_id is not None:
            try:
                report, found = check_package(
                    pipeline, load_id, source=source_name, db=db, suites=suites, latest=latest
                )
            except duckdb.Error as exc:
                pipeline.abort_packages()
                raise SourceError(
                    source_name,
                    f"could not check the load before committing it: {exc}; nothing from the "
                    "run was loaded",
                ) from None
            except BaseException:
                pipeline.abort_packages()
                raise
            failures += found
            if report is not None:
                printer(report_line(source_name, report))
        if failures:
            pipeline.abort_packages()
            _reject(db, source_name, load_id, failures, printer)
        _record_checked(db, source_name, load_id, suites is not None)
        try:
            info = pipeline.load()
        except PipelineStepFailed as exc:
            pipeline.abort_packages()
            cause = _root_cause(exc)
            if isinstance(cause, IngestionError):
                raise _nothing_loaded(cause) from None
            raise SourceError(source_name, f"{exc.step} step failed: {cause}") from None
        if load_id is not None:
            from ingestion.common.quarantine import mark_loaded

            mark_loaded(db, source_name, load_id)
    finally:
        _RUN_DEADLINE = previous
        if not keep_load_packages():
            _drop_run_files(pipeline)
    counts: dict[str, int] = {}
    if normalized is not None:
        for table, count in (normalized.row_counts or {}).items():
            if not table.startswith("_dlt"):
                counts[table] = counts.get(table, 0) + int(count)
    load_ids = list(info.loads_ids) if info and info.loads_ids else []
    changes = _changes(pipeline, db, dataset, before, counts, load_ids)
    last = load_ids[-1] if load_ids else None
    return LoadSummary(
        source_name, last, counts, time.monotonic() - started, changes, validation=report
    )


def _record_checked(db: Path, source: str, load_id: str | None, validated: bool) -> None:
    """The run passed its checks (`validated`: the suites ran too). With a package to load,
    `validation_runs` says `loading` until `mark_loaded` (a killed load stays `loading`:
    `ai-roi build` refuses); with nothing to load the run is recorded as done."""
    from ingestion.common.quarantine import record_run

    record_run(
        db,
        source,
        load_id,
        passed=True if validated else None,
        load_state="loading" if load_id is not None else "loaded",
    )


def _reject(
    db: Path,
    source: str,
    load_id: str | None,
    failures: Sequence[Failure],
    printer: Printer,
) -> None:
    """Quarantine the failing records of a refused load, record it, and raise."""
    from ingestion.common.quarantine import QuarantinedRecord, quarantine_table, record_run

    records = [
        QuarantinedRecord(f.table, key, f.column, f.rule, value)
        for f in failures
        for key, value in (f.records or tuple((k, None) for k in f.sample_keys))
    ]
    count = record_run(
        db,
        source,
        load_id,
        passed=False,
        load_state="rejected",
        failing_rules=[f"raw_{source}.{f.table}.{f.column}: {f.rule}" for f in failures],
        quarantined=records,
    )
    note = (
        f"nothing from this run was loaded and no cursor moved; {count:,} "
        f"{'record' if count == 1 else 'records'} quarantined in {quarantine_table(source)} "
        f"(load {load_id or '-'}). Fix the source data and run again."
    )
    printer(
        f"  [{source}] load refused: {len(failures)} failed {'check' if len(failures) == 1 else 'checks'}"
    )
    raise ValidationFailedError(failures, source=source, note=note)


def _quarantine_malformed(db: Path, exc: MalformedRecordError, load_id: str | None) -> None:
    """A record that broke its `TableSpec` (the run loaded nothing): quarantined and the run
    recorded as failed, like a failed check."""
    from ingestion.common.quarantine import QuarantinedRecord, record_run

    record_run(
        db,
        exc.source,
        load_id,
        passed=False,
        load_state="rejected",
        failing_rules=[f"raw_{exc.source}.{exc.table}.{exc.field}: {exc.rule}"],
        quarantined=[QuarantinedRecord(exc.table, exc.key, exc.field, exc.rule)],
    )


def run_deadline_seconds() -> float:
    return seconds_setting(RUN_DEADLINE_ENV, DEFAULT_RUN_DEADLINE_SECONDS)


def _nothing_loaded(exc: IngestionError) -> IngestionError:
    """A deadline error says that the run was dropped; any other error as it is."""
    if isinstance(exc, DeadlineExceededError):
        return DeadlineExceededError(
            exc.source,
            f"{exc.detail}; the run was stopped and nothing from it was loaded",
            kind=exc.kind,
            seconds=exc.seconds,
        )
    return exc
