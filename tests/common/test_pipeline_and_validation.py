"""run_source is all-or-nothing and never blocked by an earlier failure; GE failures are precise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, ValidationFailedError
from ingestion.common.pipeline import make_pipeline, run_source
from ingestion.common.records import Col, TableSpec
from ingestion.common.validation import (
    TableSuite,
    a_at_least_b,
    not_null,
    sane_timestamp,
    unique,
    validate_tables,
)

SPEC = TableSpec(
    "toy",
    "items",
    (
        Col("id", "bigint", required=True),
        Col("created_at", "timestamp"),
        Col("merged_at", "timestamp"),
    ),
    primary_key=("id",),
)
SUITES = [
    TableSuite(
        "items",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            sane_timestamp("created_at"),
            a_at_least_b("merged_at", "created_at"),
        ],
    )
]
GOOD = [
    {"id": 1, "created_at": "2026-01-01T10:00:00Z", "merged_at": "2026-01-02T10:00:00Z"},
    {"id": 2, "created_at": "2026-01-03T10:00:00Z", "merged_at": None},
]


def toy_source(rows: list[dict[str, Any]]) -> Any:
    @dlt.source(name="toy")
    def source() -> Any:
        @dlt.resource(
            name="items", primary_key="id", write_disposition="merge", columns=SPEC.column_hints()
        )
        def items() -> Any:
            yield [SPEC.shape(r) for r in rows]

        return items

    return source()


def rows(db: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select id, merged_at is null from raw_toy.items order by id").fetchall()
    finally:
        con.close()


def test_rerun_merges_and_adds_nothing(warehouse: Path) -> None:
    first = run_source("toy", toy_source(GOOD), printer=lambda _: None)
    second = run_source("toy", toy_source(GOOD), printer=lambda _: None)
    assert first.row_counts == {"items": 2}
    assert second.row_counts == {"items": 2}  # re-extracted, merged in place
    assert rows(warehouse) == [(1, False), (2, True)]


def test_summary_reports_inserted_and_updated_per_table(warehouse: Path) -> None:
    first = run_source("toy", toy_source(GOOD), printer=lambda _: None)
    assert first.changes["items"].describe() == "items: 2 inserted, 0 updated (2 rows)"
    more = [*GOOD, {"id": 3, "created_at": "2026-01-05T00:00:00Z"}]
    second = run_source("toy", toy_source(more), printer=lambda _: None)
    change = second.changes["items"]
    assert (change.before, change.after, change.loaded, change.written) == (2, 3, 3, 3)
    assert (change.inserted, change.updated, change.deleted) == (1, 2, 0)
    assert second.report()[1:] == ["    items: 1 inserted, 2 updated (3 rows)"]


def test_late_update_is_merged_in_place(warehouse: Path) -> None:
    run_source("toy", toy_source(GOOD), printer=lambda _: None)
    updated = [GOOD[0], {**GOOD[1], "merged_at": "2026-01-04T00:00:00Z"}]
    run_source("toy", toy_source(updated), printer=lambda _: None)
    assert rows(warehouse) == [(1, False), (2, False)]


def test_malformed_record_loads_nothing_and_does_not_block_next_run(warehouse: Path) -> None:
    run_source("toy", toy_source(GOOD), printer=lambda _: None)
    bad = [{"id": 3, "created_at": "2026-01-05T00:00:00Z"}, {"id": "three", "created_at": "x"}]
    with pytest.raises(
        MalformedRecordError, match=r"table 'items' \(key 'three'\): field 'id' must be bigint"
    ):
        run_source("toy", toy_source(bad), printer=lambda _: None)
    assert rows(warehouse) == [(1, False), (2, True)]  # row 3 of the failed run is not there
    more = [*GOOD, {"id": 3, "created_at": "2026-01-05T00:00:00Z"}]
    run_source("toy", toy_source(more), printer=lambda _: None)
    assert [r[0] for r in rows(warehouse)] == [1, 2, 3]


def test_validation_passes_on_good_rows(warehouse: Path) -> None:
    run_source("toy", toy_source(GOOD), printer=lambda _: None)
    report = validate_tables("toy", SUITES, printer=lambda _: None)
    assert report.ok and report.tables_checked == ["items"] and report.checks_run == 4


def test_validation_failure_names_table_column_rule_count_and_keys(warehouse: Path) -> None:
    run_source("toy", toy_source(GOOD), printer=lambda _: None)
    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into raw_toy.items (id, created_at, merged_at, _dlt_load_id, _dlt_id) values "
        "(7, '2026-02-01 00:00:00+00', '2026-01-01 00:00:00+00', 'x', 'y1'),"
        "(8, '1999-01-01 00:00:00+00', null, 'x', 'y2')"
    )
    con.close()
    with pytest.raises(ValidationFailedError) as info:
        validate_tables("toy", SUITES, printer=lambda _: None)
    message = str(info.value)
    assert (
        "raw_toy.items.merged_at,created_at: merged_at must be >= created_at (1 failing rows; sample keys: 7)"
        in message
    )
    assert (
        "raw_toy.items.created_at: must be between 2000-01-01 and now + 24h "
        "(AI_ROI_MAX_CLOCK_SKEW_HOURS) (1 failing rows; sample keys: 8)" in message
    )
    assert len(info.value.failures) == 2


def test_validation_skips_tables_not_loaded(warehouse: Path) -> None:
    run_source("toy", toy_source(GOOD), printer=lambda _: None)
    report = validate_tables(
        "toy",
        [TableSuite("absent", key=["id"], checks=[not_null("id")]), *SUITES],
        printer=lambda _: None,
    )
    assert report.tables_checked == ["items"]


def test_tables_without_a_file_format_hint_load_from_parquet(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_ROI_KEEP_LOAD_PACKAGES", "1")  # to look into the package
    run_source("toy", toy_source(GOOD), printer=lambda _: None)
    pipeline = make_pipeline("toy")
    package = pipeline.get_load_package_info(pipeline.list_completed_load_packages()[-1])
    loaded = {
        job.job_file_info.file_format
        for jobs in package.jobs.values()
        for job in jobs
        if job.job_file_info.table_name == "items" and job.job_file_info.file_format != "sql"
    }
    assert loaded == {"parquet"}  # not insert_values (the merge itself is a "sql" job)
    assert rows(warehouse) == [(1, False), (2, True)]
