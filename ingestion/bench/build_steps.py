"""The benchmark's dbt steps: full and incremental builds, the direct-SQL floor, one more
day of data and the fixed start-up cost (a build over empty raw tables).

Run like the other steps (`python -m ingestion.bench.steps <step> '<json args>'`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.config import PROJECT_ROOT
from ingestion.common.pseudonym import load_key, register_udf
from ingestion.common.sql import scalar

#: dbt nodes a daily orchestrated run builds: models, seeds and data tests. Unit tests are
#: code tests of the SQL (they run in `make test`), not checks of the day's data.
BUILD_SELECTION = ["--exclude", "test_type:unit"]


def dbt_build(db: str, run_dir: str, full_refresh: bool) -> dict[str, Any]:
    """`dbt build` against `db`; seconds, exit code and per-kind node time from run_results."""
    from ingestion.orchestrate import dbt_env

    executable = Path(sys.executable).with_name("dbt")
    args = [str(executable), "build", *BUILD_SELECTION]
    if full_refresh:
        args.append("--full-refresh")
    args += ["--target-path", f"{run_dir}/target", "--log-path", f"{run_dir}/logs"]
    started = time.monotonic()
    proc = subprocess.run(
        args, cwd=PROJECT_ROOT, env=dbt_env(Path(db)), capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    tail = [line for line in proc.stdout.splitlines() if "Done." in line or "ERROR" in line]
    out: dict[str, Any] = {"seconds": seconds, "exit_code": proc.returncode, "summary": tail[-5:]}
    results = Path(run_dir) / "target" / "run_results.json"
    if results.exists():
        out.update(node_seconds(json.loads(results.read_text())))
    return out


def dbt_parse(db: str, run_dir: str) -> dict[str, Any]:
    """`dbt parse` into the size's target: the builds after it start warm (partial parse),
    as an orchestrator's daily run does; a cold parse of the project takes ~4 s."""
    from ingestion.orchestrate import dbt_env

    executable = Path(sys.executable).with_name("dbt")
    args = [str(executable), "parse", "--target-path", f"{run_dir}/target"]
    args += ["--log-path", f"{run_dir}/logs"]
    started = time.monotonic()
    proc = subprocess.run(
        args, cwd=PROJECT_ROOT, env=dbt_env(Path(db)), capture_output=True, text=True
    )
    return {"seconds": time.monotonic() - started, "exit_code": proc.returncode}


def node_seconds(run_results: dict[str, Any]) -> dict[str, Any]:
    """dbt's own time split: seconds inside the run (after parse) and node time per kind."""
    kinds: dict[str, dict[str, float]] = {}
    for result in run_results.get("results", []):
        kind = str(result["unique_id"]).split(".", 1)[0]
        entry = kinds.setdefault(kind, {"nodes": 0, "seconds": 0.0})
        entry["nodes"] += 1
        entry["seconds"] += float(result.get("execution_time") or 0)
    return {"run_elapsed_seconds": run_results.get("elapsed_time"), "node_seconds": kinds}


def _compiled_sql(node: dict[str, Any]) -> str:
    compiled = Path(node.get("compiled_path") or "")
    compiled = compiled if compiled.is_absolute() else PROJECT_ROOT / compiled
    return compiled.read_text() if compiled.exists() else node.get("compiled_code") or ""


def direct_floor(db: str, run_dir: str, top: int = 5) -> dict[str, Any]:
    """Every model's compiled SQL run directly in DuckDB, in a copy of the built warehouse.

    Tables and incremental models (compiled by the full-refresh build, so their full
    branch) run as `create or replace table main.bench_tmp as <sql>`; views as a view.
    The sum is the floor of the build: the same SQL with no dbt around it and no tests.
    """
    target = Path(run_dir) / "target"
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())["nodes"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    copy_dir = Path(run_dir) / "direct"
    shutil.rmtree(copy_dir, ignore_errors=True)
    copy_dir.mkdir(parents=True)
    copy = copy_dir / Path(db).name  # same file name: compiled SQL names the catalog
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    # the models call the pseudonym function dbt's plugin registers on its connections
    register_udf(con, load_key(PROJECT_ROOT, create=False))
    rows = []
    try:
        for r in models:
            node = manifest[r["unique_id"]]
            kind = "view" if node["config"].get("materialized") == "view" else "table"
            started = time.monotonic()
            if node.get("language", "sql") == "python":
                # no SQL to run directly: a Python model's dbt time stands as its floor
                started -= float(r.get("execution_time") or 0)
            else:
                sql = _compiled_sql(node)
                con.execute(f"create or replace {kind} main.bench_tmp_{kind} as {sql}")
            rows.append(
                {
                    "model": node["name"],
                    "materialized": node["config"].get("materialized"),
                    "dbt_seconds": float(r.get("execution_time") or 0),
                    "direct_seconds": time.monotonic() - started,
                }
            )
    finally:
        con.close()
        shutil.rmtree(copy_dir, ignore_errors=True)
    rows.sort(key=lambda m: -m["dbt_seconds"])
    heaviest = rows[:top]
    top_dbt = sum(m["dbt_seconds"] for m in heaviest)
    top_direct = sum(m["direct_seconds"] for m in heaviest)
    all_direct = sum(m["direct_seconds"] for m in rows)
    return {
        "seconds": all_direct,
        "models": len(rows),
        "all_models_direct_seconds": all_direct,
        "all_models_dbt_seconds": sum(m["dbt_seconds"] for m in rows),
        "top5": {
            "models": heaviest,
            "dbt_seconds": top_dbt,
            "direct_seconds": top_direct,
            "dbt_over_direct": top_dbt / top_direct if top_direct else None,
        },
    }


def empty_copy(db: str, empty_db: str) -> dict[str, Any]:
    """A warehouse with every raw table of `db`, empty: the fixed cost of a build runs on it."""
    started = time.monotonic()
    Path(empty_db).parent.mkdir(parents=True, exist_ok=True)
    Path(empty_db).unlink(missing_ok=True)
    source = duckdb.connect(db, read_only=True)
    try:
        tables = source.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name like 'raw\\_%' escape '\\'"
        ).fetchall()
    finally:
        source.close()
    con = duckdb.connect(empty_db)
    try:
        con.execute(f"attach '{db}' as full_db (read_only)")
        for schema, table in tables:
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(
                f'create table "{schema}"."{table}" as '
                f'select * from full_db."{schema}"."{table}" limit 0'
            )
        con.execute("detach full_db")
    finally:
        con.close()
    return {"seconds": time.monotonic() - started, "tables": len(tables)}


#: tables whose load time decides what an incremental model re-reads, and the row's own
#: time that says which daily load would have brought it
DAILY_LOAD_TIMES = {
    "raw_github.pull_requests": "updated_at",
    "raw_github.pull_request_review_comments": "updated_at",
    "raw_github.deployments": "updated_at",
    "raw_github.deployment_statuses": "created_at",
    "raw_github.commits": "commit__committer__date",
    "raw_copilot.user_daily_reports": "day",
    "raw_ai_usage_files.ai_usage_daily": "usage_date",
}

#: per-PR lists: the github source reloads them with their pull request, so they arrive in
#: its load
PULL_REQUEST_LISTS = (
    "raw_github.pull_request_commits",
    "raw_github.pull_request_reviews",
    "raw_github.pull_request_files",
)


def stamp_daily_loads(db: str) -> dict[str, Any]:
    """Re-stamp history as if it had arrived in daily loads, the steady state of a daily run.

    A bench size is loaded in one go, so every row has (nearly) the same `_dlt_load_id`.
    The incremental models re-read what was loaded since their newest built load minus
    var('incremental_lookback_days'), so with all history in one load the "daily" run would
    re-read all history. Here each row of the tables above gets the load id of the end of
    the day it last changed (a dlt load id is the load's unix time), and a PR's commits,
    reviews and files get their PR's load id.
    """
    started = time.monotonic()
    con = duckdb.connect(db)
    try:
        for table, column in DAILY_LOAD_TIMES.items():
            con.execute(
                f"update {table} set _dlt_load_id = cast(epoch("
                f"cast(cast({column} as date) + interval 1 day as timestamp)) as varchar)"
            )
        for table in PULL_REQUEST_LISTS:
            con.execute(
                f"update {table} as listed set _dlt_load_id = pulls._dlt_load_id "
                f"from raw_github.pull_requests as pulls "
                f"where pulls.repository_full_name = listed.repository_full_name "
                f"and pulls.number = listed.pull_number"
            )
    finally:
        con.close()
    return {
        "seconds": time.monotonic() - started,
        "tables": len(DAILY_LOAD_TIMES) + len(PULL_REQUEST_LISTS),
    }


#: one more day of data, written like the next daily load would write it (load id one day
#: after the newest): the latest weekday's PRs (with their commits, reviews and files),
#: deployments (with statuses) and the latest Copilot user-report day, copied one day later
#: with new ids
APPEND_DAY = [
    """create or replace temp table bench_last as
       select max(created_at)::date as d from raw_github.pull_requests
       where isodow(created_at) <= 5""",
    """create or replace temp table bench_new_prs as
       select id, repository_full_name, number from raw_github.pull_requests
       where created_at::date = (select d from bench_last)""",
    """insert into raw_github.pull_requests by name
       select * replace (id + 9000000000 as id, number + 900000 as number,
                         created_at + interval 1 day as created_at,
                         updated_at + interval 1 day as updated_at,
                         closed_at + interval 1 day as closed_at,
                         merged_at + interval 1 day as merged_at,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_requests where id in (select id from bench_new_prs)""",
    """insert into raw_github.pull_request_commits by name
       select * replace (pull_number + 900000 as pull_number,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_request_commits
       where (repository_full_name, pull_number) in
             (select (repository_full_name, number) from bench_new_prs)""",
    """insert into raw_github.pull_request_reviews by name
       select * replace (id + 9000000000 as id, pull_number + 900000 as pull_number,
                         submitted_at + interval 1 day as submitted_at,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_request_reviews
       where (repository_full_name, pull_number) in
             (select (repository_full_name, number) from bench_new_prs)""",
    """insert into raw_github.pull_request_files by name
       select * replace (pull_number + 900000 as pull_number,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_request_files
       where (repository_full_name, pull_number) in
             (select (repository_full_name, number) from bench_new_prs)""",
    """insert into raw_github.deployments by name
       select * replace (id + 9000000000 as id, created_at + interval 1 day as created_at,
                         updated_at + interval 1 day as updated_at,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.deployments
       where created_at::date = (select d from bench_last)""",
    """insert into raw_github.deployment_statuses by name
       select * replace (id + 9000000000 as id, deployment_id + 9000000000 as deployment_id,
                         created_at + interval 1 day as created_at,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.deployment_statuses
       where deployment_id in (select id - 9000000000 from raw_github.deployments
                               where _dlt_load_id = '{load_id}')""",
    """insert into raw_copilot.user_daily_reports by name
       select * replace (day + 1 as day, '{load_id}' as _dlt_load_id,
                         md5(random()::varchar) as _dlt_id)
       from raw_copilot.user_daily_reports
       where day = (select max(day) from raw_copilot.user_daily_reports)""",
]


def append_day(db: str) -> dict[str, Any]:
    started = time.monotonic()
    con = duckdb.connect(db)
    try:
        newest = scalar(
            con, "select max(cast(_dlt_load_id as double)) from raw_github.pull_requests"
        )
        load_id = f"{float(newest or time.time()) + 86400:.6f}"
        inserted = 0
        for sql in APPEND_DAY:
            statement = sql.format(load_id=load_id)
            if sql.lstrip().startswith("insert"):
                inserted += int(scalar(con, statement))  # an insert returns its row count
            else:
                con.execute(statement)
    finally:
        con.close()
    return {"seconds": time.monotonic() - started, "rows": inserted, "load_id": load_id}
