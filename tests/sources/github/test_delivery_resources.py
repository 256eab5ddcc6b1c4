"""Delivery signals for teams that do not use GitHub's Deployments API, against FakeApi:
Actions runs of deploy/release workflows, releases, tags and incident-labelled issues;
and repositories of a user account or named in config."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.common.validation import validate_tables
from ingestion.sources.github import NAME, SUITES
from tests.sources.github import payloads as p
from tests.sources.github.scenario import BASE, load, no_delivery_signals, query, script
from tests.support.fake_api import FakeApi

DELIVERY_TABLES = ("workflow_runs", "releases", "tags", "incident_issues")

DEPLOY = p.workflow(11, "Deploy production", ".github/workflows/deploy.yml")
CI = p.workflow(12, "CI", ".github/workflows/ci.yml")
#: matches the default pattern by its path only (case-insensitively)
NPM = p.workflow(13, "npm", ".github/workflows/Publish-Package.yml")
SHA = "acb5820ced9479c074f688cc328bf03f341a511d"

RUN_COLUMNS = (
    "id, repository_full_name, workflow_id, name, path, head_branch, head_sha, event, status, "
    "conclusion, run_attempt, created_at, run_started_at, updated_at"
)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def runs_query(created: str | None = None) -> str:
    params: dict[str, Any] = {"per_page": 100}
    if created:
        params["created"] = created
    return urlencode(params)


def issues_query(label: str, since: str | None = None) -> str:
    params: dict[str, Any] = {"labels": label, "state": "all"}
    if since:
        params["since"] = since
    params.update(per_page=100, sort="updated", direction="asc")
    return urlencode(params)


def replace(
    api: FakeApi, path: str, body: Any, query: str | None = None, status: int = 200
) -> None:
    """Answer `path` (and `query`) with `body` from now on."""
    api.routes[(path, query)] = []
    api.add(path, body, query=query, status=status)


def count(db: Path, table: str) -> int:
    return query(db, f"select count(*) from raw_github.{table}")[0][0]


def table_counts(db: Path) -> dict[str, int]:
    tables = [
        t
        for (t,) in query(
            db,
            "select table_name from information_schema.tables where table_schema = 'raw_github' "
            "and table_name not like '_dlt%'",
        )
    ]
    return {t: count(db, t) for t in sorted(tables)}


# -- a repository with all four signals ------------------------------------------------------
def delivery_script(api: FakeApi) -> None:
    """The standard organisation (`script`) whose repository has a deploy workflow with
    two runs, two releases, an annotated and a lightweight tag and an incident issue."""
    script(api)
    add_delivery(api)


def add_delivery(api: FakeApi) -> None:
    replace(api, f"{BASE}/actions/workflows", p.workflows_page(DEPLOY, CI))
    replace(
        api,
        f"{BASE}/actions/workflows/11/runs",
        p.runs_page(
            p.workflow_run(3002, DEPLOY, "2026-02-12T10:00:00Z"),
            p.workflow_run(3001, DEPLOY, "2026-02-11T10:00:00Z", conclusion="failure"),
        ),
    )
    replace(
        api,
        f"{BASE}/releases",
        [p.release(702, "v1.1.0"), p.release(701, "v1.0.0", created_at="2026-02-01T12:00:00Z")],
    )
    replace(
        api,
        f"{BASE}/git/matching-refs/tags",
        [p.tag_ref("v1.0", "b1" * 20, "tag"), p.tag_ref("v1.1", "c2" * 20, "commit")],
    )
    replace(
        api,
        f"{BASE}/git/tags/{'b1' * 20}",
        p.tag_object("b1" * 20, "v1.0", "2026-02-01T10:00:00Z", "c1" * 20),
    )
    replace(
        api,
        f"{BASE}/commits/{'c2' * 20}",
        p.branch_commit("c2" * 20, "2026-02-08T09:30:00Z", ["c1" * 20]),
    )
    replace(api, f"{BASE}/issues", [p.issue(9001, 41, "2026-02-10T10:00:00Z", ["incident"])])


DELIVERY_COUNTS = {"workflow_runs": 2, "releases": 2, "tags": 2, "incident_issues": 1}


# -- workflow runs ---------------------------------------------------------------------------
def test_workflow_runs_are_reread_until_completed_then_not_again(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    workflows = f"{BASE}/actions/workflows"
    deploy_runs = f"{BASE}/actions/workflows/11/runs"
    npm_runs = f"{BASE}/actions/workflows/13/runs"
    # the workflows list over two pages; CI does not match `deploy|release|publish`
    replace(
        fake_api,
        workflows,
        p.workflows_page(DEPLOY, CI) | {"total_count": 3},
    )
    fake_api.routes[(workflows, None)][0].headers["Link"] = fake_api.link(workflows, "page=2")
    fake_api.add(workflows, p.workflows_page(NPM) | {"total_count": 3}, query="page=2")
    completed_3003 = p.workflow_run(
        3003, DEPLOY, "2026-02-12T10:00:00Z", updated_at="2026-02-12T10:06:00Z"
    )
    waiting_3002 = p.workflow_run(
        3002, DEPLOY, "2026-02-05T09:00:00Z", status="waiting", conclusion=None
    )
    fake_api.add(
        deploy_runs,
        p.runs_page(completed_3003, waiting_3002, total=3),
        headers={"Link": fake_api.link(deploy_runs, "per_page=100&page=2")},
        query=runs_query(),
    )
    fake_api.add(
        deploy_runs,
        p.runs_page(
            p.workflow_run(
                3001,
                DEPLOY,
                "2026-02-01T08:00:00Z",
                conclusion="failure",
                updated_at="2026-02-01T08:04:00Z",
            ),
            total=3,
        ),
        query="per_page=100&page=2",
    )
    npm_4001 = p.workflow_run(
        4001, NPM, "2026-02-06T15:00:00Z", run_attempt=2, event="release", head_sha="9" * 40
    )
    fake_api.add(npm_runs, p.runs_page(npm_4001), query=runs_query())

    summary = load(fake_api)

    assert summary.row_counts["workflow_runs"] == 4
    deploy, npm = ".github/workflows/deploy.yml", ".github/workflows/Publish-Package.yml"
    assert query(warehouse, f"select {RUN_COLUMNS} from raw_github.workflow_runs order by id") == [
        (3001, "acme/api", 11, "Deploy production", deploy, "main", SHA, "push", "completed",
         "failure", 1, ts("2026-02-01T08:00:00"), ts("2026-02-01T08:00:00"),
         ts("2026-02-01T08:04:00")),
        (3002, "acme/api", 11, "Deploy production", deploy, "main", SHA, "push", "waiting",
         None, 1, ts("2026-02-05T09:00:00"), ts("2026-02-05T09:00:00"),
         ts("2026-02-05T09:00:00")),
        (3003, "acme/api", 11, "Deploy production", deploy, "main", SHA, "push", "completed",
         "success", 1, ts("2026-02-12T10:00:00"), ts("2026-02-12T10:00:00"),
         ts("2026-02-12T10:06:00")),
        (4001, "acme/api", 13, "npm", npm, "main", "9" * 40, "release", "completed",
         "success", 2, ts("2026-02-06T15:00:00"), ts("2026-02-06T15:00:00"),
         ts("2026-02-06T15:00:00")),
    ]  # fmt: skip
    assert fake_api.hits(f"{BASE}/actions/workflows/12/runs") == []  # CI: never requested
    assert "created" not in fake_api.hits(deploy_runs)[0].query  # first run: all of them
    assert len(fake_api.hits(deploy_runs)) == 2

    # next run: 3002 (waiting since 02-05) holds the floor; it has now completed
    done_3002 = p.workflow_run(
        3002, DEPLOY, "2026-02-05T09:00:00Z", updated_at="2026-02-12T11:00:00Z"
    )
    fake_api.add(
        deploy_runs, p.runs_page(completed_3003, done_3002), query=runs_query(">=2026-02-05")
    )
    # npm: newest 02-06 15:00 minus two days
    fake_api.add(npm_runs, p.runs_page(npm_4001), query=runs_query(">=2026-02-04"))
    fake_api.requests.clear()

    summary = load(fake_api)

    assert summary.row_counts["workflow_runs"] == 1  # 3002 merged with its conclusion
    assert query(
        warehouse,
        "select status, conclusion, updated_at from raw_github.workflow_runs where id = 3002",
    ) == [("completed", "success", ts("2026-02-12T11:00:00"))]
    assert count(warehouse, "workflow_runs") == 4
    assert fake_api.hits(deploy_runs)[0].query["created"] == [">=2026-02-05"]

    # and again: nothing open any more, the floor is the newest run's day minus two
    fake_api.add(deploy_runs, p.runs_page(completed_3003), query=runs_query(">=2026-02-10"))
    fake_api.requests.clear()

    summary = load(fake_api)

    assert summary.total_rows == 0
    assert [r.query["created"] for r in fake_api.hits(deploy_runs)] == [[">=2026-02-10"]]
    assert [r.query["created"] for r in fake_api.hits(npm_runs)] == [[">=2026-02-04"]]
    assert count(warehouse, "workflow_runs") == 4


def test_workflow_pattern_config_picks_the_workflows(warehouse: Path, fake_api: FakeApi) -> None:
    delivery_script(fake_api)
    fake_api.add(
        f"{BASE}/actions/workflows/12/runs",
        p.runs_page(p.workflow_run(5001, CI, "2026-02-12T09:00:00Z")),
    )

    load(fake_api, actions_workflow_pattern="^ci$")

    assert query(warehouse, "select id, workflow_id, name from raw_github.workflow_runs") == [
        (5001, 12, "CI")
    ]
    assert fake_api.hits(f"{BASE}/actions/workflows/11/runs") == []

    with pytest.raises(SourceError, match="actions_workflow_pattern"):
        load(fake_api, actions_workflow_pattern="deploy(")


# -- releases --------------------------------------------------------------------------------
def test_releases_with_draft_and_prerelease_flags_load_only_when_changed(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    draft = p.release(703, "v1.2.0", draft=True, created_at="2026-02-15T09:00:00Z")
    releases = [
        draft,
        p.release(702, "v1.2.0-rc.1", prerelease=True, name="Release candidate 1",
                  created_at="2026-02-14T09:00:00Z", published_at="2026-02-14T09:30:00Z"),
        p.release(701, "v1.1.0"),
    ]  # fmt: skip
    replace(fake_api, f"{BASE}/releases", releases)

    assert load(fake_api).row_counts["releases"] == 3
    columns = (
        "id, repository_full_name, tag_name, target_commitish, name, draft, prerelease, "
        "created_at, published_at"
    )
    assert query(warehouse, f"select {columns} from raw_github.releases order by id") == [
        (701, "acme/api", "v1.1.0", "main", "v1.1.0", False, False,
         ts("2026-02-10T12:00:00"), ts("2026-02-10T12:30:00")),
        (702, "acme/api", "v1.2.0-rc.1", "main", "Release candidate 1", False, True,
         ts("2026-02-14T09:00:00"), ts("2026-02-14T09:30:00")),
        (703, "acme/api", "v1.2.0", "main", "v1.2.0", True, False,
         ts("2026-02-15T09:00:00"), None),
    ]  # fmt: skip
    assert fake_api.hits(f"{BASE}/releases")[0].query["per_page"] == ["100"]

    assert load(fake_api).total_rows == 0  # re-read, nothing changed

    published = p.release(
        703, "v1.2.0", created_at="2026-02-15T09:00:00Z", published_at="2026-02-16T08:00:00Z"
    )
    replace(fake_api, f"{BASE}/releases", [published, *releases[1:]])
    assert load(fake_api).row_counts == {"releases": 1}
    assert query(
        warehouse, "select draft, published_at from raw_github.releases where id = 703"
    ) == [(False, ts("2026-02-16T08:00:00"))]
    assert count(warehouse, "releases") == 3


# -- tags ------------------------------------------------------------------------------------
def test_tags_resolve_annotated_and_lightweight_and_follow_the_tag_set(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    refs = f"{BASE}/git/matching-refs/tags"
    replace(
        fake_api,
        refs,
        [
            p.tag_ref("v0.9", "a1" * 20, "tag"),  # a tag of an annotated tag: peeled twice
            p.tag_ref("v1.0", "b1" * 20, "tag"),
            p.tag_ref("v1.1", "c2" * 20, "commit"),
            p.tag_ref("tree-tag", "ee" * 20, "tree"),  # not a commit: skipped, as by git
        ],
    )
    fake_api.add(
        f"{BASE}/git/tags/{'a1' * 20}",
        p.tag_object("a1" * 20, "v0.9", "2026-01-15T10:00:00Z", "a2" * 20, "tag"),
    )
    fake_api.add(
        f"{BASE}/git/tags/{'a2' * 20}",
        p.tag_object("a2" * 20, "v0.9-inner", "2026-01-15T09:00:00Z", "c0" * 20),
    )
    fake_api.add(
        f"{BASE}/git/tags/{'b1' * 20}",
        p.tag_object("b1" * 20, "v1.0", "2026-02-01T10:00:00Z", "c1" * 20),
    )
    fake_api.add(
        f"{BASE}/commits/{'c2' * 20}",
        p.branch_commit("c2" * 20, "2026-02-08T09:30:00Z", ["c1" * 20]),
    )

    assert load(fake_api).row_counts["tags"] == 3
    columns = "repository_full_name, name, target_sha, tagged_at, is_annotated"
    assert query(warehouse, f"select {columns} from raw_github.tags order by name") == [
        ("acme/api", "v0.9", "c0" * 20, ts("2026-01-15T10:00:00"), True),
        ("acme/api", "v1.0", "c1" * 20, ts("2026-02-01T10:00:00"), True),
        ("acme/api", "v1.1", "c2" * 20, ts("2026-02-08T09:30:00"), False),
    ]

    assert not [r for r in fake_api.requests if "ee" * 20 in r.path]

    # unchanged: one request for the refs, nothing loaded
    fake_api.requests.clear()
    assert load(fake_api).total_rows == 0
    assert [r.path for r in fake_api.requests if "/git/" in r.path or "/commits/" in r.path] == [
        refs
    ]

    # v1.1 deleted, v1.0 moved to a new tag object, v1.2 new: only those two resolved
    replace(
        fake_api,
        refs,
        [
            p.tag_ref("v0.9", "a1" * 20, "tag"),
            p.tag_ref("v1.0", "b3" * 20, "tag"),
            p.tag_ref("v1.2", "c4" * 20, "commit"),
        ],
    )
    fake_api.add(
        f"{BASE}/git/tags/{'b3' * 20}",
        p.tag_object("b3" * 20, "v1.0", "2026-02-15T10:00:00Z", "c3" * 20),
    )
    fake_api.add(
        f"{BASE}/commits/{'c4' * 20}",
        p.branch_commit("c4" * 20, "2026-02-16T11:00:00Z", ["c3" * 20]),
    )
    fake_api.requests.clear()

    assert load(fake_api).row_counts == {"tags": 3}  # the repository's whole set
    assert query(warehouse, f"select {columns} from raw_github.tags order by name") == [
        ("acme/api", "v0.9", "c0" * 20, ts("2026-01-15T10:00:00"), True),
        ("acme/api", "v1.0", "c3" * 20, ts("2026-02-15T10:00:00"), True),
        ("acme/api", "v1.2", "c4" * 20, ts("2026-02-16T11:00:00"), False),
    ]
    resolved = sorted(r.path for r in fake_api.requests if r.path != refs and (
        "/git/" in r.path or "/commits/" in r.path))  # fmt: skip
    assert resolved == [f"{BASE}/commits/{'c4' * 20}", f"{BASE}/git/tags/{'b3' * 20}"]
    assert load(fake_api).total_rows == 0


# -- incident issues -------------------------------------------------------------------------
def test_incident_issues_drop_pull_requests_and_dedupe_across_labels(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    issues = f"{BASE}/issues"
    outage = p.issue(9001, 41, "2026-02-10T10:00:00Z", ["Incident", "sev1"])
    slow = p.issue(
        9003,
        43,
        "2026-02-11T10:00:00Z",
        ["incident", "customer-impact"],
        state="open",
        title="Search is slow",
        created_at="2026-02-11T07:00:00Z",
    )
    hotfix = p.issue(9002, 42, "2026-02-10T11:00:00Z", ["incident"], is_pull=True)
    fake_api.add(issues, [outage, hotfix, slow], query=issues_query("incident"))
    fake_api.add(issues, [outage], query=issues_query("SEV1"))

    summary = load(fake_api, incident_labels=["incident", "SEV1"])

    assert summary.row_counts["incident_issues"] == 2
    columns = (
        "id, repository_full_name, number, title, state, label_names, created_at, closed_at, "
        "updated_at"
    )
    assert query(warehouse, f"select {columns} from raw_github.incident_issues order by id") == [
        (9001, "acme/api", 41, "Checkout is down", "closed", "incident,sev1",
         ts("2026-02-10T08:00:00"), ts("2026-02-10T09:15:00"), ts("2026-02-10T10:00:00")),
        (9003, "acme/api", 43, "Search is slow", "open", "customer-impact,incident",
         ts("2026-02-11T07:00:00"), None, ts("2026-02-11T10:00:00")),
    ]  # fmt: skip
    # never the author or the body
    assert [c for (c,) in query(
        warehouse,
        "select column_name from information_schema.columns where table_schema = 'raw_github' "
        "and table_name = 'incident_issues' and column_name not like '_dlt%' order by ordinal_position",
    )] == columns.split(", ")  # fmt: skip
    text = str(query(warehouse, "select * from raw_github.incident_issues"))
    assert "mona" not in text and "Customers cannot pay" not in text

    # next run: `since` per label from its own cursor; the boundary issues are not reloaded
    fake_api.add(issues, [slow], query=issues_query("incident", "2026-02-11T10:00:00Z"))
    fake_api.add(issues, [outage], query=issues_query("SEV1", "2026-02-10T10:00:00Z"))
    fake_api.requests.clear()

    assert load(fake_api, incident_labels=["incident", "SEV1"]).total_rows == 0
    assert [r.query["since"] for r in fake_api.hits(issues)] == [
        ["2026-02-11T10:00:00Z"],
        ["2026-02-10T10:00:00Z"],
    ]


# -- switches, validation, malformed pages, columns ------------------------------------------
def test_switches_turn_the_resources_off(warehouse: Path, fake_api: FakeApi) -> None:
    delivery_script(fake_api)

    load(
        fake_api,
        include_workflow_runs=False,
        include_releases=False,
        include_tags=False,
        incident_labels=[],
    )

    for path in ("actions/workflows", "releases", "git/matching-refs/tags", "issues"):
        assert fake_api.hits(f"{BASE}/{path}") == [], path
    assert not set(DELIVERY_TABLES) & set(table_counts(warehouse))


def test_delivery_tables_pass_their_expectations_and_have_the_contract_columns(
    warehouse: Path, fake_api: FakeApi
) -> None:
    delivery_script(fake_api)
    summary = load(fake_api)

    assert {t: summary.row_counts[t] for t in DELIVERY_TABLES} == DELIVERY_COUNTS
    report = validate_tables(NAME, SUITES, tables=DELIVERY_TABLES, printer=lambda _line: None)
    assert report.ok and sorted(report.tables_checked) == sorted(DELIVERY_TABLES)
    rows = query(
        warehouse,
        "select table_name, column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = 'raw_github' and table_name in "
        "('workflow_runs', 'releases', 'tags', 'incident_issues') "
        "and column_name not like '_dlt%' order by table_name, ordinal_position",
    )
    built: dict[str, list[tuple[str, str, str]]] = {}
    for table, *column in rows:
        built.setdefault(table, []).append(tuple(column))
    tstz = "TIMESTAMP WITH TIME ZONE"
    assert built == {
        "workflow_runs": [
            ("id", "BIGINT", "NO"),
            ("repository_full_name", "VARCHAR", "NO"),
            ("workflow_id", "BIGINT", "NO"),
            ("name", "VARCHAR", "YES"),
            ("path", "VARCHAR", "YES"),
            ("head_branch", "VARCHAR", "YES"),
            ("head_sha", "VARCHAR", "YES"),
            ("event", "VARCHAR", "YES"),
            ("status", "VARCHAR", "NO"),
            ("conclusion", "VARCHAR", "YES"),
            ("run_attempt", "BIGINT", "YES"),
            ("created_at", tstz, "NO"),
            ("run_started_at", tstz, "YES"),
            ("updated_at", tstz, "YES"),
        ],
        "releases": [
            ("id", "BIGINT", "NO"),
            ("repository_full_name", "VARCHAR", "NO"),
            ("tag_name", "VARCHAR", "NO"),
            ("target_commitish", "VARCHAR", "YES"),
            ("name", "VARCHAR", "YES"),
            ("draft", "BOOLEAN", "YES"),
            ("prerelease", "BOOLEAN", "YES"),
            ("created_at", tstz, "NO"),
            ("published_at", tstz, "YES"),
        ],
        "tags": [
            ("repository_full_name", "VARCHAR", "NO"),
            ("name", "VARCHAR", "NO"),
            ("target_sha", "VARCHAR", "NO"),
            ("tagged_at", tstz, "YES"),
            ("is_annotated", "BOOLEAN", "NO"),
        ],
        "incident_issues": [
            ("id", "BIGINT", "NO"),
            ("repository_full_name", "VARCHAR", "NO"),
            ("number", "BIGINT", "NO"),
            ("title", "VARCHAR", "YES"),
            ("state", "VARCHAR", "NO"),
            ("label_names", "VARCHAR", "YES"),
            ("created_at", tstz, "NO"),
            ("closed_at", tstz, "YES"),
            ("updated_at", tstz, "NO"),
        ],
    }
    text = str([query(warehouse, f"select * from raw_github.{t}") for t in DELIVERY_TABLES])
    assert "mona@example.com" not in text and "Mona Octocat" not in text


def _bad_run(api: FakeApi) -> None:
    run = p.workflow_run(3009, DEPLOY, "2026-02-14T10:00:00Z")
    run["created_at"] = "yesterday"
    good = p.workflow_run(3010, DEPLOY, "2026-02-14T11:00:00Z")
    replace(api, f"{BASE}/actions/workflows/11/runs", p.runs_page(good, run))


def _bad_release(api: FakeApi) -> None:
    bad = p.release(704, "v2.0.0")
    bad["id"] = "seven-oh-four"
    replace(api, f"{BASE}/releases", [p.release(703, "v1.9.0"), bad])


def _bad_tag(api: FakeApi) -> None:
    replace(
        api,
        f"{BASE}/git/matching-refs/tags",
        [p.tag_ref("v1.0", "b1" * 20, "tag"), p.tag_ref("v2.0", "d1" * 20, "tag")],
    )
    broken = p.tag_object("d1" * 20, "v2.0", "2026-02-20T10:00:00Z", "d2" * 20)
    del broken["object"]["sha"]
    api.add(f"{BASE}/git/tags/{'d1' * 20}", broken)


def _bad_issue(api: FakeApi) -> None:
    bad = p.issue(9005, 45, "2026-02-20T10:00:00Z", ["incident"])
    del bad["number"]
    replace(api, f"{BASE}/issues", [p.issue(9004, 44, "2026-02-20T09:00:00Z", ["incident"]), bad])


@pytest.mark.parametrize(
    ("breaks", "table", "key", "field", "rule"),
    [
        (_bad_run, "workflow_runs", "3009", "created_at", "must be timestamp"),
        (_bad_release, "releases", "'seven-oh-four'", "id", "must be bigint"),
        (_bad_tag, "tags", "('acme/api', 'v2.0')", "target_sha", "is required but missing"),
        (_bad_issue, "incident_issues", "9005", "number", "is required but missing"),
    ],
)
def test_a_malformed_page_stops_the_run_before_anything_is_written(
    warehouse: Path,
    fake_api: FakeApi,
    breaks: Any,
    table: str,
    key: str,
    field: str,
    rule: str,
) -> None:
    delivery_script(fake_api)
    load(fake_api)
    before = table_counts(warehouse)
    snapshot = {t: query(warehouse, f"select * from raw_github.{t}") for t in DELIVERY_TABLES}
    # the bad run also brings a new pull request, so every table has something to write
    fake_api.routes.clear()
    script(fake_api, pulls_1=[p.pull(13, 1013, "2026-02-20T12:00:00Z")])
    add_delivery(fake_api)
    for resource in ("commits", "reviews", "files"):
        fake_api.add(f"{BASE}/pulls/13/{resource}", [])
    breaks(fake_api)

    with pytest.raises(MalformedRecordError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert message.startswith("[github] malformed record"), message
    for part in (f"'{table}'", f"(key {key})", f"field '{field}'", rule):
        assert part in message, (part, message)
    assert table_counts(warehouse) == before
    assert {t: query(warehouse, f"select * from raw_github.{t}") for t in DELIVERY_TABLES} == (
        snapshot
    )


# -- repositories of a user account, or named ------------------------------------------------
def _user_repository(api: FakeApi) -> dict[str, Any]:
    repo = p.repository(583231, "dotfiles", full_name="mona/dotfiles", owner=p.user("mona", 583231))
    base = "/repos/mona/dotfiles"
    for resource in ("pulls", "pulls/comments", "deployments", "commits"):
        api.add(f"{base}/{resource}", [])
    no_delivery_signals(api, base)
    return repo


def test_a_user_accounts_repositories_are_listed_when_orgs_answers_404(
    warehouse: Path, fake_api: FakeApi
) -> None:
    fake_api.add("/users/mona/repos", [_user_repository(fake_api)])

    load(fake_api, org="mona")

    assert query(warehouse, "select full_name, owner__login from raw_github.repositories") == [
        ("mona/dotfiles", "mona")
    ]
    assert [r.path for r in fake_api.requests[:2]] == ["/orgs/mona/repos", "/users/mona/repos"]
    assert fake_api.hits("/users/mona/repos")[0].query["type"] == ["owner"]


def test_named_repositories_are_fetched_by_name_without_a_listing(
    warehouse: Path, fake_api: FakeApi
) -> None:
    fake_api.add("/repos/mona/dotfiles", _user_repository(fake_api))

    load(fake_api, org=None, repositories=["mona/dotfiles"])  # no owner needed

    assert query(warehouse, "select full_name from raw_github.repositories") == [("mona/dotfiles",)]
    assert fake_api.hits("/orgs/mona/repos") == [] and fake_api.hits("/users/mona/repos") == []


def test_an_owner_or_named_repositories_are_required(fake_api: FakeApi) -> None:
    with pytest.raises(SourceError, match=r"'org'.*unless 'repositories'"):
        load(fake_api, org=None)


def test_an_organisation_that_fails_otherwise_is_not_read_as_a_user(
    warehouse: Path, fake_api: FakeApi
) -> None:
    fake_api.add("/orgs/acme/repos", {"message": "Bad credentials"}, status=401)

    with pytest.raises(SourceError, match="HTTP 401"):
        load(fake_api)
    assert fake_api.hits("/users/acme/repos") == []


def test_an_empty_repository_and_disabled_issues_give_no_rows(
    warehouse: Path, fake_api: FakeApi
) -> None:
    delivery_script(fake_api)
    tags_refs, issues = f"{BASE}/git/matching-refs/tags", f"{BASE}/issues"
    replace(fake_api, tags_refs, {"message": "Git Repository is empty."}, status=409)
    replace(fake_api, issues, {"message": "Issues are disabled for this repo"}, status=410)

    summary = load(fake_api)

    assert "tags" not in summary.row_counts and "incident_issues" not in summary.row_counts
    assert summary.row_counts["releases"] == 2
