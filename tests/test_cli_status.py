"""`ai-roi status` on a hand-made warehouse: raw tables of every shape, then what is visible."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.cli import main

LOAD_1 = "1767261600.123456"  # 2026-01-01 10:00:00 UTC
LOAD_2 = "1772359200.5"  # 2026-03-01 10:00:00 UTC


def _when(load_id: str) -> str:
    return datetime.fromtimestamp(float(load_id), tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


RAW = f"""
create schema raw_github;
create table raw_github.pull_requests (id bigint, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_github.pull_requests values
    (1, '{LOAD_1}', 'p1'), (2, '{LOAD_2}', 'p2'), (3, '{LOAD_1}', 'p3');
-- a dlt child table: no _dlt_load_id, its rows hang off the root table's by _dlt_root_id
create table raw_github.pull_requests__labels (
    name varchar, _dlt_root_id varchar, _dlt_parent_id varchar, _dlt_list_idx bigint,
    _dlt_id varchar
);
insert into raw_github.pull_requests__labels values
    ('bug', 'p1', 'p1', 0, 'l1'), ('ai', 'p1', 'p1', 1, 'l2'), ('ai', 'p3', 'p3', 0, 'l3');
create table raw_github._dlt_loads (load_id varchar, schema_name varchar, status bigint);
insert into raw_github._dlt_loads values ('{LOAD_1}', 'github', 0), ('{LOAD_2}', 'github', 0);
create schema raw_jira;
create table raw_jira.issues (key varchar, _dlt_load_id varchar, _dlt_id varchar);
insert into raw_jira.issues values ('A-1', '{LOAD_1}', 'i1'), ('A-2', '{LOAD_2}', 'i2');
-- children of a non-merge table: only _dlt_parent_id, two levels deep
create table raw_jira.issues__components (
    name varchar, _dlt_parent_id varchar, _dlt_list_idx bigint, _dlt_id varchar
);
insert into raw_jira.issues__components values ('api', 'i1', 0, 'c1'), ('web', 'i2', 0, 'c2');
create table raw_jira.issues__components__owners (
    value varchar, _dlt_parent_id varchar, _dlt_list_idx bigint, _dlt_id varchar
);
insert into raw_jira.issues__components__owners values ('ana', 'c1', 0, 'o1');
create schema raw_git;
create table raw_git.tags (name varchar);  -- no dlt columns at all, but the source's loads
insert into raw_git.tags values ('v1'), ('v2');
create table raw_git._dlt_loads (load_id varchar, schema_name varchar, status bigint);
insert into raw_git._dlt_loads values ('{LOAD_1}', 'git', 0), ('{LOAD_2}', 'git', 1);
create schema raw_github_staging;  -- dlt's merge staging: not a raw table
create table raw_github_staging.pull_requests (id bigint, _dlt_load_id varchar, _dlt_id varchar);
create schema raw_files;
create table raw_files.roster (login varchar, _dlt_load_id varchar, _dlt_id varchar);
create table raw_files.kpis (metric_name varchar);  -- no load id, no loads table: blank
"""

COVERAGE = """
create schema marts;
create table marts.fct_data_coverage (
    team_name varchar, month_start date, metric_family varchar, is_available boolean,
    coverage_reason varchar, sources_required varchar
);
insert into marts.fct_data_coverage values
    -- an older month: not shown
    ('payments', '2026-01-01', 'delivery', false, 'source not loaded', 'github'),
    ('payments', '2026-02-01', 'delivery', true, null, 'github'),
    ('search', '2026-02-01', 'delivery', true, null, 'github'),
    ('identity', '2026-02-01', 'delivery', false, 'no deployments recorded', 'github'),
    ('payments', '2026-02-01', 'ai_usage', false, 'source not loaded', 'copilot, ai_usage_files'),
    ('search', '2026-02-01', 'ai_usage', false, 'source not loaded', 'copilot, ai_usage_files'),
    ('identity', '2026-02-01', 'ai_usage', false, 'below minimum group size', 'copilot'),
    ('payments', '2026-02-01', 'reliability', false, 'source not loaded', 'incidents,github'),
    ('search', '2026-02-01', 'reliability', false, 'no incidents recorded', 'incidents,github'),
    ('identity', '2026-02-01', 'reliability', false, 'source not loaded', 'incidents,github');
"""


def _warehouse(path: Path, *scripts: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        for script in scripts:
            con.execute(script)


def _status(capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["status"]) == 0
    return [line.rstrip() for line in capsys.readouterr().out.splitlines()]


def _row(table: str, rows: int, when: str = "") -> str:
    return f"{table:<60}{rows:>12,}  {when}".rstrip()


def test_status_shows_every_raw_table_with_its_last_load(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _warehouse(warehouse, RAW)
    lines = _status(capsys)

    assert lines == [
        f"{'table':<60}{'rows':>12}  last load (UTC)",
        _row("raw_files.kpis", 0),
        _row("raw_files.roster", 0),
        _row("raw_git.tags", 2, _when(LOAD_1) + "*"),  # the last completed load (status 0)
        _row("raw_github.pull_requests", 3, _when(LOAD_2)),
        _row("raw_github.pull_requests__labels", 3, _when(LOAD_1)),  # its PRs' newest load
        _row("raw_jira.issues", 2, _when(LOAD_2)),
        _row("raw_jira.issues__components", 2, _when(LOAD_2)),
        _row("raw_jira.issues__components__owners", 1, _when(LOAD_1)),  # via its component
        "* the source's last load: the table has no load ids of its own",
    ]


def test_status_says_what_you_can_see_from_data_coverage(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _warehouse(warehouse, RAW, COVERAGE)
    lines = _status(capsys)
    section = lines[lines.index("") + 1 :]

    assert section == [
        "What you can see (2026-02, from marts.fct_data_coverage):",
        "  ai_usage: available for 0 of 3 teams",
        "    2 teams: source not loaded -> run `ai-roi run copilot ai_usage_files`",
        "    1 team: below minimum group size -> fewer members than the dbt var "
        "min_group_size, hidden to protect individuals",
        "  delivery: available for 2 of 3 teams",
        "    1 team: no deployments recorded -> no production deployments in the team's "
        "repositories: check service_ownership and the dbt vars production_environments / "
        "deployment_source_default",
        "  reliability: available for 0 of 3 teams",
        # github is loaded (raw_github has rows): the hint names only what is missing
        "    2 teams: source not loaded -> run `ai-roi run incidents`",
        "    1 team: no incidents recorded -> no incidents on the team's services (good news, "
        "or map its PagerDuty services / Jira projects in service_ownership)",
    ]


def test_status_without_coverage_mart_has_no_section(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _warehouse(warehouse, RAW)
    assert not any(line.startswith("What you can see") for line in _status(capsys))


IDENTITIES = """
create schema if not exists marts;
create table marts.fct_ai_identity_coverage_monthly (
    ai_tool varchar, month_start date, usage_rows bigint, usage_rows_mapped_to_team bigint,
    mapped_share double
);
insert into marts.fct_ai_identity_coverage_monthly values
    ('cursor', '2026-01-01', 10, 2, 0.2),
    ('cursor', '2026-02-01', 40, 30, 0.75),
    ('github_copilot', '2026-02-01', 20, 20, 1.0);
"""


def test_status_shows_the_share_of_ai_usage_mapped_to_a_team(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _warehouse(warehouse, RAW, IDENTITIES)
    lines = _status(capsys)
    section = lines[lines.index("AI usage mapped to a team (latest month per tool):") :]
    assert section == [
        "AI usage mapped to a team (latest month per tool):",
        "  cursor (2026-02): 75% of 40 usage rows -> map the rest in identity_map.csv (drop folder)",
        "  github_copilot (2026-02): 100% of 20 usage rows",
    ]
