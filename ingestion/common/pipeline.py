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
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
from dlt.common.runtime.collector import NullCollector
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.common.config import dataset_name, disable_telemetry, pipelines_dir, warehouse_path
from ingestion.common.errors import DeadlineExceededError, IngestionError, SourceError

Printer = Callable[[str], None]

#: dlt config (`normalize.parquet_normalizer.*`, scoped to each pipeline) that gives arrow
#: tables the `_dlt_load_id` and `_dlt_id` columns dict rows get from the JSON normaliser
PARQUET_NORMALIZER_COLUMNS = ("add_dlt_load_id", "add_dlt_id")

#: the load file format of every table (a resource's own `file_format` hint still wins)
LOADER_FILE_FORMAT = "parquet"

#: seconds one source run may take to extract (env var, default 2 hours)
RUN_DEADLINE_ENV = "AI_ROI_RUN_DEADLINE_SECONDS"
DEFAULT_RUN_DEADLINE_SECONDS = 2 * 60 * 60.0


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


@dataclass
class LoadSummary:
    source: str
    load_id: str | None
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    @property
    def tables(self) -> list[str]:
        return sorted(t for t, n in self.row_counts.items() if n > 0)


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


def run_source(
    source_name: str,
    source: Any,
    *,
    db_path: Path | None = None,
    state_dir: Path | None = None,
    printer: Printer = print,
    run_deadline: float | None = None,
) -> LoadSummary:
    """Extract, normalize and load `source`; return rows loaded per table in this run.

    `run_deadline`: seconds the run may take to extract (default `AI_ROI_RUN_DEADLINE_SECONDS`,
    else 2 hours).
    """
    global _RUN_DEADLINE
    started = time.monotonic()
    seconds = run_deadline if run_deadline is not None else run_deadline_seconds()
    deadline = RunDeadline(source_name, seconds, started + seconds)
    db = Path(db_path or warehouse_path())
    pipeline = make_pipeline(source_name, db, state_dir, progress=_DeadlineCollector(deadline))
    previous = _RUN_DEADLINE
    _RUN_DEADLINE = deadline
    try:
        if pipeline.has_pending_data:
            printer(
                f"  [{source_name}] dropping a pending load package left by an earlier failed run"
            )
            pipeline.abort_packages()
        try:
            info = pipeline.run(source, loader_file_format=LOADER_FILE_FORMAT)
        except PipelineStepFailed as exc:
            pipeline.abort_packages()
            cause = _root_cause(exc)
            if isinstance(cause, IngestionError):
                raise _nothing_loaded(cause) from None
            raise SourceError(source_name, f"{exc.step} step failed: {cause}") from None
        except IngestionError as exc:
            pipeline.abort_packages()
            raise _nothing_loaded(exc) from None
    finally:
        _RUN_DEADLINE = previous
    counts: dict[str, int] = {}
    trace = pipeline.last_trace
    normalize_info = getattr(trace, "last_normalize_info", None) if trace else None
    if normalize_info is not None:
        for table, count in (normalize_info.row_counts or {}).items():
            if not table.startswith("_dlt"):
                counts[table] = counts.get(table, 0) + int(count)
    load_id = info.loads_ids[-1] if info and info.loads_ids else None
    return LoadSummary(source_name, load_id, counts, time.monotonic() - started)


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
