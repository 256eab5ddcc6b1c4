"""An incremental build after new and changed raw rows gives exactly the tables a full
refresh gives (event models are incremental with a lookback for late data)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.bench.build_steps import stamp_daily_loads
from ingestion.orchestrate import dbt

pytestmark = pytest.mark.slow

CHANGES = [
    # a PR changed after the last build: retitled as a revert, bumped updated_at, newer load
    """update raw_github.pull_requests
       set title = 'Revert "' || title || '"', updated_at = timestamp '2026-11-02 08:00:00+00',
           _dlt_load_id = '9999999999.1'
       where id = (select min(id) from raw_github.pull_requests where merged_at is not null)""",
    # brand-new PRs of the next day
    """insert into raw_github.pull_requests by name
       select * replace (id + 5000000000 as id, number + 80000 as number,
                         timestamp '2026-11-01 09:00:00+00' as created_at,
                         timestamp '2026-11-01 15:00:00+00' as merged_at,
                         timestamp '2026-11-01 15:00:00+00' as updated_at,
                         '9999999999.1' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_requests where merged_at is not null order by id limit 25""",
    # their files (copies of the files of the PRs they copy)
    """insert into raw_github.pull_request_files by name
       select * replace (pull_number + 80000 as pull_number, '9999999999.1' as _dlt_load_id,
                         md5(random()::varchar) as _dlt_id)
       from raw_github.pull_request_files
       where (repository_full_name, pull_number) in
             (select (repository_full_name, number - 80000) from raw_github.pull_requests
              where number > 80000)""",
    # a late backfill: a PR merged an hour before an old merged PR, on the same files, so
    # that old PR's files become churn in a table built long ago
    """create temp table backfilled_from as
       select * from raw_github.pull_requests
       where id in (select pull_request_id from intermediate.int_pull_request_files_with_churn
                    group by pull_request_id having not bool_or(is_churn))
       order by merged_at limit 1 offset 40""",
    """insert into raw_github.pull_requests by name
       select * replace (id + 6000000000 as id, number + 90000 as number,
                         merged_at - interval 3 hour as created_at,
                         merged_at - interval 1 hour as merged_at,
                         merged_at - interval 1 hour as closed_at,
                         merged_at - interval 1 hour as updated_at,
                         '9999999999.1' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from backfilled_from""",
    """insert into raw_github.pull_request_files by name
       select * replace (pull_number + 90000 as pull_number, '9999999999.1' as _dlt_load_id,
                         md5(random()::varchar) as _dlt_id)
       from raw_github.pull_request_files
       where (repository_full_name, pull_number) in
             (select (repository_full_name, number) from backfilled_from)""",
    # a new commit on the platform repository's default branch, and a deployment of it
    """insert into raw_github.commits by name
       select * replace ('f' || repeat('0', 39) as sha,
                         timestamp '2026-11-01 10:00:00+00' as commit__author__date,
                         timestamp '2026-11-01 10:00:00+00' as commit__committer__date,
                         '9999999999.1' as _dlt_load_id, 'new-commit' as _dlt_id)
       from raw_github.commits where repository_full_name = 'acme/platform-service'
       order by commit__committer__date desc limit 1""",
    """insert into raw_github.commits__parents by name
       select * replace ((select sha from raw_github.commits where repository_full_name = 'acme/platform-service'
                          and _dlt_id != 'new-commit' order by commit__committer__date desc limit 1) as sha,
                         'new-commit' as _dlt_parent_id, 'new-parent' as _dlt_id)
       from raw_github.commits__parents limit 1""",
    """insert into raw_github.deployments by name
       select * replace (7777777777 as id, 'f' || repeat('0', 39) as sha,
                         timestamp '2026-11-01 11:00:00+00' as created_at,
                         '9999999999.1' as _dlt_load_id, 'new-deployment' as _dlt_id)
       from raw_github.deployments where repository_full_name = 'acme/platform-service'
           and environment = 'production' limit 1""",
    """insert into raw_github.deployment_statuses by name
       select * replace (7777777778 as id, 7777777777 as deployment_id, 'success' as state,
                         timestamp '2026-11-01 11:05:00+00' as created_at,
                         '9999999999.1' as _dlt_load_id, 'new-status' as _dlt_id)
       from raw_github.deployment_statuses limit 1""",
    # a revised Copilot day (the vendor re-issued the latest report) and a new day
    """update raw_copilot.user_daily_reports
       set code_acceptance_activity_count = code_acceptance_activity_count + 1,
           _dlt_load_id = '9999999999.1'
       where day = (select max(day) from raw_copilot.user_daily_reports)""",
    """insert into raw_copilot.user_daily_reports by name
       select * replace (day + 1 as day, '9999999999.1' as _dlt_load_id,
                         md5(random()::varchar) as _dlt_id)
       from raw_copilot.user_daily_reports
       where day = (select max(day) from raw_copilot.user_daily_reports)""",
]
COMPARED = [
    "staging.stg_github__pull_requests",
    "staging.stg_github__pull_request_commits",
    "staging.stg_github__pull_request_files",
    "staging.stg_github__pull_request_reviews",
    "staging.stg_github__commits",
    "staging.stg_github__commit_parents",
    "staging.stg_github__deployments",
    "staging.stg_github__deployment_statuses",
    "intermediate.int_pull_request_files_with_churn",
    "intermediate.int_commit_parent_edges",
    "intermediate.int_commits_joined_to_deployments",
    "intermediate.int_pull_requests_enriched",
    "marts.fct_delivery_team_weekly",
    "marts.fct_delivery_team_monthly",
    "intermediate.int_ai_usage_person_days",
    "marts.fct_ai_usage_team_daily",
]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: sorted(con.execute(f"select * from {table}").fetchall(), key=repr)
            for table in COMPARED
        }
    finally:
        con.close()


def test_incremental_build_equals_full_refresh(demo_run: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "incremental.duckdb"
    shutil.copy(demo_run["db"], db)
    selection = [
        "--select",
        "+fct_delivery_team_weekly +fct_delivery_team_monthly +fct_ai_usage_team_daily",
        "--exclude",
        "test_type:unit",
    ]
    # the demo arrives in one load, so every row would fall inside the lookback and an
    # "incremental" run would re-read everything: spread history over daily loads first
    stamp_daily_loads(str(db))
    dbt(["build", "--full-refresh", *selection], db_path=db, quiet=True)
    con = duckdb.connect(str(db))
    for sql in CHANGES:
        con.execute(sql)
    con.close()
    dbt(["build", *selection], db_path=db, quiet=True)
    incremental = snapshot(db)
    dbt(["build", "--full-refresh", *selection], db_path=db, quiet=True)
    full = snapshot(db)
    for table in COMPARED:
        assert incremental[table] == full[table], table
    # and the changes did arrive
    con = duckdb.connect(str(db), read_only=True)
    try:
        new_prs = con.execute(
            "select count(*) from intermediate.int_pull_requests_enriched where pull_number between 80000 and 89999"
        ).fetchone()
        reverts = con.execute(
            "select count(*) from intermediate.int_pull_requests_enriched where is_revert"
        ).fetchone()
    finally:
        con.close()
    assert new_prs == (25,)
    con = duckdb.connect(str(db), read_only=True)
    try:
        days = con.execute(
            "select max(usage_date) from intermediate.int_ai_usage_person_days where source = 'copilot_user_report'"
        ).fetchone()[0]
        raw_days = con.execute("select max(day) from raw_copilot.user_daily_reports").fetchone()[0]
    finally:
        con.close()
    assert days == raw_days  # the new Copilot day arrived
    con = duckdb.connect(str(db), read_only=True)
    try:
        shipped = con.execute(
            "select deployment_id from intermediate.int_commits_joined_to_deployments "
            "where commit_sha = 'f' || repeat('0', 39)"
        ).fetchall()
    finally:
        con.close()
    assert shipped == [("7777777777",)]  # the new deployment shipped the new commit
    assert reverts[0] >= 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        # the old PR next to the backfill: none of its files was churn, now all are
        reflagged = con.execute(
            "select count(*), count(*) filter (where is_churn) "
            "from intermediate.int_pull_request_files_with_churn "
            "where pull_request_id = (select id - 6000000000 from raw_github.pull_requests "
            "                         where number > 90000)"
        ).fetchone()
    finally:
        con.close()
    assert reflagged[0] > 0 and reflagged[0] == reflagged[1]


def test_incremental_build_over_a_table_built_by_an_older_model_version(
    demo_run: dict[str, Any], tmp_path: Path
) -> None:
    """An upgrade that adds the column an incremental filter reads (here `loaded_at`) must
    not fail the next run: the model re-reads everything and gains the column."""
    db = tmp_path / "upgraded" / Path(demo_run["db"]).name  # views name the catalog
    db.parent.mkdir()
    shutil.copy(demo_run["db"], db)
    con = duckdb.connect(str(db))
    before = con.execute("select count(*) from intermediate.int_pull_requests_enriched").fetchone()
    con.execute("alter table intermediate.int_pull_requests_enriched drop column loaded_at")
    con.close()
    dbt(
        ["build", "--select", "int_pull_requests_enriched", "--exclude", "test_type:unit"],
        db_path=db,
        quiet=True,
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        after = con.execute(
            "select count(*), count(loaded_at) from intermediate.int_pull_requests_enriched"
        ).fetchone()
    finally:
        con.close()
    assert after == (before[0], before[0])
