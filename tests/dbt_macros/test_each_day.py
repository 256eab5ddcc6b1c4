"""`each_day` (macros/time_helpers.sql) in a throwaway dbt project on DuckDB: one row per day
from start to end, both included, as dates; and on an adapter with no implementation (the
DuckDB branch removed, so the dispatch falls to default__) the compile stops with a message
naming the adapter and the macro to add, instead of emitting SQL that fails later."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from ingestion.common.config import PROJECT_ROOT
from tests.dbt_macros.throwaway import dbt_build, make_project

MODEL = """
{{ config(materialized='table') }}
select task, {{ each_day('started_on', 'done_on') }} as day
from (values ('a', date '2026-02-27', date '2026-03-02'), ('b', date '2026-03-05', date '2026-03-05'))
    as t(task, started_on, done_on)
"""


def _project(tmp_path: Path, helpers: str) -> Path:
    return make_project(
        tmp_path,
        {"models/days.sql": MODEL, "macros/time_helpers.sql": helpers},
        macros=("macros/statistics.sql",),
    )


def test_one_row_per_day_both_ends_included(tmp_path: Path) -> None:
    root = _project(tmp_path, (PROJECT_ROOT / "macros/time_helpers.sql").read_text())
    result = dbt_build(root)
    assert result.returncode == 0, result.stdout[-2000:]
    con = duckdb.connect(str(tmp_path / "throwaway.duckdb"), read_only=True)
    rows = con.execute("select task, day from days order by task, day").fetchall()
    day = dt.date
    assert rows == [
        ("a", day(2026, 2, 27)),
        ("a", day(2026, 2, 28)),
        ("a", day(2026, 3, 1)),
        ("a", day(2026, 3, 2)),
        ("b", day(2026, 3, 5)),
    ]


def test_an_adapter_without_an_implementation_stops_the_compile_saying_what_to_add(
    tmp_path: Path,
) -> None:
    text = (PROJECT_ROOT / "macros/time_helpers.sql").read_text()
    start = text.index("{% macro duckdb__each_day")
    end = text.index("{%- endmacro %}", start) + len("{%- endmacro %}")
    root = _project(tmp_path, text[:start] + text[end:])
    result = dbt_build(root)
    assert result.returncode != 0
    assert (
        "each_day: no implementation for the duckdb adapter; "
        "add duckdb__each_day to macros/time_helpers.sql" in result.stdout
    ), result.stdout[-2000:]
