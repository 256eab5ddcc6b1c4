"""Great Expectations checks on raw tables: run on every load before it is committed.

Each source package has an `expectations.py` with `SUITES: list[TableSuite]`. A suite
names a raw table, its key columns (used to show sample failing keys and to quarantine
the failing records) and a list of `Check`s. The runner reads the table from DuckDB into
pandas and validates it with GX's pandas datasource (GX's SQL datasource returns empty
results with duckdb-engine: rows are read after the connection closes).

`run_source` (`ingestion.common.pipeline`) runs the suites on what the raw tables *would*
hold after the load (`ingestion.common.precommit`), before anything is written; a failed
check stops the load. `validate_tables` runs them on the raw tables as they are
(`ai-roi validate`) and raises `ValidationFailedError` listing table, column, rule,
failing count and sample keys.

Timestamps may not be later than now plus the allowed clock skew:
`AI_ROI_MAX_CLOCK_SKEW_HOURS` (environment) or `[ai_roi] max_clock_skew_hours`
(`.dlt/config.toml`), default 24 hours (`sane_timestamp`, and the clock check every load
gets on each timestamp column).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.config import dataset_name, disable_telemetry, warehouse_path
from ingestion.common.errors import IngestionError, ValidationFailedError

EARLIEST_VALID = "2000-01-01"

#: hours a timestamp may lie ahead of this machine's clock (env var, or config
#: `[ai_roi] max_clock_skew_hours`); later ones are rejected and never move a cursor
CLOCK_SKEW_ENV = "AI_ROI_MAX_CLOCK_SKEW_HOURS"
CLOCK_SKEW_CONFIG = "ai_roi.max_clock_skew_hours"
DEFAULT_CLOCK_SKEW_HOURS = 24.0
#: stands for "now + the clock skew" in a `Check`'s rule (`Check.describe`)
LATEST = "{latest}"
#: how many failing records of one check are written to the quarantine table
QUARANTINE_LIMIT = 1000


def max_clock_skew_hours() -> float:
    """`AI_ROI_MAX_CLOCK_SKEW_HOURS`, else `[ai_roi] max_clock_skew_hours`, else 24."""
    raw: Any = os.environ.get(CLOCK_SKEW_ENV, "").strip()
    name = CLOCK_SKEW_ENV
    if not raw:
        import dlt

        raw = dlt.config.get(CLOCK_SKEW_CONFIG)
        name = "[ai_roi] max_clock_skew_hours"
        if raw is None or raw == "":
            return DEFAULT_CLOCK_SKEW_HOURS
    try:
        hours = float(raw)
    except (TypeError, ValueError):
        hours = math.nan
    if not math.isfinite(hours) or hours < 0:
        raise IngestionError(f"{name} must be a number of hours >= 0, not {raw!r}")
    return hours


def latest_valid(now: datetime | None = None) -> datetime:
    """The latest timestamp accepted: now (UTC) plus the allowed clock skew."""
    return (now or datetime.now(UTC)) + timedelta(hours=max_clock_skew_hours())


def latest_text() -> str:
    """`now + 24h (AI_ROI_MAX_CLOCK_SKEW_HOURS)`: how rules name the latest timestamp."""
    return f"now + {max_clock_skew_hours():g}h ({CLOCK_SKEW_ENV})"


@dataclass(frozen=True)
class Check:
    """One expectation: the GX class name, its kwargs and a human-readable rule."""

    expectation: str
    kwargs: dict[str, Any]
    rule: str

    @property
    def column(self) -> str:
        return ",".join(self.columns)

    @property
    def columns(self) -> list[str]:
        kw = self.kwargs
        if kw.get("column"):
            return [kw["column"]]
        return [
            str(v) for v in (kw.get("column_list") or [kw.get("column_A"), kw.get("column_B")]) if v
        ]

    def describe(self) -> str:
        """The rule as reported: `{latest}` spelled out with the configured clock skew."""
        return self.rule.replace(LATEST, latest_text()) if LATEST in self.rule else self.rule


# -- the vocabulary sources use to declare their checks ------------------------------
def not_null(column: str) -> Check:
    return Check("ExpectColumnValuesToNotBeNull", {"column": column}, "must not be null")


def unique(*columns: str) -> Check:
    if len(columns) == 1:
        return Check("ExpectColumnValuesToBeUnique", {"column": columns[0]}, "must be unique")
    return Check(
        "ExpectCompoundColumnsToBeUnique",
        {"column_list": list(columns)},
        f"({', '.join(columns)}) must be unique together",
    )


def between(column: str, min_value: Any = None, max_value: Any = None) -> Check:
    return Check(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": min_value, "max_value": max_value},
        f"must be between {min_value} and {max_value}",
    )


def non_negative(column: str) -> Check:
    return between(column, 0, None)


def in_set(column: str, values: Iterable[Any]) -> Check:
    vals = sorted(values)
    return Check(
        "ExpectColumnValuesToBeInSet",
        {"column": column, "value_set": vals},
        f"must be one of {vals}",
    )


def a_at_least_b(column_a: str, column_b: str) -> Check:
    return Check(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {
            "column_A": column_a,
            "column_B": column_b,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        f"{column_a} must be >= {column_b}",
    )


def sane_timestamp(column: str) -> Check:
    """Not before 2000 and not later than now plus the allowed clock skew (as of validation
    time; `AI_ROI_MAX_CLOCK_SKEW_HOURS`, default 24)."""
    return Check(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": "__earliest__", "max_value": "__latest__"},
        f"must be between {EARLIEST_VALID} and {LATEST}",
    )


@dataclass(frozen=True)
class TableSuite:
    table: str
    key: Sequence[str]
    checks: Sequence[Check] = field(default_factory=tuple)
    #: optional SQL select list override, e.g. to compute columns from child tables
    query: str | None = None


@dataclass(frozen=True)
class Failure:
    source: str
    table: str
    column: str
    rule: str
    failing: int
    sample_keys: list[Any]
    #: (record key, failing value) of each failing record, at most `QUARANTINE_LIMIT`: what
    #: the quarantine table gets
    records: tuple[tuple[Any, Any], ...] = ()

    def __str__(self) -> str:
        sample = ", ".join(repr(k) for k in self.sample_keys) or "-"
        return (
            f"raw_{self.source}.{self.table}.{self.column}: {self.rule} "
            f"({self.failing} failing rows; sample keys: {sample})"
        )


@dataclass
class ValidationReport:
    tables_checked: list[str]
    checks_run: int
    failures: list[Failure]

    @property
    def ok(self) -> bool:
        return not self.failures


_CONTEXT: Any = None


def _context() -> Any:
    global _CONTEXT
    if _CONTEXT is None:
        disable_telemetry()
        os.environ.setdefault("TQDM_DISABLE", "1")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _CONTEXT = gx.get_context(mode="ephemeral")
        _CONTEXT.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
    return _CONTEXT


def _resolve(kwargs: dict[str, Any], latest: Any, earliest: Any) -> dict[str, Any]:
    sentinels = {"__now__": latest, "__latest__": latest, "__earliest__": earliest}
    return {k: sentinels.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}


def _signature(kind: str, kwargs: dict[str, Any], declared: dict[str, Any]) -> str:
    """Identify an expectation by type and the kwargs its Check declared (results come unordered)."""
    picked = {k: str(kwargs.get(k)) for k in sorted(declared)}
    return f"{kind}:{picked}"


def _sample_keys(result: dict[str, Any], key: Sequence[str], limit: int = 5) -> list[Any]:
    rows = result.get("unexpected_index_list") or []
    keys: list[Any] = []
    for row in rows[:limit]:
        if isinstance(row, dict):
            values = tuple(_plain(row.get(k)) for k in key)
            keys.append(values[0] if len(values) == 1 else values)
    return keys


def _comparable(frame: Any) -> Any:
    """DATE columns arrive as Python dates (object dtype); make them UTC timestamps so range
    checks such as `sane_timestamp` compare like with like."""
    import datetime as dt

    import pandas as pd

    for column in frame.columns:
        if frame[column].dtype != object:
            continue
        sample = frame[column].dropna()
        if (
            len(sample)
            and isinstance(sample.iloc[0], dt.date)
            and not isinstance(sample.iloc[0], dt.datetime)
        ):
            frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
    return frame


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _records(
    result: dict[str, Any], key: Sequence[str], columns: Sequence[str]
) -> tuple[tuple[Any, Any], ...]:
    """(record key, failing value) of the failing rows GX listed (key columns first)."""
    records: list[tuple[Any, Any]] = []
    for row in (result.get("unexpected_index_list") or [])[:QUARANTINE_LIMIT]:
        if not isinstance(row, dict):
            continue
        values = tuple(_plain(row.get(k)) for k in key)
        record_key = values[0] if len(values) == 1 else values
        found = [(c, _plain(row.get(c))) for c in columns if c in row]
        if len(found) == 1:
            value: Any = found[0][1]
        elif found:
            value = ", ".join(f"{c}={v}" for c, v in found)
        else:
            value = record_key
        records.append((record_key, value))
    return tuple(records)


def run_suites(
    con: duckdb.DuckDBPyConnection,
    source: str,
    suites: Sequence[TableSuite],
    *,
    tables: Iterable[str] | None = None,
) -> ValidationReport:
    """Run `suites` (only those of `tables` when given) on the tables of schema
    `raw_<source>` as `con` sees them: the warehouse's, or the tables a load would leave
    (`ingestion.common.precommit`). A table `con` does not have is skipped."""
    import great_expectations as gx
    import pandas as pd

    wanted = set(tables) if tables is not None else None
    selected = [s for s in suites if wanted is None or s.table in wanted]
    schema = dataset_name(source)
    failures: list[Failure] = []
    checked: list[str] = []
    checks_run = 0
    if not selected:
        return ValidationReport([], 0, [])
    context = _context()
    datasource_name = f"raw_{source}"
    try:
        datasource = context.data_sources.get(datasource_name)
    except (KeyError, ValueError):
        datasource = context.data_sources.add_pandas(datasource_name)
    existing = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_catalog = current_database()",
            [schema],
        ).fetchall()
    }
    for suite in selected:
        if suite.table not in existing:
            continue
        frame = _comparable(
            con.execute(suite.query or f'select * from "{schema}"."{suite.table}"').df()
        )
        latest = pd.Timestamp(latest_valid())
        earliest = pd.Timestamp(EARLIEST_VALID, tz="UTC")
        gx_suite = gx.ExpectationSuite(name=f"{schema}.{suite.table}")
        by_signature: dict[str, Check] = {}
        for check in suite.checks:
            expectation_cls = getattr(gx.expectations, check.expectation)
            expectation = expectation_cls(**_resolve(check.kwargs, latest, earliest))
            gx_suite.add_expectation(expectation)
            config = expectation.configuration
            by_signature[_signature(config.type, config.kwargs, check.kwargs)] = check
        asset_name = suite.table
        try:
            asset = datasource.get_asset(asset_name)
        except (LookupError, ValueError):
            asset = datasource.add_dataframe_asset(asset_name)
        try:
            batch_definition = asset.get_batch_definition("whole")
        except (KeyError, ValueError):
            batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            gx_suite,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": list(suite.key),
                "partial_unexpected_count": 5,
            },
        )
        checks_run += len(suite.checks)
        checked.append(suite.table)
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            check = next(
                c
                for c in suite.checks
                if by_signature.get(_signature(config.type, config.kwargs, c.kwargs)) is c
            )
            res = outcome.result or {}
            failing = res.get("unexpected_count")
            if failing is None:
                failing = len(res.get("unexpected_index_list") or []) or 1
            failures.append(
                Failure(
                    source,
                    suite.table,
                    check.column,
                    check.describe(),
                    int(failing),
                    _sample_keys(res, suite.key),
                    _records(res, suite.key, check.columns),
                )
            )
    return ValidationReport(checked, checks_run, failures)


def report_line(source: str, report: ValidationReport) -> str:
    """`  [files] validated 9 tables, 41 checks: ok` (or `2 FAILED`)."""
    status = "ok" if report.ok else f"{len(report.failures)} FAILED"
    return (
        f"  [{source}] validated {len(report.tables_checked)} tables, {report.checks_run} "
        f"checks: {status}"
    )


def validate_tables(
    source: str,
    suites: Sequence[TableSuite],
    *,
    tables: Iterable[str] | None = None,
    db_path: Path | None = None,
    printer: Callable[[str], None] = print,
    raise_on_failure: bool = True,
) -> ValidationReport:
    """Validate the raw tables of `source` in the warehouse (only `tables` when given) and
    report failures."""
    selected = [s for s in suites if tables is None or s.table in set(tables)]
    if not selected:
        return ValidationReport([], 0, [])
    con = duckdb.connect(str(db_path or warehouse_path()), read_only=True)
    try:
        report = run_suites(con, source, selected)
    finally:
        con.close()
    printer(report_line(source, report))
    if report.failures and raise_on_failure:
        raise ValidationFailedError(report.failures)
    return report
