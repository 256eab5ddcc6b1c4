"""The commit walk's stride and depth bound (macros/commit_walk_stride.sql) in a throwaway
dbt project on DuckDB: the engine's default stride (4; Spark's 16 is the spark__ branch),
the step bound = commit_walk_max_depth / stride rounded up, each var overriding, and a
stride or bound that is not a whole number >= 1 stopping the compile with the var's name."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.dbt_macros.throwaway import dbt_build, make_project

MODEL = (
    "{{ config(materialized='table') }}\n"
    "select {{ commit_walk_stride() }} as stride, {{ commit_walk_max_steps() }} as max_steps\n"
)
VARS = "vars:\n  commit_walk_max_depth: 1440\n"


def _walk_settings(tmp_path: Path, *args: str) -> tuple[int, int]:
    root = make_project(
        tmp_path,
        {"models/walk_settings.sql": MODEL},
        macros=("macros/commit_walk_stride.sql",),
        project_yml=VARS,
    )
    result = dbt_build(root, *args)
    assert result.returncode == 0, result.stdout[-2000:]
    con = duckdb.connect(str(tmp_path / "throwaway.duckdb"), read_only=True)
    stride, max_steps = con.execute("select stride, max_steps from walk_settings").fetchone() or (
        0,
        0,
    )
    return int(stride), int(max_steps)


def test_duckdb_walks_four_edges_a_step_and_the_bound_stays_1440_edges(tmp_path: Path) -> None:
    assert _walk_settings(tmp_path) == (4, 360)


def test_the_vars_override_the_stride_and_the_bound(tmp_path: Path) -> None:
    assert _walk_settings(tmp_path / "a", "--vars", "{commit_walk_stride: 16}") == (16, 90)
    # 10 edges at 4 a step: 3 steps (rounded up, so a walk of exactly 10 edges fits)
    assert _walk_settings(tmp_path / "b", "--vars", "{commit_walk_max_depth: 10}") == (4, 3)
    assert _walk_settings(tmp_path / "c", "--vars", "{commit_walk_max_steps: 7}") == (4, 7)


@pytest.mark.parametrize(
    "setting",
    ["{commit_walk_stride: 0}", "{commit_walk_max_depth: -5}", "{commit_walk_stride: 'x'}"],
)
def test_a_stride_or_bound_below_one_stops_the_compile_naming_the_var(
    tmp_path: Path, setting: str
) -> None:
    root = make_project(
        tmp_path,
        {"models/walk_settings.sql": MODEL},
        macros=("macros/commit_walk_stride.sql",),
        project_yml=VARS,
    )
    result = dbt_build(root, "--vars", setting)
    assert result.returncode != 0
    name = setting.strip("{}").split(":")[0]
    assert f"var({name}) must be a whole number of at least 1" in result.stdout
