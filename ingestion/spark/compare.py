"""Every mart of the Spark build against the DuckDB build, row for row.

Rows are matched after sorting both sides by their exact columns (text, integers, dates,
timestamps, booleans; floats rounded to 9 significant digits break ties), then compared
column by column: exact columns equal, money (decimal columns, or a float column whose
name says usd or cost) equal to the cent, other floats within 1e-9 relative (1e-12
absolute near zero). One line per mart; `compare()` returns the lines and whether all
passed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

REL_TOL = 1e-9
ABS_TOL = 1e-12
CENT = 0.005 + 1e-9


@dataclass
class MartResult:
    name: str
    duckdb_rows: int
    spark_rows: int
    columns: int
    max_relative_difference: float
    max_money_difference: float
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _is_money(column: str, values: list[Any]) -> bool:
    if any(isinstance(v, Decimal) for v in values):
        return True
    lowered = column.lower()
    return "usd" in lowered or "cost" in lowered


def _exact(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_exact(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat() + " 00:00:00"
    return value


def _sort_key(row: tuple[Any, ...], float_columns: set[int]) -> tuple[Any, ...]:
    key: list[tuple[int, Any]] = []
    for index, value in enumerate(row):
        if value is None:
            key.append((0, ""))
        elif index in float_columns:
            number = float(value)
            key.append((1, float(f"{number:.9g}") if math.isfinite(number) else str(number)))
        else:
            exact = _exact(value)
            key.append((1, exact if not isinstance(exact, bool) else int(exact)))
    # floats last, so the exact columns decide the order
    exact_part = tuple(k for i, k in enumerate(key) if i not in float_columns)
    float_part = tuple(k for i, k in enumerate(key) if i in float_columns)
    return (*exact_part, *float_part)


def compare_rows(
    name: str, columns: list[str], left: list[tuple], right: list[tuple]
) -> MartResult:
    float_columns = {
        i
        for i in range(len(columns))
        if any(isinstance(row[i], float | Decimal) for row in left + right if row[i] is not None)
    }
    money = {i for i in float_columns if _is_money(columns[i], [row[i] for row in left + right])}
    result = MartResult(name, len(left), len(right), len(columns), 0.0, 0.0, None)
    if len(left) != len(right):
        result.problem = f"{len(left)} rows on DuckDB, {len(right)} on Spark"
        return result
    left_sorted = sorted(left, key=lambda r: _sort_key(r, float_columns))
    right_sorted = sorted(right, key=lambda r: _sort_key(r, float_columns))
    for row_number, (a, b) in enumerate(zip(left_sorted, right_sorted, strict=True), start=1):
        for index, column in enumerate(columns):
            x, y = a[index], b[index]
            if x is None or y is None:
                if x is not y:
                    result.problem = (
                        f"row {row_number} column {column}: {x!r} (DuckDB) vs {y!r} (Spark)"
                    )
                    return result
                continue
            if index in float_columns:
                fx, fy = float(x), float(y)
                if math.isnan(fx) and math.isnan(fy):
                    continue
                difference = abs(fx - fy)
                if index in money:
                    result.max_money_difference = max(result.max_money_difference, difference)
                    if round(fx, 2) != round(fy, 2) and difference > CENT:
                        result.problem = f"row {row_number} column {column}: {fx!r} vs {fy!r} (money, to the cent)"
                        return result
                else:
                    scale = max(abs(fx), abs(fy))
                    if scale > 0:
                        result.max_relative_difference = max(
                            result.max_relative_difference, difference / scale
                        )
                    if not math.isclose(fx, fy, rel_tol=REL_TOL, abs_tol=ABS_TOL):
                        result.problem = f"row {row_number} column {column}: {fx!r} vs {fy!r} (relative {difference / scale:.2e})"
                        return result
            elif _exact(x) != _exact(y):
                result.problem = (
                    f"row {row_number} column {column}: {x!r} (DuckDB) vs {y!r} (Spark)"
                )
                return result
    return result


def compare(
    duckdb_path: Path, session: Any, schema: str = "marts"
) -> tuple[list[MartResult], bool]:
    import duckdb

    results: list[MartResult] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "and table_type = 'BASE TABLE' order by 1",
                [schema],
            ).fetchall()
        ]
        spark_tables = {row.tableName for row in session.sql(f"show tables in {schema}").collect()}
        for table in tables:
            relation = con.sql(f'select * from "{schema}"."{table}"')
            columns = list(relation.columns)
            if table not in spark_tables:
                results.append(MartResult(table, 0, 0, len(columns), 0, 0, "missing on Spark"))
                continue
            left = [tuple(row) for row in relation.fetchall()]
            frame = session.table(f"{schema}.{table}")
            spark_columns = [c.lower() for c in frame.columns]
            if spark_columns != [c.lower() for c in columns]:
                results.append(
                    MartResult(
                        table, len(left), 0, len(columns), 0, 0, f"columns differ: {spark_columns}"
                    )
                )
                continue
            right = [tuple(row) for row in frame.collect()]
            results.append(compare_rows(table, columns, left, right))
    return results, all(r.ok for r in results)


def table(results: list[MartResult]) -> str:
    lines = [
        "| mart | rows DuckDB | rows Spark | columns | max rel. diff | max money diff | result |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.duckdb_rows} | {r.spark_rows} | {r.columns} | "
            f"{r.max_relative_difference:.1e} | {r.max_money_difference:.1e} | {'ok' if r.ok else r.problem} |"
        )
    return "\n".join(lines)
