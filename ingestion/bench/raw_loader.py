"""Load `raw_github` straight from the demo generator's JSONL with DuckDB (no HTTP, no dlt).

Used by the benchmark for sizes at which the real github source, served over the local
HTTP server, would take too long. The tables have the columns, types and dlt bookkeeping
columns (`_dlt_load_id`, `_dlt_id`, child tables joined by `_dlt_parent_id`) that
`ingestion/RAW_TABLES.md` describes and the github source writes, derived from the same
`TableSpec`s (`ingestion/sources/github/settings.py`). What the source adds is added here
too: `repository_full_name`, `pull_number`, `deployment_id`, and PR sizes summed from the
PR's files (the list payload omits them). Cursor state is not written: a later real run
of the github source would reload everything (merge, so idempotent).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from ingestion.common.records import Col, TableSpec
from ingestion.common.sql import scalar
from ingestion.sources.github import settings

SQL_TYPES = {
    "text": "varchar",
    "bigint": "bigint",
    "double": "double",
    "decimal": "decimal(18,4)",
    "bool": "boolean",
    "timestamp": "timestamp with time zone",
    "date": "date",
}


def column_sql(col: Col, var: str = "j", override: dict[str, str] | None = None) -> str:
    """One select expression: the JSON field at the column's path, cast to its type."""
    if override and col.name in override:
        return f"{override[col.name]} as {col.name}"
    path = "$." + (col.path or col.name)
    value = f"json_extract_string({var}, '{path}')"
    kind = SQL_TYPES[col.type]
    if kind == "varchar":
        return f"{value} as {col.name}"
    return f"try_cast({value} as {kind}) as {col.name}"


def select_list(spec: TableSpec, var: str = "j", override: dict[str, str] | None = None) -> str:
    return ",\n  ".join(column_sql(c, var, override) for c in spec.columns)


def _objects(glob: Path) -> str:
    return f"read_ndjson_objects('{glob}', filename = true)"


REPO_OF_FILE = "'{org}/' || regexp_extract(filename, '([^/]+)\\.jsonl$', 1)"


def load_statements(data_dir: Path, org: str, load_id: str) -> list[tuple[str, str]]:
    """(table, SQL) pairs creating every `raw_github` table from the files under `data_dir`."""
    gh = data_dir / "api" / "github"
    repo = REPO_OF_FILE.format(org=org)
    meta = f"'{load_id}' as _dlt_load_id"
    s = settings
    out: list[tuple[str, str]] = []

    def add(table: str, body: str) -> None:
        out.append((table, f"create or replace table raw_github.{table} as\n{body}"))

    add(
        "repositories",
        f"select {select_list(s.REPOSITORIES)},\n  {meta},\n"
        f"  substr(md5('repo' || json_extract_string(j, '$.id')), 1, 14) as _dlt_id\n"
        f"from (select json as j from {_objects(gh / 'repos.jsonl')})",
    )
    # per-PR sizes from the files in pull_details (the list payload omits them)
    sizes = (
        f"select {repo} as repo, json_extract(json, '$.number')::bigint as number,\n"
        "  coalesce(list_sum(list_transform(json_extract(json, '$.files[*].additions'), "
        "x -> x::bigint)), 0) as additions,\n"
        "  coalesce(list_sum(list_transform(json_extract(json, '$.files[*].deletions'), "
        "x -> x::bigint)), 0) as deletions,\n"
        "  coalesce(json_array_length(json, '$.files'), 0)::bigint as changed_files\n"
        f"from {_objects(gh / 'pull_details' / '*.jsonl')}"
    )
    pr_override = {
        "repository_full_name": "p.repo",
        "additions": "coalesce(try_cast(json_extract_string(j, '$.additions') as bigint), z.additions)",
        "deletions": "coalesce(try_cast(json_extract_string(j, '$.deletions') as bigint), z.deletions)",
        "changed_files": "coalesce(try_cast(json_extract_string(j, '$.changed_files') as bigint), "
        "z.changed_files)",
    }
    add(
        "pull_requests",
        f"select {select_list(s.PULL_REQUESTS, override=pr_override)},\n  {meta},\n"
        "  substr(md5('pr' || json_extract_string(j, '$.id')), 1, 14) as _dlt_id\n"
        f"from (select json as j, {repo} as repo from {_objects(gh / 'pulls' / '*.jsonl')}) p\n"
        f"left join ({sizes}) z on z.repo = p.repo "
        "and z.number = try_cast(json_extract_string(j, '$.number') as bigint)",
    )
    add(
        "pull_requests__labels",
        "select json_extract_string(item, '$.name') as name, parent as _dlt_parent_id,\n"
        "  idx::bigint as _dlt_list_idx, substr(md5(parent || '/' || idx), 1, 14) as _dlt_id,\n"
        "  parent as _dlt_root_id\n"
        "from (select substr(md5('pr' || json_extract_string(json, '$.id')), 1, 14) as parent,\n"
        "        unnest(json_extract(json, '$.labels[*]')) as item,\n"
        "        unnest(range(coalesce(json_array_length(json, '$.labels'), 0)::bigint)) as idx\n"
        f"      from {_objects(gh / 'pulls' / '*.jsonl')})",
    )
    for table, spec, key in (
        ("pull_request_commits", s.PULL_REQUEST_COMMITS, "commits"),
        ("pull_request_reviews", s.PULL_REQUEST_REVIEWS, "reviews"),
        ("pull_request_files", s.PULL_REQUEST_FILES, "files"),
    ):
        override = {"repository_full_name": "repo", "pull_number": "pull_number"}
        add(
            table,
            f"select {select_list(spec, 'item', override)},\n  {meta},\n"
            f"  substr(md5('{key}' || repo || '/' || pull_number || '/' || idx), 1, 14) as _dlt_id\n"
            f"from (select {repo} as repo, json_extract(json, '$.number')::bigint as pull_number,\n"
            f"        unnest(json_extract(json, '$.{key}[*]')) as item,\n"
            f"        unnest(range(coalesce(json_array_length(json, '$.{key}'), 0)::bigint)) as idx\n"
            f"      from {_objects(gh / 'pull_details' / '*.jsonl')})",
        )
    add(
        "pull_request_review_comments",
        f"select {select_list(s.PULL_REQUEST_REVIEW_COMMENTS, override={'repository_full_name': 'repo', 'pull_number': 'pull_number'})},\n"
        f"  {meta},\n  substr(md5('rc' || json_extract_string(j, '$.id')), 1, 14) as _dlt_id\n"
        f"from (select json as j, {repo} as repo,\n"
        "        try_cast(regexp_extract(json_extract_string(json, '$.pull_request_url'), "
        "'/pulls/([0-9]+)', 1) as bigint) as pull_number\n"
        f"      from {_objects(gh / 'review_comments' / '*.jsonl')})",
    )
    add(
        "deployments",
        f"select {select_list(s.DEPLOYMENTS_TABLE, override={'repository_full_name': 'repo'})},\n"
        f"  {meta},\n  substr(md5('dep' || json_extract_string(j, '$.id')), 1, 14) as _dlt_id\n"
        f"from (select json as j, {repo} as repo from {_objects(gh / 'deployments' / '*.jsonl')})",
    )
    add(
        "deployment_statuses",
        f"select {select_list(s.DEPLOYMENT_STATUSES_TABLE, 'item', {'repository_full_name': 'repo', 'deployment_id': 'deployment_id'})},\n"
        f"  {meta},\n  substr(md5('ds' || json_extract_string(item, '$.id')), 1, 14) as _dlt_id\n"
        f"from (select {repo} as repo, json_extract(json, '$.deployment_id')::bigint as deployment_id,\n"
        "        unnest(json_extract(json, '$.statuses[*]')) as item\n"
        f"      from {_objects(gh / 'deployment_statuses' / '*.jsonl')})",
    )
    commit_id = "substr(md5('c' || repo || json_extract_string(j, '$.sha')), 1, 14)"
    add(
        "commits",
        f"select {select_list(s.COMMITS_TABLE, override={'repository_full_name': 'repo'})},\n"
        f"  {meta},\n  {commit_id} as _dlt_id\n"
        f"from (select json as j, {repo} as repo from {_objects(gh / 'commits' / '*.jsonl')})",
    )
    add(
        "commits__parents",
        "select json_extract_string(item, '$.sha') as sha, parent as _dlt_parent_id,\n"
        "  idx::bigint as _dlt_list_idx, substr(md5(parent || '/' || idx), 1, 14) as _dlt_id,\n"
        "  parent as _dlt_root_id\n"
        f"from (select {commit_id.replace('j,', 'json,')} as parent,\n"
        "        unnest(json_extract(json, '$.parents[*]')) as item,\n"
        "        unnest(range(coalesce(json_array_length(json, '$.parents'), 0)::bigint)) as idx\n"
        f"      from (select json, json as j, {repo} as repo "
        f"from {_objects(gh / 'commits' / '*.jsonl')}))",
    )
    return out


def load_github(db_path: Path, data_dir: Path, org: str = "acme") -> dict[str, int]:
    """Create every `raw_github` table in `db_path`; return rows per table."""
    load_id = f"{time.time():.6f}"
    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema if not exists raw_github")
        counts: dict[str, int] = {}
        for table, sql in load_statements(data_dir, org, load_id):
            con.execute(sql)
            counts[table] = scalar(con, f"select count(*) from raw_github.{table}")
        return counts
    finally:
        con.close()
