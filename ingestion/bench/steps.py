"""The benchmark's steps, each run in its own process (`python -m ingestion.bench.steps
<step> '<json args>'`) so its peak RSS is measured alone; the last stdout line is
`BENCH_RESULT <json>`."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.config import PROJECT_ROOT

RESULT_PREFIX = "BENCH_RESULT "
OTHER_SOURCES = ("files", "ai_usage_files", "copilot", "jira", "incidents")


def _manifest(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "manifest.json").read_text())


def generate(data_dir: str, scale: str) -> dict[str, Any]:
    from ingestion.demo.generator import generate as run_generator

    teams, size, months = (int(v) for v in scale.lower().split("x"))
    spread = max(1, round(size * 0.3))
    started = time.monotonic()
    manifest = run_generator(
        Path(data_dir), teams=teams, team_size=(size - spread, size + spread), months=months
    )
    counts = manifest.get("row_counts") or {}
    return {"seconds": time.monotonic() - started, "records": sum(counts.values())}


def _configs(server: Any, data_dir: Path) -> dict[str, dict[str, Any]]:
    from ingestion.demo_job import demo_source_configs

    return demo_source_configs(server, data_dir, _manifest(data_dir))


def ingest(
    data_dir: str, db: str, sources: list[str], repositories: list[str] | None = None
) -> Any:
    """Serve the generated data on 127.0.0.1 and load `sources` with the real dlt sources.

    The server runs in a child process (`api_process`), so it does not share the sources'
    GIL; its peak RSS is in each source's entry as `server_peak_rss_mb`.
    """
    from ingestion.bench.api_process import served_in_subprocess
    from ingestion.orchestrate import ingest as run_ingest

    out: dict[str, Any] = {}
    with served_in_subprocess(Path(data_dir)) as server:
        configs = _configs(server, Path(data_dir))
        for name in sources:
            config = dict(configs[name])
            if name == "github" and repositories:
                config["repositories"] = repositories
            started = time.monotonic()
            summary, _ = run_ingest(name, config, validate=False, db_path=Path(db))
            out[name] = {
                "rows": summary.total_rows,
                "seconds": time.monotonic() - started,
                "row_counts": summary.row_counts,
            }
    for entry in out.values():
        entry["server_peak_rss_mb"] = server.peak_rss_mb
    return out


def github_http_floor(data_dir: str, repositories: list[str] | None = None) -> dict[str, Any]:
    """GET every page the github source requests for `repositories`, no dlt (`http_floor`)."""
    from ingestion.bench.api_process import served_in_subprocess
    from ingestion.bench.http_floor import github_http_floor as fetch_all_pages

    with served_in_subprocess(Path(data_dir)) as server:
        config = _configs(server, Path(data_dir))["github"]
        result = fetch_all_pages(
            config["base_url"], config["org"], repositories, token=config["token"]
        )
    return {**result, "server_peak_rss_mb": server.peak_rss_mb}


def raw_load_github(data_dir: str, db: str) -> dict[str, Any]:
    from ingestion.bench.raw_loader import load_github

    started = time.monotonic()
    counts = load_github(Path(db), Path(data_dir))
    return {
        "seconds": time.monotonic() - started,
        "rows": sum(counts.values()),
        "row_counts": counts,
    }


def dbt_build(db: str, run_dir: str, full_refresh: bool) -> dict[str, Any]:
    import subprocess

    from ingestion.orchestrate import dbt_env

    executable = Path(sys.executable).with_name("dbt")
    args = [str(executable), "build", "--exclude", "test_type:unit"]
    if full_refresh:
        args.append("--full-refresh")
    args += ["--target-path", f"{run_dir}/target", "--log-path", f"{run_dir}/logs"]
    started = time.monotonic()
    proc = subprocess.run(
        args, cwd=PROJECT_ROOT, env=dbt_env(Path(db)), capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    tail = [line for line in proc.stdout.splitlines() if "Done." in line or "ERROR" in line]
    return {"seconds": seconds, "exit_code": proc.returncode, "summary": tail[-5:]}


def top5_direct(db: str, run_dir: str, top: int = 5) -> dict[str, Any]:
    """Run the compiled SQL of the `top` slowest models directly in a copy of the warehouse."""
    target = Path(run_dir) / "target"
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())["nodes"]
    models = sorted(
        (r for r in results if r["unique_id"].startswith("model.")),
        key=lambda r: -float(r.get("execution_time") or 0),
    )[:top]
    copy_dir = Path(run_dir) / "direct"
    shutil.rmtree(copy_dir, ignore_errors=True)
    copy_dir.mkdir(parents=True)
    copy = copy_dir / Path(db).name  # same file name: compiled SQL names the catalog
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    rows = []
    try:
        for r in models:
            node = manifest[r["unique_id"]]
            compiled = Path(node.get("compiled_path") or "")
            compiled = compiled if compiled.is_absolute() else PROJECT_ROOT / compiled
            sql = compiled.read_text() if compiled.exists() else node.get("compiled_code")
            started = time.monotonic()
            con.execute(f"create or replace table main.bench_tmp as {sql}")
            direct = time.monotonic() - started
            rows.append(
                {
                    "model": node["name"],
                    "dbt_seconds": float(r.get("execution_time") or 0),
                    "direct_seconds": direct,
                }
            )
    finally:
        con.close()
        shutil.rmtree(copy_dir, ignore_errors=True)
    dbt_s = sum(m["dbt_seconds"] for m in rows)
    direct_s = sum(m["direct_seconds"] for m in rows)
    return {
        "models": rows,
        "dbt_seconds": dbt_s,
        "direct_seconds": direct_s,
        "dbt_over_direct": dbt_s / direct_s if direct_s else None,
    }


#: one more day of data, written like a load of the sources would write it
APPEND_DAY = [
    """create or replace temp table bench_last as
       select max(created_at)::date as d from raw_github.pull_requests
       where isodow(created_at) <= 5""",
    """insert into raw_github.pull_requests by name
       select * replace (id + 9000000000 as id, number + 900000 as number,
                         created_at + interval 1 day as created_at,
                         updated_at + interval 1 day as updated_at,
                         closed_at + interval 1 day as closed_at,
                         merged_at + interval 1 day as merged_at,
                         '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_requests where created_at::date = (select d from bench_last)""",
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
    load_id = f"{time.time():.6f}"
    started = time.monotonic()
    con = duckdb.connect(db)
    try:
        inserted = 0
        for sql in APPEND_DAY:
            con.execute(sql.format(load_id=load_id))
            if sql.lstrip().startswith("insert"):
                inserted += int(con.fetchone()[0])
    finally:
        con.close()
    return {"seconds": time.monotonic() - started, "rows": inserted}


def raw_rows(db: str) -> dict[str, Any]:
    con = duckdb.connect(db, read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables() "
            "where schema_name like 'raw_%' and not schema_name like '%\\_staging' escape '\\' "
            "and not table_name like '\\_dlt%' escape '\\'"
        ).fetchall()
        counts = {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t, _ in tables
        }
    finally:
        con.close()
    return {"rows": sum(counts.values()), "row_counts": counts}


STEPS = {
    "generate": generate,
    "ingest": ingest,
    "raw_load_github": raw_load_github,
    "github_http_floor": github_http_floor,
    "dbt_build": dbt_build,
    "top5_direct": top5_direct,
    "append_day": append_day,
    "raw_rows": raw_rows,
}


def main(argv: list[str]) -> None:
    step, raw = argv[0], argv[1] if len(argv) > 1 else "{}"
    result = STEPS[step](**json.loads(raw))
    sys.stdout.write("\n" + RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
