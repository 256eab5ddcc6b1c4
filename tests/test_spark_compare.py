"""The Spark-vs-DuckDB mart comparison (ingestion/spark/compare.py) on hand-made rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ingestion.spark.compare import compare_rows

COLUMNS = ["team_name", "week_start", "deployments", "lead_time_hours", "ai_cost_usd"]
DUCKDB = [
    ("payments", dt.date(2026, 3, 2), 4, 12.5, 1000.00),
    ("search", dt.date(2026, 3, 2), 2, 1 / 3, 250.10),
]


def test_rows_in_another_order_with_float_noise_match() -> None:
    spark = [
        ("search", dt.date(2026, 3, 2), 2, 1 / 3 * (1 + 4e-10), 250.104),
        ("payments", dt.date(2026, 3, 2), 4, 12.5, 1000.00),
    ]
    result = compare_rows("fct_x", COLUMNS, DUCKDB, spark)
    assert result.ok, result.problem
    assert 3e-10 < result.max_relative_difference < 5e-10
    assert abs(result.max_money_difference - 0.004) < 1e-9


def test_a_relative_difference_above_1e_9_fails_naming_the_column() -> None:
    spark = [DUCKDB[0], ("search", dt.date(2026, 3, 2), 2, 1 / 3 * (1 + 2e-9), 250.10)]
    result = compare_rows("fct_x", COLUMNS, DUCKDB, spark)
    assert not result.ok
    assert "lead_time_hours" in result.problem


def test_money_off_by_two_cents_fails() -> None:
    spark = [DUCKDB[0], ("search", dt.date(2026, 3, 2), 2, 1 / 3, 250.12)]
    result = compare_rows("fct_x", COLUMNS, DUCKDB, spark)
    assert not result.ok
    assert "ai_cost_usd" in result.problem and "cent" in result.problem


def test_decimal_columns_are_money_whatever_their_name() -> None:
    columns = ["invoice_id", "amount"]
    result = compare_rows("fct_y", columns, [(1, Decimal("10.00"))], [(1, Decimal("10.01"))])
    assert not result.ok and "cent" in result.problem


def test_keys_are_exact_and_row_counts_must_agree() -> None:
    renamed = [DUCKDB[0], ("Search", dt.date(2026, 3, 2), 2, 1 / 3, 250.10)]
    assert "team_name" in compare_rows("fct_x", COLUMNS, DUCKDB, renamed).problem
    assert (
        compare_rows("fct_x", COLUMNS, DUCKDB, DUCKDB[:1]).problem == "2 rows on DuckDB, 1 on Spark"
    )


def test_a_date_equals_the_same_midnight_timestamp_and_null_only_null() -> None:
    columns = ["day", "value"]
    left = [(dt.date(2026, 1, 5), None)]
    assert compare_rows("d", columns, left, [(dt.datetime(2026, 1, 5), None)]).ok
    assert not compare_rows("d", columns, left, [(dt.date(2026, 1, 5), 0.0)]).ok
