"""Baselines never change when rows dated on or after a team's reference date arrive
(docs/metrics.md, Baseline), and the check can fail: changing a row inside a baseline window
does change the baseline."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import IngestionError
from ingestion.orchestrate import dbt

pytestmark = pytest.mark.slow

# Rows dated after every team's reference date (the demo's latest rollout is 2026-06-01):
# a late PR with commits, files and a review, a deployment that fails, an incident on it,
# survey answers and operations volumes. Every table the baseline reads gets new rows.
LATE_ROWS = [
    """insert into raw_github.pull_requests by name
       select * replace (id + 900000000 as id, number + 90000 as number,
                         timestamp '2026-10-20 09:00:00+00' as created_at,
                         timestamp '2026-10-20 15:00:00+00' as merged_at,
                         timestamp '2026-10-20 15:00:00+00' as updated_at,
                         'late' || merge_commit_sha as merge_commit_sha,
                         '9999999999.1' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_requests where merged_at is not null limit 50""",
    """insert into raw_github.deployments by name
       select * replace (id + 900000000 as id, timestamp '2026-10-21 10:00:00+00' as created_at,
                         md5(random()::varchar) as _dlt_id)
       from raw_github.deployments limit 20""",
    """insert into raw_github.deployment_statuses by name
       select * replace (id + 900000000 as id, deployment_id + 900000000 as deployment_id,
                         'failure' as state, timestamp '2026-10-21 10:05:00+00' as created_at,
                         md5(random()::varchar) as _dlt_id)
       from raw_github.deployment_statuses
       where deployment_id in (select id - 900000000 from raw_github.deployments where id > 900000000)""",
    """insert into raw_incidents.incidents by name
       select * replace ('late' || id as id, timestamp '2026-10-21 11:00:00+00' as created_at,
                         timestamp '2026-10-21 13:00:00+00' as resolved_at, md5(random()::varchar) as _dlt_id)
       from raw_incidents.incidents limit 20""",
    """insert into raw_files.surveys by name
       select * replace ('late' || response_id as response_id, date '2026-10-25' as response_date,
                         1 as friction_score, md5(random()::varchar) as _dlt_id)
       from raw_files.surveys limit 40""",
    """insert into raw_files.ops_transactions by name
       select * replace (date '2026-10-31' + interval 1 day * (row_number() over ()) as transaction_date,
                         transactions * 10 as transactions, md5(random()::varchar) as _dlt_id)
       from raw_files.ops_transactions limit 30""",
]


def execute(db: Path, statements: list[str]) -> None:
    con = duckdb.connect(str(db))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def fetch(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_baselines_do_not_change_when_later_rows_arrive(
    demo_run: dict[str, Any], tmp_path: Path
) -> None:
    db = tmp_path / "late.duckdb"
    shutil.copy(demo_run["db"], db)
    execute(
        db,
        [
            "create schema audit",
            "create table audit.baselines_before_late_rows as select * from marts.fct_team_baselines",
        ],
    )
    before_prs = fetch(db, "select count(*) from raw_github.pull_requests")[0][0]
    execute(db, LATE_ROWS)
    assert fetch(db, "select count(*) from raw_github.pull_requests")[0][0] == before_prs + 50
    dbt(
        ["build", "--select", "+fct_team_baselines", "--exclude", "test_type:unit"],
        db_path=db,
        quiet=True,
    )
    dbt(["test", "--select", "baseline_is_frozen"], db_path=db, quiet=True)
    # the late rows did reach the warehouse: the weekly facts after R changed
    assert (
        fetch(
            db,
            "select count(*) from intermediate.int_pull_requests_enriched where pull_number > 90000",
        )[0][0]
        == 50
    )


def test_the_frozen_check_fails_when_a_baseline_row_changes(
    demo_run: dict[str, Any], tmp_path: Path
) -> None:
    db = tmp_path / "changed.duckdb"
    shutil.copy(demo_run["db"], db)
    execute(
        db,
        [
            "create schema audit",
            "create table audit.baselines_before_late_rows as select * from marts.fct_team_baselines",
            # survey answers dated 2026-01-15: inside the baseline window of the teams whose R is in Feb or Mar
            """insert into raw_files.surveys by name
               select * replace ('early' || response_id as response_id, date '2026-01-15' as response_date,
                                 5 as friction_score, md5(random()::varchar) as _dlt_id)
               from raw_files.surveys limit 40""",
        ],
    )
    # the build runs the frozen check (it is attached to fct_team_baselines) and fails on it
    with pytest.raises(IngestionError, match=r"FAIL \d+ baseline_is_frozen"):
        dbt(
            ["build", "--select", "+fct_team_baselines", "--exclude", "test_type:unit"],
            db_path=db,
            quiet=True,
        )
