"""Real company setups: the warehouse builds from any subset of sources, fills the marts
its inputs allow, and says in fct_data_coverage why the others are empty.

Each subset's warehouse holds exactly the raw tables those sources load (copied from the
session's demo run, dlt bookkeeping included), so a source that is absent was never
loaded. The tags-only setup runs the real git and files sources on a repository made in
the test and is checked against what `git` itself says (tests/sources/git/tagged_repo.py).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.orchestrate import build, ingest
from tests.sources.git.tagged_repo import make_tagged_repo, reference_from_git


def _warehouse_from(demo_db: Path, target: Path, sources: tuple[str, ...]) -> Path:
    """A warehouse holding the demo's raw tables of `sources` only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{demo_db}' as demo (read_only)")
        for source in sources:
            schema = f"raw_{source}"
            con.execute(f"create schema {schema}")
            tables = con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'demo' and table_schema = ?",
                [schema],
            ).fetchall()
            assert tables, f"the demo run loaded nothing into {schema}"
            for (table,) in tables:
                con.execute(
                    f'create table {schema}."{table}" as select * from demo.{schema}."{table}"'
                )
    finally:
        con.close()
    return target


def _built(demo_run: dict[str, object], tmp_path: Path, sources: tuple[str, ...]) -> Path:
    db = _warehouse_from(Path(str(demo_run["db"])), tmp_path / "subset.duckdb", sources)
    lines: list[str] = []
    build(db_path=db, printer=lines.append)  # raises with dbt's output on any error
    return db


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _coverage(db: Path) -> dict[str, set[str | None]]:
    """metric family -> the set of reasons over all teams and months (None = available)."""
    result: dict[str, set[str | None]] = {}
    for family, reason in _query(
        db, "select distinct metric_family, coverage_reason from marts.fct_data_coverage"
    ):
        result.setdefault(str(family), set()).add(reason)  # type: ignore[arg-type]
    return result


def _demo_totals(demo_run: dict[str, object], sql: str) -> tuple[object, ...]:
    return _query(Path(str(demo_run["db"])), sql)[0]


DELIVERY_TOTALS = (
    "select sum(successful_deployments), sum(merged_pull_requests) "
    "from marts.fct_delivery_team_weekly"
)


def test_code_hosts_and_files_fill_delivery_and_say_ai_sources_are_missing(
    demo_run: dict[str, object], tmp_path: Path
) -> None:
    # the demo hosts one team on GitLab (seed 42: data), the others on GitHub
    db = _built(demo_run, tmp_path, ("github", "gitlab", "files"))
    # deployments and PR flow depend on the code hosts and the files only: the demo's exact totals
    assert _query(db, DELIVERY_TOTALS)[0] == _demo_totals(demo_run, DELIVERY_TOTALS)
    assert _query(db, DELIVERY_TOTALS)[0][0] > 0
    assert _query(db, "select count(*) from marts.fct_task_effort_team_monthly")[0][0] == 0
    coverage = _coverage(db)
    assert coverage["deployment_frequency"] == {None}
    assert coverage["pull_request_flow"] == {None}
    assert coverage["task_effort"] == {"source not loaded"}
    assert coverage["ai_adoption"] == {"source not loaded"}
    assert coverage["time_to_restore"] == {"source not loaded"}


def test_github_jira_and_files_add_work_items_but_no_incidents(
    demo_run: dict[str, object], tmp_path: Path
) -> None:
    db = _built(demo_run, tmp_path, ("github", "jira", "files"))
    effort = "select sum(tasks_done) from marts.fct_task_effort_team_monthly"
    assert _query(db, effort)[0] == _demo_totals(demo_run, effort)
    assert _query(db, effort)[0][0] > 0
    coverage = _coverage(db)
    # a team-month whose tasks were done by fewer than min_group_size people is suppressed
    assert None in coverage["task_effort"]
    assert coverage["task_effort"] <= {None, "below minimum group size"}
    # Jira is an incident source, but the demo's Jira has no issue of type Incident
    assert coverage["time_to_restore"] == {"no incidents recorded"}
    assert coverage["ai_adoption"] == {"source not loaded"}


def test_copilot_and_files_alone_give_adoption_marts(
    demo_run: dict[str, object], tmp_path: Path
) -> None:
    db = _built(demo_run, tmp_path, ("copilot", "files"))
    seats = "select count(*), sum(seats_assigned) from marts.fct_ai_adoption_team_weekly"
    rows, seat_weeks = _query(db, seats)[0]
    assert rows > 0 and seat_weeks > 0  # type: ignore[operator]
    usage = "select sum(suggestions_shown) from marts.fct_ai_usage_team_daily where ai_tool = 'github_copilot'"
    assert _query(db, usage)[0] == _demo_totals(demo_run, usage)
    # no deployments; merged PRs with no author behind them are a suppressed cell (null)
    assert _query(db, DELIVERY_TOTALS)[0] in {(0, None), (None, None)}
    coverage = _coverage(db)
    assert coverage["deployment_frequency"] == {"source not loaded"}
    assert coverage["pull_request_flow"] == {"source not loaded"}
    assert None in coverage["ai_adoption"]


def test_all_sources_leave_no_family_unloaded(demo_run: dict[str, object]) -> None:
    coverage = _coverage(Path(str(demo_run["db"])))
    assert set(coverage) == {
        "deployment_frequency",
        "lead_time_for_changes",
        "change_failure_rate",
        "time_to_restore",
        "pull_request_flow",
        "task_effort",
        "ai_adoption",
        "hours_saved",
        "ai_total_cost",
        "net_productivity",
        "operations",
    }
    for family, reasons in coverage.items():
        assert None in reasons, family
        assert "source not loaded" not in reasons, family


# -- tags only: a git clone and the drop folder ------------------------------------------

TEAM = "release-eng"
ENGINEERS = ("ana", "bo", "cy", "di", "ed")


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _tags_only_files(folder: Path, repository: str) -> Path:
    folder.mkdir(parents=True)
    _write_csv(
        folder / "roster.csv",
        ["login", "display_name", "role", "team", "valid_from", "valid_to", "is_bot"],
        [
            [login, login.title(), "engineer", TEAM, "2025-12-01", "", "false"]
            for login in ENGINEERS
        ],
    )
    _write_csv(
        folder / "service_ownership.csv",
        ["service", "service_type", "team"],
        [[repository, "repository", TEAM]],
    )
    _write_csv(
        folder / "ai_rollout.csv",
        ["team", "tool", "cohort", "rollout_date"],
        [[TEAM, "github_copilot", "treatment", "2026-01-26"]],
    )
    return folder


@pytest.fixture(scope="module")
def tags_only(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`ai-roi run git files` then `ai-roi build` on a two-branch tagged repository."""
    root = tmp_path_factory.mktemp("tags_only")
    repo = make_tagged_repo(root / "clone")
    files = _tags_only_files(root / "files", repo.repository)
    db = root / "warehouse" / "ai_roi.duckdb"
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AI_ROI_DUCKDB_PATH", str(db))
        patch.setenv("AI_ROI_PIPELINES_DIR", str(root / "warehouse" / ".dlt_pipelines"))
        ingest(
            "git",
            {"repo_path": str(repo.path), "repository": repo.repository},
            db_path=db,
            printer=lines.append,
        )
        ingest("files", {"path": str(files)}, db_path=db, printer=lines.append)
        build(db_path=db, printer=lines.append)
    return {"db": db, "reference": reference_from_git(repo.path, repo.repository)}


def test_tags_only_one_deployment_per_tag_in_its_iso_week(tags_only: dict[str, object]) -> None:
    reference = tags_only["reference"]
    weeks = dict(
        _query(
            Path(str(tags_only["db"])),
            f"select week_start, successful_deployments from marts.fct_delivery_team_weekly "
            f"where team_name = '{TEAM}' and successful_deployments > 0",
        )
    )
    assert weeks == reference.deployments_per_week  # type: ignore[attr-defined]
    # by hand (tagged_repo.py docstring): 8 tags in 6 weeks, two in 01-19 and 02-16
    assert sum(weeks.values()) == 8
    assert weeks[date(2026, 1, 19)] == 2 and weeks[date(2026, 2, 16)] == 2


def test_tags_only_weekly_commit_lead_time_equals_git(tags_only: dict[str, object]) -> None:
    reference = tags_only["reference"]
    medians = dict(
        _query(
            Path(str(tags_only["db"])),
            f"select week_start, commit_lead_time_median_hours from marts.fct_delivery_team_weekly "
            f"where team_name = '{TEAM}' and commit_lead_time_median_hours is not null",
        )
    )
    expected = reference.median_commit_lead_time_hours_per_week  # type: ignore[attr-defined]
    assert medians.keys() == expected.keys()
    for week, hours in expected.items():
        assert medians[week] == pytest.approx(hours, abs=1e-9), week


def test_tags_only_per_commit_deployment_matches_git(tags_only: dict[str, object]) -> None:
    reference = tags_only["reference"]
    rows = _query(
        Path(str(tags_only["db"])),
        "select commit_sha, commit_lead_time_hours from intermediate.int_commits_deployed",
    )
    assert {sha: hours for sha, hours in rows} == pytest.approx(
        reference.commit_lead_times  # type: ignore[attr-defined]
    )


def test_tags_only_coverage_names_what_is_missing(tags_only: dict[str, object]) -> None:
    coverage = _coverage(Path(str(tags_only["db"])))
    assert None in coverage["deployment_frequency"]
    assert coverage["pull_request_flow"] == {"source not loaded"}
    assert coverage["ai_adoption"] == {"source not loaded"}
    assert coverage["time_to_restore"] == {"source not loaded"}


def test_a_source_connected_after_the_first_build_fills_the_incremental_models(
    demo_run: dict[str, object], tmp_path: Path
) -> None:
    """Files first (the code hosts' incremental staging models are built empty), then GitHub
    and GitLab are connected and a normal (not full-refresh) build runs: every PR and
    deployment arrives."""
    demo_db = Path(str(demo_run["db"]))
    db = _built(demo_run, tmp_path, ("files",))
    assert _query(db, "select count(*) from staging.stg_github__pull_requests")[0][0] == 0
    con = duckdb.connect(str(db))
    try:
        con.execute(f"attach '{demo_db}' as demo (read_only)")
        for schema in ("raw_github", "raw_gitlab"):
            con.execute(f"create schema {schema}")
            for (table,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'demo' and table_schema = ?",
                [schema],
            ).fetchall():
                con.execute(
                    f'create table {schema}."{table}" as select * from demo.{schema}."{table}"'
                )
    finally:
        con.close()
    build(db_path=db, printer=lambda _line: None)
    assert _query(db, "select count(*) from staging.stg_github__pull_requests") == _query(
        demo_db, "select count(*) from staging.stg_github__pull_requests"
    )
    assert _query(db, DELIVERY_TOTALS)[0] == _demo_totals(demo_run, DELIVERY_TOTALS)
