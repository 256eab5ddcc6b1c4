"""The `columns_within_ranges` generic test (macros/tests/) in a throwaway dbt project:
it passes on values inside the ranges and returns one row per broken value, naming the
column, the value and the rule."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.dbt_macros.throwaway import dbt_build, make_project

MODEL_YML = """
version: 2
models:
  - name: rates
    data_tests:
      - columns_within_ranges:
          arguments:
            ranges:
              share: {min_value: 0, max_value: 1}
              hours: {min_value: 0}
              score: {max_value: 5}
          config:
            store_failures: true
"""


def _project(tmp_path: Path, rows_sql: str) -> Path:
    return make_project(
        tmp_path,
        {"models/rates.sql": rows_sql, "models/rates.yml": MODEL_YML},
        macros=("macros/tests/columns_within_ranges.sql", "macros/statistics.sql"),
    )


def test_values_inside_the_ranges_pass(tmp_path) -> None:
    root = _project(
        tmp_path,
        "select 0.0 as share, 0.0 as hours, 5 as score "
        "union all select 1.0, 12.5, -3 union all select null, null, null",
    )
    result = dbt_build(root)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "PASS=2" in result.stdout


def test_each_broken_value_is_a_failing_row_naming_column_value_and_rule(tmp_path) -> None:
    root = _project(
        tmp_path,
        "select 1.5 as share, -2.0 as hours, 5 as score "
        "union all select 0.5, 1.0, 6 union all select -0.25, null, 1",
    )
    result = dbt_build(root)
    assert result.returncode == 1
    assert "Got 4 results" in result.stdout
    con = duckdb.connect(str(tmp_path / "throwaway.duckdb"), read_only=True)
    table = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_name like 'columns_within_ranges%'"
    ).fetchone()
    rows = con.execute(
        f'select column_name, failing_value, rule_broken from "{table[0]}"."{table[1]}" '
        "order by column_name, failing_value"
    ).fetchall()
    con.close()
    assert rows == [
        ("hours", -2.0, ">= 0"),
        ("score", 6.0, "<= 5"),
        ("share", -0.25, "between 0 and 1"),
        ("share", 1.5, "between 0 and 1"),
    ]
