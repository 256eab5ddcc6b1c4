"""A small scripted GitHub organisation served by `FakeApi`, and helpers to run and query it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.sources.github import NAME, source
from tests.sources.github import payloads as p
from tests.support.fake_api import FakeApi

TOKEN = "test-github-token-s3cr3tValue1234567890"
BASE = "/repos/acme/api"

#: rows the standard scenario loads, counted by hand from the payloads below
EXPECTED_COUNTS = {
    "repositories": 1,
    "pull_requests": 3,
    "pull_requests__labels": 2,
    "pull_request_commits": 4,
    "pull_request_reviews": 2,
    "pull_request_files": 4,
    "pull_request_review_comments": 2,
    "deployments": 2,
    "deployment_statuses": 3,
    "commits": 2,
    "commits__parents": 3,
}


def pulls_page_1() -> list[dict[str, Any]]:
    return [
        p.pull(12, 1012, "2026-02-12T12:00:00Z", title="Add billing export"),
        p.pull(
            11,
            1011,
            "2026-02-11T12:00:00Z",
            labels=[p.label("ai-assisted", 1), p.label("bug", 2)],
            author=p.user("copilot-swe-agent", 198982749, "Bot"),
        ),
    ]


def pulls_page_2() -> list[dict[str, Any]]:
    return [p.pull(10, 1010, "2026-02-10T12:00:00Z", state="open", merged_at=None)]


def script(api: FakeApi, *, pulls_1: list[dict[str, Any]] | None = None) -> None:
    """Register the standard organisation: one repository, three PRs over two pages, ..."""
    api.add("/orgs/acme/repos", [p.repository()])
    api.add(
        f"{BASE}/pulls",
        pulls_1 if pulls_1 is not None else pulls_page_1(),
        headers={
            "Link": api.link(f"{BASE}/pulls", "page=2")
            + ", "
            + api.link(f"{BASE}/pulls", "page=2", "last")
        },
    )
    api.add(f"{BASE}/pulls", pulls_page_2(), query="page=2")
    api.add(
        f"{BASE}/pulls/12/commits",
        [
            p.pr_commit(
                "a" * 40,
                "Add export\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
            ),
            p.pr_commit("c" * 40, "Fix tests", login=None),
        ],
    )
    api.add(f"{BASE}/pulls/11/commits", [p.pr_commit("d" * 40, "Fix bug")])
    api.add(f"{BASE}/pulls/10/commits", [p.pr_commit("e" * 40, "WIP")])
    api.add(f"{BASE}/pulls/12/reviews", [p.review(80)])
    api.add(f"{BASE}/pulls/11/reviews", [p.review(81, "COMMENTED")])
    api.add(f"{BASE}/pulls/10/reviews", [])
    api.add(
        f"{BASE}/pulls/12/files",
        [p.pr_file("src/a.py", 10, 2), p.pr_file("src/b.py", 5, 0, "added")],
    )
    api.add(f"{BASE}/pulls/11/files", [p.pr_file("src/c.py", 3, 1)])
    api.add(f"{BASE}/pulls/10/files", [p.pr_file("README.md", 1, 1)])
    api.add(
        f"{BASE}/pulls/comments",
        [
            p.review_comment(10, 12, "2026-02-09T09:00:00Z"),
            p.review_comment(11, 12, "2026-02-09T09:30:00Z", reply_to=10),
        ],
    )
    api.add(
        f"{BASE}/deployments",
        [p.deployment(502, "m" + "0" * 37 + "12"), p.deployment(501, "f" * 40)],
    )
    api.add(
        f"{BASE}/deployments/501/statuses",
        [
            p.deployment_status(9002, 501, "success", "2026-02-10T13:05:00Z"),
            p.deployment_status(9001, 501, "in_progress", "2026-02-10T13:01:00Z"),
        ],
    )
    api.add(
        f"{BASE}/deployments/502/statuses",
        [p.deployment_status(9003, 502, "success", "2026-02-12T13:05:00Z")],
    )
    api.add(
        f"{BASE}/commits",
        [
            p.branch_commit("2" * 40, "2026-02-12T12:00:00Z", ["1" * 40, "f" * 40]),
            p.branch_commit("1" * 40, "2026-02-11T12:00:00Z", ["0" * 40]),
        ],
    )
    no_delivery_signals(api, BASE)


def no_delivery_signals(api: FakeApi, base: str) -> None:
    """A repository without deploy workflows, releases, tags or incident issues."""
    api.add(f"{base}/actions/workflows", {"total_count": 0, "workflows": []})
    api.add(f"{base}/releases", [])
    api.add(f"{base}/git/matching-refs/tags", [])
    api.add(f"{base}/issues", [])


def load(api: FakeApi, **kwargs: Any) -> LoadSummary:
    options: dict[str, Any] = {"org": "acme", "base_url": api.url, "token": TOKEN}
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
        table: query(db, f"select count(*) from raw_github.{table}")[0][0]
        for table in EXPECTED_COUNTS
    }
