"""The benchmark's steps, each run in its own process (`python -m ingestion.bench.steps
<step> '<json args>'`) so its peak RSS is measured alone; the last stdout line is
`BENCH_RESULT <json>`."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from ingestion.bench import build_steps, spark_build
from ingestion.common.sql import scalar

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
    data_dir: str,
    db: str,
    sources: list[str],
    repositories: list[str] | None = None,
    github_pulls_api: str | None = None,
) -> dict[str, Any]:
    """Serve the generated data on 127.0.0.1 and load `sources` with the real dlt sources.

    The server runs in a child process (`api_process`), so it does not share the sources'
    GIL; its peak RSS is in each source's entry as `server_peak_rss_mb`.
    `github_pulls_api` overrides the github source's `pulls_api` and `deployments_api`
    (rest or graphql).
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
            if name == "github" and github_pulls_api:
                config["pulls_api"] = github_pulls_api
                config["deployments_api"] = github_pulls_api
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


def github_http_floor(
    data_dir: str, repositories: list[str] | None = None, pulls_api: str = "rest"
) -> dict[str, Any]:
    """Every page the github source requests for `repositories`, no dlt (`http_floor`)."""
    from ingestion.bench.api_process import served_in_subprocess
    from ingestion.bench.http_floor import github_http_floor as fetch_all_pages

    with served_in_subprocess(Path(data_dir)) as server:
        config = _configs(server, Path(data_dir))["github"]
        result = fetch_all_pages(
            config["base_url"],
            config["org"],
            repositories,
            token=config["token"],
            pulls_api=pulls_api,
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


def raw_rows(db: str) -> dict[str, Any]:
    con = duckdb.connect(db, read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name, estimated_size from duckdb_tables() "
            "where schema_name like 'raw_%' and not schema_name like '%\\_staging' escape '\\' "
            "and not table_name like '\\_dlt%' escape '\\'"
        ).fetchall()
        counts = {
            f"{s}.{t}": scalar(con, f'select count(*) from "{s}"."{t}"') for s, t, _ in tables
        }
    finally:
        con.close()
    return {"rows": sum(counts.values()), "row_counts": counts}


# each step takes its JSON arguments as keywords and returns a JSON-able result
STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "generate": generate,
    "ingest": ingest,
    "raw_load_github": raw_load_github,
    "github_http_floor": github_http_floor,
    "dbt_build": build_steps.dbt_build,
    "dbt_parse": build_steps.dbt_parse,
    "direct_floor": build_steps.direct_floor,
    "append_day": build_steps.append_day,
    "empty_copy": build_steps.empty_copy,
    "stamp_daily_loads": build_steps.stamp_daily_loads,
    "raw_rows": raw_rows,
    "spark_build": spark_build.spark_build,
}


def main(argv: list[str]) -> None:
    step, raw = argv[0], argv[1] if len(argv) > 1 else "{}"
    result = STEPS[step](**json.loads(raw))
    sys.stdout.write("\n" + RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
