"""A repository that moved between GitHub and GitLab, end to end: the github source
(tests/sources/github/scenario.py) and the gitlab source (tests/sources/gitlab/scenario.py)
both load `acme/api` into one warehouse, with the drop folder, then a full build (models and
data tests, the uniqueness tests of the platform unions among them) counts it once
(docs/metrics.md, Repositories that moved between platforms).

Both cases use the inferred cut-over (no seed row): the platform whose repository/project
was created later holds the repository from that `created_at`. The scenarios' repository
and project share one created_at (2024-01-26T19:01:12), so each case overrides the two
listing payloads (`_serve_creation_dates`); nothing else of either scenario changes.

- GitLab to GitHub: the GitHub repository is created 2026-02-10 00:00.
- GitHub to GitLab: the GitLab project is created 2026-02-10 00:00.

The cut-over falls between the pull/merge requests (all opened 2026-02-09 08:00 on both
platforms), which the old platform keeps, and the deployments (all created 2026-02-10 13:00)
and default-branch commits (2026-02-11 and 2026-02-12), which the new one holds.

A seed row (`repository_platform_moves`) is not tested here: dbt reads seeds only from the
project's own seeds/ folder (`seed-paths` in dbt_project.yml, no var or setting points
elsewhere), so the test would have to rewrite the tracked seeds/repository_platform_moves.csv
that every other build of the session reads. The seed rule is covered by the dbt unit test
platform_periods_follow_the_seed_row (models/intermediate/platforms/_platforms__unit_tests.yml).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.orchestrate import build, ingest
from tests.sources.files.samples import one_team, write_folder
from tests.sources.github import payloads as github_payloads
from tests.sources.github import scenario as github
from tests.sources.gitlab import payloads as gitlab_payloads
from tests.sources.gitlab import scenario as gitlab
from tests.support.fake_api import FakeApi

pytestmark = pytest.mark.slow

TEAM = "api-team"
CUT_OVER = "2026-02-10T00:00:00Z"
MOVED_AT = datetime(2026, 2, 10)
SCENARIOS_CREATED_AT = "2024-01-26T19:01:12Z"
GITHUB_REPOS = "/orgs/acme/repos"
GITLAB_PROJECTS = f"{gitlab.API}/groups/acme/projects"
SHA_1, SHA_2 = "1" * 40, "2" * 40


def _quiet(_line: str) -> None:
    return None


def _files(folder: Path) -> Path:
    return write_folder(
        folder,
        one_team(
            TEAM,
            ["octocat", "octo", "mona", "reviewer", "reviewer2", "carol"],
            "acme/api",
            "2026-02-01",
        ),
    )


def _serve_creation_dates(api: FakeApi, *, github_created_at: str, gitlab_created_at: str) -> None:
    """The one change to the two scenarios: the created_at of the GitHub repository and of
    the GitLab project (their listing routes answer the same payloads otherwise)."""
    for path, body in (
        (GITHUB_REPOS, github_payloads.repository(created_at=github_created_at)),
        (GITLAB_PROJECTS, gitlab_payloads.project(created_at=gitlab_created_at)),
    ):
        del api.routes[(path, None)]
        api.add(path, [body])


def _build_moved_repository(
    warehouse: Path, tmp_path: Path, *, github_created_at: str, gitlab_created_at: str
) -> None:
    with FakeApi() as api:
        github.script(api)
        gitlab.script(api)
        _serve_creation_dates(
            api, github_created_at=github_created_at, gitlab_created_at=gitlab_created_at
        )
        ingest(
            "github",
            {"org": "acme", "base_url": api.url, "token": github.TOKEN},
            db_path=warehouse,
            printer=_quiet,
        )
        ingest(
            "gitlab",
            {
                "groups": ["acme"],
                "base_url": f"{api.url}{gitlab.API}",
                "private_token": gitlab.TOKEN,
                "workers": 2,
            },
            db_path=warehouse,
            printer=_quiet,
        )
    ingest("files", {"path": str(_files(tmp_path / "files"))}, db_path=warehouse, printer=_quiet)
    build(db_path=warehouse, printer=_quiet)


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


#: what both tests read back, by name (each test asserts its own values, counted by hand)
QUERIES = {
    "loaded": (
        "select (select count(*) from raw_github.pull_requests), "
        "(select count(*) from raw_gitlab.merge_requests), "
        "(select count(*) from raw_github.deployments), "
        "(select count(*) from raw_gitlab.deployments), "
        "(select count(*) from raw_github.commits), "
        "(select count(*) from raw_gitlab.commits)"
    ),
    "periods": (
        "select platform, cut_over_source, is_current_platform, valid_from, valid_to "
        "from intermediate.int_repository_platform_periods order by platform"
    ),
    "prs": (
        "select platform, pull_request_id from intermediate.int_pull_requests_unioned order by 2"
    ),
    "lineage": (
        "select pull_request_id, pull_number from restricted.fct_change_lineage order by 1"
    ),
    "children": (
        "select 'reviews', platform, count(*) from intermediate.int_pull_request_reviews_unioned "
        "group by all union all "
        "select 'commits', platform, count(*) from intermediate.int_pull_request_commits_unioned "
        "group by all order by 1"
    ),
    "production": "select deployment_id from intermediate.int_deployments_production order by 1",
    "weeks": (
        "select week_start, production_deployments, successful_deployments, failed_deployments "
        f"from marts.fct_delivery_team_weekly where team_name = '{TEAM}' "
        "and production_deployments > 0"
    ),
    "commits": "select platform, commit_sha from intermediate.int_commits_unioned order by 2",
    "parents": (
        "select platform, count(*) from intermediate.int_commit_parents_unioned group by 1"
    ),
    "tags": "select platform, tag_name from intermediate.int_tags_unioned order by 2",
    "links": (
        "select incident_source, link_method, deployment_id "
        "from intermediate.int_incidents_joined_to_deployments"
    ),
}


def _query(warehouse: Path, name: str) -> list[tuple[Any, ...]]:
    return _rows(warehouse, QUERIES[name])


def _assert_both_platforms_loaded(warehouse: Path) -> None:
    """Both sources loaded the whole repository (the scenarios' own counts), so every
    figure below is one platform's share of twice the rows."""
    loaded = _query(warehouse, "loaded")
    assert loaded == [(3, 3, 2, 3, 2, 2)]


def test_a_repository_moved_from_gitlab_to_github_is_counted_once(
    warehouse: Path, tmp_path: Path
) -> None:
    """Inferred cut-over: the GitHub repository (2026-02-10 00:00) is younger than the GitLab
    project (2024-01-26), so GitLab holds acme/api until 2026-02-10 00:00, GitHub after."""
    _build_moved_repository(
        warehouse, tmp_path, github_created_at=CUT_OVER, gitlab_created_at=SCENARIOS_CREATED_AT
    )
    _assert_both_platforms_loaded(warehouse)

    periods = _query(warehouse, "periods")
    assert periods == [
        ("github", "inferred", True, MOVED_AT, None),
        ("gitlab", "inferred", False, None, MOVED_AT),
    ]

    # by hand: the three merge requests !10-!12 (opened 2026-02-09 08:00, before the cut-over)
    # are GitLab's, ids negated; GitHub's #10-#12, opened at the same time, are dropped
    prs = _query(warehouse, "prs")
    assert prs == [("gitlab", -1012), ("gitlab", -1011), ("gitlab", -1010)]
    # the PR-grain mart lists merged ones: !11 and !12 (!10 is open); 4 if both platforms counted
    lineage = _query(warehouse, "lineage")
    assert lineage == [(-1012, 12), (-1011, 11)]
    # their children follow them: GitLab's 3 approvals (not GitHub's 2 reviews), 4 MR commits
    children = _query(warehouse, "children")
    assert children == [("commits", "gitlab", 4), ("reviews", "gitlab", 3)]

    # deployments, all created 2026-02-10 13:00 (after the cut-over), are GitHub's: 501
    # (success 02-10 13:05) and 502 (success 02-12 13:05), both in the ISO week of 02-09. None
    # failed: GitLab's failed 601 is dropped, and so is its incident issue 7001 (opened 02-11
    # 10:30, in GitHub's period; the GitHub scenario has no incident issues)
    production = _query(warehouse, "production")
    assert production == [("501",), ("502",)]
    weeks = _query(warehouse, "weeks")
    assert [(str(w), p, s, f) for w, p, s, f in weeks] == [("2026-02-09", 2, 2, 0)]
    assert _rows(warehouse, "select count(*) from intermediate.int_incident_issues_unioned") == [
        (0,)
    ]

    # commits 111.. (02-11) and 222.. (02-12) are on both platforms: kept once, GitHub's;
    # so are their 3 parent edges. Tags v1.0 and v1.1 are GitLab's only: kept
    commits = _query(warehouse, "commits")
    assert commits == [("github", SHA_1), ("github", SHA_2)]
    parents = _query(warehouse, "parents")
    assert parents == [("github", 3)]
    tags = _query(warehouse, "tags")
    assert tags == [("gitlab", "v1.0"), ("gitlab", "v1.1")]
    # one repository, GitHub's (the current platform) id
    assert _rows(warehouse, "select repository_id from marts.dim_repositories") == [(1296269,)]


def test_a_repository_moved_from_github_to_gitlab_is_counted_once(
    warehouse: Path, tmp_path: Path
) -> None:
    """Inferred cut-over: the GitLab project (2026-02-10 00:00) is younger than the GitHub
    repository (2024-01-26), so GitHub holds acme/api until 2026-02-10 00:00, GitLab after."""
    _build_moved_repository(
        warehouse, tmp_path, github_created_at=SCENARIOS_CREATED_AT, gitlab_created_at=CUT_OVER
    )
    _assert_both_platforms_loaded(warehouse)

    periods = _query(warehouse, "periods")
    assert periods == [
        ("github", "inferred", False, None, MOVED_AT),
        ("gitlab", "inferred", True, MOVED_AT, None),
    ]

    # by hand: GitHub's pull requests #10-#12 (opened 2026-02-09 08:00, before the cut-over)
    prs = _query(warehouse, "prs")
    assert prs == [("github", 1010), ("github", 1011), ("github", 1012)]
    lineage = _query(warehouse, "lineage")
    assert lineage == [(1011, 11), (1012, 12)]
    children = _query(warehouse, "children")
    assert children == [("commits", "github", 4), ("reviews", "github", 2)]

    # deployments (created 2026-02-10 13:00) are GitLab's: production 501 (success 02-10 13:05)
    # and 502 (still running), eu-live 601 (a production tier: failed 02-10 14:00); GitHub's
    # 501 and 502 are dropped. Finished in the week of 02-09: 501 and 601, both failed (601 by
    # its status, 501 by incident issue 7001, opened 02-11 10:30 in GitLab's period)
    production = _query(warehouse, "production")
    assert production == [("-501",), ("-502",), ("-601",)]
    weeks = _query(warehouse, "weeks")
    assert [(str(w), p, s, f) for w, p, s, f in weeks] == [("2026-02-09", 2, 1, 2)]
    links = _query(warehouse, "links")
    assert links == [("gitlab_issue", "attribution_window", "-501")]

    # the commits on both platforms, kept once: GitLab's, with their 3 parent edges
    commits = _query(warehouse, "commits")
    assert commits == [("gitlab", SHA_1), ("gitlab", SHA_2)]
    parents = _query(warehouse, "parents")
    assert parents == [("gitlab", 3)]
    assert _rows(warehouse, "select repository_id from marts.dim_repositories") == [(-42,)]
