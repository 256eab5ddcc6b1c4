"""`median_with_interval_90` (macros/statistics.sql) in a throwaway dbt project on DuckDB:
the median of each group with the order statistics that bound it, checked by hand on small
groups, and the exact binomial coverage of the ranks it picks, for every group size from 5 to
200, at least 90% (the quality cost's interval rests on it, fct_net_gain_waterfall)."""

from __future__ import annotations

from math import comb
from pathlib import Path

import duckdb

from tests.dbt_macros.throwaway import dbt_build, make_project

SMALL = """
{{ config(materialized='table') }}
with samples as (
    select * from (values
        ('one', 7.0),
        ('four', 4.0), ('four', 1.0), ('four', 3.0), ('four', 2.0),
        ('ten', 10.0), ('ten', 1.0), ('ten', 2.0), ('ten', 3.0), ('ten', 4.0),
        ('ten', 5.0), ('ten', 6.0), ('ten', 7.0), ('ten', 8.0), ('ten', 9.0),
        ('ten', null)
    ) as t(grp, hours)
)
{{ median_with_interval_90('samples', 'grp', 'hours') }}
"""

SIZES = """
{{ config(materialized='table') }}
with samples as (
    -- group n holds the values 1..n, so a value is its own rank
    select sizes.n as grp, cast(ranks.v as double) as hours
    from range(1, 201) as sizes(n)
    inner join range(1, 201) as ranks(v) on ranks.v <= sizes.n
)
{{ median_with_interval_90('samples', 'grp', 'hours') }}
"""


def _build(tmp_path: Path, name: str, sql: str) -> list[tuple]:
    root = make_project(tmp_path, {f"models/{name}.sql": sql}, macros=("macros/statistics.sql",))
    result = dbt_build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    con = duckdb.connect(str(tmp_path / "throwaway.duckdb"), read_only=True)
    return con.execute(
        f"select grp, median_value, median_lower_90, median_upper_90, value_count from {name} order by 1"
    ).fetchall()


def test_small_groups_by_hand(tmp_path: Path) -> None:
    # one value: the point itself; four: the observed range (87.5% coverage, stated);
    # ten (a null left out): j = floor((10 - 1.645 x sqrt(10)) / 2) = 2, so ranks 2 and 9
    assert _build(tmp_path, "small", SMALL) == [
        ("four", 2.5, 1.0, 4.0, 4),
        ("one", 7.0, 7.0, 7.0, 1),
        ("ten", 5.5, 2.0, 9.0, 10),
    ]


def test_the_ranks_hold_the_median_at_least_90_percent_of_the_time(tmp_path: Path) -> None:
    rows = _build(tmp_path, "sizes", SIZES)
    assert len(rows) == 200
    for n, median, lower, upper, count in rows:
        assert count == n and median == (n + 1) / 2
        j, k = int(lower), int(upper)
        assert k == n + 1 - j, n  # symmetric ranks
        if n < 5:
            assert (j, k) == (1, n), n  # the observed range
            continue
        # P(x_(j) <= median <= x_(k)) = P(j <= B <= k - 1) for B ~ Binomial(n, 1/2)
        coverage = sum(comb(n, i) for i in range(j, k)) / 2**n
        assert coverage >= 0.90, (n, j, k, coverage)
        # and no wider than it needs to be by more than one rank each side
        tighter = sum(comb(n, i) for i in range(j + 2, k - 2)) / 2**n
        assert tighter < 0.90, (n, j, k, tighter)
    assert rows[19][2:4] == (6.0, 15.0)  # n = 20
