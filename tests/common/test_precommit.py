"""The checks before commit see the tables as the load will leave them, and the cursor guard
holds back future items in dict and arrow batches alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pytest

from ingestion.common.errors import ValidationFailedError
from ingestion.common.pipeline import LOADER_FILE_FORMAT, make_pipeline, run_source
from ingestion.common.precommit import Candidate, package_files
from ingestion.common.validation import TableSuite, unique


def merge_source(rows: list[dict[str, Any]]) -> Any:
    @dlt.source(name="pre")
    def source() -> Any:
        @dlt.resource(name="items", primary_key="id", write_disposition="merge")
        def items() -> Iterator[list[dict[str, Any]]]:
            yield rows

        @dlt.resource(name="codes", write_disposition="replace")
        def codes() -> Iterator[list[dict[str, Any]]]:
            yield [{"code": r["id"] * 10} for r in rows]

        return items, codes

    return source()


FIRST = [{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": ["c"]}]
SECOND = [{"id": 2, "tags": ["d", "e"]}, {"id": 3, "tags": ["f"]}]


def test_the_candidate_views_are_the_tables_after_the_load(warehouse: Path) -> None:
    run_source("pre", merge_source(FIRST), printer=lambda _: None)
    pipeline = make_pipeline("pre")
    pipeline.extract(merge_source(SECOND), loader_file_format=LOADER_FILE_FORMAT)
    pipeline.normalize()
    load_id = pipeline.list_normalized_load_packages()[-1]
    candidate = Candidate(
        warehouse, "pre", pipeline.default_schema.tables, package_files(pipeline, load_id)
    )
    try:
        con = candidate.con
        # merge: 1 kept, 2 replaced by the package's, 3 added
        assert con.execute("select id from raw_pre.items order by id").fetchall() == [
            (1,),
            (2,),
            (3,),
        ]
        # its child table follows the root rows: 2's old tag c is gone
        tags = (
            "select i.id, t.value from raw_pre.items__tags t "
            "join raw_pre.items i on t._dlt_root_id = i._dlt_id order by 1, 2"
        )
        assert con.execute(tags).fetchall() == [
            (1, "a"),
            (1, "b"),
            (2, "d"),
            (2, "e"),
            (3, "f"),
        ]
        # replace: only the package's rows
        assert con.execute("select code from raw_pre.codes order by 1").fetchall() == [
            (20,),
            (30,),
        ]
    finally:
        candidate.close()
        pipeline.abort_packages()
    with duckdb.connect(str(warehouse), read_only=True) as con:  # nothing written meanwhile
        assert con.execute("select id from raw_pre.items order by id").fetchall() == [(1,), (2,)]


def test_a_suite_sees_old_and_new_rows_together(warehouse: Path) -> None:
    """A key unique in the package alone but not with the warehouse's rows (append) fails."""

    def events(ids: list[int]) -> Any:
        @dlt.source(name="ev")
        def source() -> Any:
            @dlt.resource(name="events", write_disposition="append")
            def rows() -> Iterator[list[dict[str, Any]]]:
                yield [{"event_id": i} for i in ids]

            return rows

        return source()

    suites = [TableSuite("events", key=["event_id"], checks=[unique("event_id")])]
    run_source("ev", events([1, 2]), printer=lambda _: None, suites=suites)
    with pytest.raises(ValidationFailedError) as caught:
        run_source("ev", events([2, 3]), printer=lambda _: None, suites=suites)
    assert "raw_ev.events.event_id: must be unique (2 failing rows" in str(caught.value)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select event_id from raw_ev.events order by 1").fetchall() == [
            (1,),
            (2,),
        ]
        assert con.execute("select record_key, rule from quarantine.ev").fetchall() == [
            ("2", "must be unique"),
            ("2", "must be unique"),
        ]


def test_the_cursor_guard_holds_back_future_rows_of_an_arrow_batch(warehouse: Path) -> None:
    now = datetime.now(UTC)

    def arrow_source(times: list[datetime]) -> Any:
        @dlt.source(name="arr")
        def source() -> Any:
            cursor = dlt.sources.incremental("at", initial_value=now - timedelta(days=30))

            @dlt.resource(name="rows", primary_key="id", write_disposition="merge")
            def rows(at: dlt.sources.incremental[datetime] = cursor) -> Iterator[Any]:
                yield pa.table(
                    {
                        "id": pa.array(range(1, len(times) + 1), pa.int64()),
                        "at": pa.array(times, pa.timestamp("us", tz="UTC")),
                    }
                )

            return rows

        return source()

    past = [now - timedelta(days=2), now - timedelta(days=1)]
    run_source("arr", arrow_source(past), printer=lambda _: None)
    with pytest.raises(ValidationFailedError) as caught:
        run_source("arr", arrow_source([*past, now + timedelta(days=400)]), printer=lambda _: None)
    assert "raw_arr.rows.at: is the incremental cursor and must not be later than now + 24h" in (
        str(caught.value)
    )
    assert "sample keys: 3" in str(caught.value)
    state = make_pipeline("arr").state["sources"]["arr"]["resources"]["rows"]
    assert state["incremental"]["at"]["last_value"] == past[1].replace(
        microsecond=past[1].microsecond
    )
