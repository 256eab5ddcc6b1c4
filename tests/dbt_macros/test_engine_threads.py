"""The on-run-start hook `set_engine_threads` (macros/engine_threads.sql) in a throwaway
dbt project: DuckDB gets max(1, cores // dbt threads) threads per concurrent model, all
cores with one dbt thread, and `--vars '{duckdb_threads: N}'` overrides both. A model
records the setting its own query ran with."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.dbt_macros.throwaway import dbt_build, make_project

HOOK = 'on-run-start:\n  - "{{ set_engine_threads() }}"\n'
MODEL = "{{ config(materialized='table') }}\nselect cast(current_setting('threads') as int) as t\n"


def _cores() -> int:
    """DuckDB's default threads: one per core."""
    return int(duckdb.connect().execute("select current_setting('threads')").fetchone()[0])


def _threads_seen(tmp_path: Path, dbt_threads: int, *args: str) -> int:
    root = make_project(
        tmp_path,
        {"models/threads_seen.sql": MODEL},
        macros=("macros/engine_threads.sql",),
        project_yml=HOOK,
        threads=dbt_threads,
    )
    result = dbt_build(root, *args)
    assert result.returncode == 0, result.stdout[-2000:]
    con = duckdb.connect(str(tmp_path / "throwaway.duckdb"), read_only=True)
    return con.execute("select t from threads_seen").fetchone()[0]


@pytest.mark.parametrize("dbt_threads", [1, 2])
def test_cores_are_split_between_dbt_threads(tmp_path, dbt_threads) -> None:
    assert _threads_seen(tmp_path, dbt_threads) == max(1, _cores() // dbt_threads)


def test_a_var_sets_the_threads(tmp_path) -> None:
    assert _threads_seen(tmp_path, 2, "--vars", "{duckdb_threads: 3}") == 3
