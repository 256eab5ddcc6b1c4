"""A small scripted GitLab group served by `FakeApi`, and helpers to run and query it.

One group `acme` with one project `acme/api` (id 42): three merge requests over two pages
(Link header), each with its commits, approvals, notes and diffs; production deployments
in two environments; pipelines; tags; a release; incident issues; default-branch commits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb

from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.sources.gitlab import NAME, source
from tests.sources.gitlab import payloads as p
from tests.support.fake_api import FakeApi

TOKEN = "glpat-test-S3cr3tValue1234567890abcd"
API = "/api/v4"
PROJECT = f"{API}/projects/42"

#: rows the standard scenario loads, counted by hand from the payloads below
EXPECTED_COUNTS = {
    "projects": 1,
    "merge_requests": 3,
    "merge_requests__labels": 2,  # !12: ai-assisted, bug
    "merge_request_commits": 4,  # !12: 2, !11: 1, !10: 1
    "merge_request_approvals": 3,  # !12 reviewer, !11 reviewer2, !10 carol (from notes)
    "merge_request_notes": 3,  # non-system only: !12: 2, !11: 1, !10: 0
    "merge_request_files": 4,  # !12: 2, !11: 1, !10: 1
    "deployments": 3,  # production: 501, 502; eu-live: 601 (staging not read)
    "pipelines": 2,  # 901 (name Deploy), 903 (ref release/1.2); 902 dropped
    "tags": 2,  # v1.1 annotated, v1.0 lightweight; the tree tag skipped
    "releases": 1,
    "incident_issues": 1,  # 7001 kept; 7002 (no incident label) dropped
    "commits": 2,
    "commits__parents": 3,
}


def mr_page_1() -> list[dict[str, Any]]:
    return [
        p.merge_request(
            12,
            1012,
            "2026-02-12T12:00:00.000Z",
            title="Add billing export",
            labels=["ai-assisted", "bug"],
            squash=True,
        ),
        p.merge_request(11, 1011, "2026-02-11T12:00:00.000Z", title="Fix bug"),
    ]


def mr_page_2() -> list[dict[str, Any]]:
    return [
        p.merge_request(
            10,
            1010,
            "2026-02-10T12:00:00.000Z",
            state="opened",
            title="Draft: WIP",
            draft=True,
        )
    ]


def deployments_query(environment: str, since: str | None = None) -> str:
    params: dict[str, Any] = {"order_by": "updated_at", "sort": "desc", "per_page": 100}
    params["environment"] = environment
    if since:
        params["updated_after"] = since
    return urlencode(params)


def script(api: FakeApi, *, mrs_1: list[dict[str, Any]] | None = None) -> None:
    """Register the standard group (see the module docstring)."""
    api.add(f"{API}/groups/acme/projects", [p.project()])
    mrs = f"{PROJECT}/merge_requests"
    api.add(
        mrs,
        mrs_1 if mrs_1 is not None else mr_page_1(),
        headers={
            "Link": api.link(mrs, "page=2") + ", " + api.link(mrs, "page=2", "last"),
            "X-Next-Page": "2",
            "X-Page": "1",
            "X-Per-Page": "100",
            "X-Total": "3",
            "X-Total-Pages": "2",
        },
    )
    api.add(mrs, mr_page_2(), query="page=2", headers={"X-Next-Page": "", "X-Page": "2"})
    children(api)
    delivery(api)


def children(api: FakeApi) -> None:
    """Commits, approvals, notes and diffs of !12, !11 and !10."""
    mr = f"{PROJECT}/merge_requests"
    api.add(
        f"{mr}/12/commits",
        [
            p.commit(
                "a" * 40,
                "Add export\n\nCo-authored-by: Claude <noreply@anthropic.com>",
                email="12345-octo@users.noreply.gitlab.example.com",
            ),
            p.commit("c" * 40, "Fix tests"),
        ],
    )
    api.add(f"{mr}/11/commits", [p.commit("d" * 40, "Fix bug")])
    api.add(f"{mr}/10/commits", [p.commit("e" * 40, "WIP", email="not-an-email")])
    api.add(
        f"{mr}/12/approvals",
        p.approvals(p.approver("reviewer", 2, "2026-02-10T11:00:00.000Z"), iid=12),
    )
    api.add(f"{mr}/11/approvals", p.approvals(p.approver("reviewer2", 4), iid=11))
    api.add(f"{mr}/10/approvals", {"message": "404 Not found"}, status=404)
    api.add(
        f"{mr}/12/notes",
        [
            p.note(81, 12, "2026-02-09T09:00:00.000Z", kind="DiffNote"),
            p.note(82, 12, "2026-02-09T09:30:00.000Z", author=p.user("octo", 1)),
            p.note(
                83,
                12,
                "2026-02-10T11:00:00.000Z",
                body="approved this merge request",
                system=True,
            ),
        ],
    )
    api.add(
        f"{mr}/11/notes",
        [
            p.note(91, 11, "2026-02-10T08:00:00.000Z", author=p.user("reviewer2", 4)),
            p.note(
                92,
                11,
                "2026-02-10T09:15:00.000Z",
                author=p.user("reviewer2", 4),
                body="approved this merge request",
                system=True,
            ),
        ],
    )
    carol, dave = p.user("carol", 5), p.user("dave", 6)
    api.add(
        f"{mr}/10/notes",
        [
            p.note(
                71,
                10,
                "2026-02-09T10:00:00.000Z",
                author=dave,
                system=True,
                body="approved this merge request",
            ),
            p.note(
                72,
                10,
                "2026-02-09T11:00:00.000Z",
                author=carol,
                system=True,
                body="approved this merge request",
            ),
            p.note(
                73,
                10,
                "2026-02-09T12:00:00.000Z",
                author=dave,
                system=True,
                body="unapproved this merge request",
            ),
            p.note(
                74, 10, "2026-02-09T12:30:00.000Z", author=carol, system=True, body="added 1 commit"
            ),
        ],
    )
    api.add(
        f"{mr}/12/diffs",
        [
            p.diff("src/a.py", "@@ -1,2 +1,3 @@\n line\n-old\n+new\n+more\n"),
            p.diff("src/b.py", "@@ -0,0 +1,2 @@\n+a\n+b\n", new=True),
        ],
    )
    api.add(
        f"{mr}/11/diffs",
        [p.diff("src/c2.py", "", renamed_from="src/c.py", too_large=True)],
    )
    api.add(
        f"{mr}/10/diffs",
        [p.diff("README.md", "@@ -1,3 +0,0 @@\n-a\n-b\n-c\n", deleted=True)],
    )


def delivery(api: FakeApi) -> None:
    """Environments, deployments, pipelines, tags, releases, issues and commits."""
    api.add(
        f"{PROJECT}/environments",
        [
            p.environment(1, "production", "production"),
            p.environment(2, "staging", "staging"),
            p.environment(3, "eu-live", "production"),
        ],
    )
    deployments = f"{PROJECT}/deployments"
    api.add(
        deployments,
        [
            p.deployment(
                502,
                "m" * 40,
                "production",
                "running",
                "2026-02-12T13:01:00.000Z",
                job_finished=None,
            ),
            p.deployment(501, "f" * 40, "production", "success", "2026-02-10T13:05:00.000Z"),
        ],
        query=deployments_query("production"),
    )
    api.add(
        deployments,
        [p.deployment(601, "f" * 40, "eu-live", "failed", "2026-02-10T14:00:00.000Z")],
        query=deployments_query("eu-live"),
    )
    # any other query (a later run's `updated_after`): nothing changed since
    api.add(deployments, [])
    api.add(
        f"{PROJECT}/pipelines",
        [
            p.pipeline(903, "release/1.2", "success", "2026-02-12T10:00:00.000Z"),
            p.pipeline(902, "feature/x", "running", "2026-02-11T10:00:00.000Z"),
            p.pipeline(
                901, "main", "success", "2026-02-10T10:00:00.000Z", name="Deploy production"
            ),
        ],
    )
    api.add(
        f"{PROJECT}/repository/tags",
        [
            p.tag("v1.1", "2" * 40, tag_object="9" * 40, created_at="2026-02-12T12:30:00.000Z"),
            p.tag("v1.0", "1" * 40, committed="2026-02-11T12:00:00.000+01:00"),
            {**p.tag("tree-tag", "3" * 40), "commit": None},
        ],
    )
    api.add(
        f"{PROJECT}/releases",
        [p.release("v1.1", "2" * 40, "2026-02-12T13:00:00.000Z")],
    )
    api.add(
        f"{PROJECT}/issues",
        [
            p.issue(7001, 5, "2026-02-11T10:30:00.000Z", ["Incident", "sev1"]),
            p.issue(7002, 6, "2026-02-11T11:00:00.000Z", ["bug"], issue_type="issue"),
        ],
    )
    api.add(
        f"{PROJECT}/repository/commits",
        [
            p.commit(
                "2" * 40, "Merge branch", "2026-02-12T12:00:00.000Z", parents=["1" * 40, "f" * 40]
            ),
            p.commit("1" * 40, "Fix", "2026-02-11T12:00:00.000Z", parents=["0" * 40]),
        ],
    )


def load(api: FakeApi, **kwargs: Any) -> LoadSummary:
    options: dict[str, Any] = {
        "groups": ["acme"],
        "base_url": f"{api.url}{API}",
        "private_token": TOKEN,
        "workers": 4,
    }
    options.update(kwargs)
    return run_source(NAME, source(**options), printer=lambda _line: None)


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def counts(db: Path) -> dict[str, int]:
    return {
        table: query(db, f"select count(*) from raw_gitlab.{table}")[0][0]
        for table in EXPECTED_COUNTS
    }
