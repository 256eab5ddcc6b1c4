"""The `columns_within_ranges` generic test (macros/tests/) in a throwaway dbt project:
it passes on values inside the ranges and returns one row per broken value, naming the
column, the value and the rule."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from ingestion.common.config import PROJECT_ROOT, TELEMETRY_OFF

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
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "macros").mkdir()
    shutil.copy(PROJECT_ROOT / "macros/tests/columns_within_ranges.sql", root / "macros")
    shutil.copy(PROJECT_ROOT / "macros/statistics.sql", root / "macros")
    (root / "dbt_project.yml").write_text(
        "name: ranges_check\nversion: '1.0'\nprofile: ranges_check\nconfig-version: 2\n"
    )
    (root / "profiles.yml").write_text(
        "ranges_check:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {tmp_path / 'ranges.duckdb'}\n      threads: 1\n"
    )
    (root / "models/rates.sql").write_text(rows_sql)
    (root / "models/rates.yml").write_text(MODEL_YML)
    return root


def _build(root: Path) -> subprocess.CompletedProcess[str]:
    dbt = Path(sys.executable).with_name("dbt")
    env = {**TELEMETRY_OFF, "PATH": "/usr/bin:/bin", "HOME": str(root)}
    return subprocess.run(
        [str(dbt), "build", "--profiles-dir", str(root), "--project-dir", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def test_values_inside_the_ranges_pass(tmp_path) -> None:
    root = _project(
        tmp_path,
        "select 0.0 as share, 0.0 as hours, 5 as score "
        "union all select 1.0, 12.5, -3 union all select null, null, null",
    )
    result = _build(root)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "PASS=2" in result.stdout


def test_each_broken_value_is_a_failing_row_naming_column_value_and_rule(tmp_path) -> None:
    root = _project(
        tmp_path,
        "select 1.5 as share, -2.0 as hours, 5 as score "
        "union all select 0.5, 1.0, 6 union all select -0.25, null, 1",
    )
    result = _build(root)
    assert result.returncode == 1
    assert "Got 4 results" in result.stdout
    con = duckdb.connect(str(tmp_path / "ranges.duckdb"), read_only=True)
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
