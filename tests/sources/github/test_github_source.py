"""The GitHub source against a scripted local API (no network)."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.validation import validate_tables
from ingestion.sources.github import NAME, SUITES
from tests.sources.github import payloads as p
from tests.sources.github.scenario import (
    BASE,
    EXPECTED_COUNTS,
    TOKEN,
    counts,
    load,
    no_delivery_signals,
    query,
    script,
)
from tests.support.fake_api import FakeApi


def test_happy_path_loads_every_table_with_hand_checked_values(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    summary = load(fake_api)

    assert summary.row_counts == EXPECTED_COUNTS
    assert counts(warehouse) == EXPECTED_COUNTS
    # sizes summed from the PR files (the list endpoint has none)
    assert query(
        warehouse,
        "select number, additions, deletions, changed_files, repository_full_name from raw_github.pull_requests order by number",
    ) == [(10, 1, 1, 1, "acme/api"), (11, 3, 1, 1, "acme/api"), (12, 15, 2, 2, "acme/api")]
    assert query(
        warehouse,
        "select l.name from raw_github.pull_requests__labels l join raw_github.pull_requests pr "
        "on l._dlt_parent_id = pr._dlt_id where pr.number = 11 order by 1",
    ) == [("ai-assisted",), ("bug",)]
    assert query(
        warehouse, "select user__login, user__type from raw_github.pull_requests where number = 11"
    ) == [("copilot-swe-agent", "Bot")]
    # full commit messages, trailers included; unknown GitHub author kept as null
    assert query(
        warehouse,
        "select sha, author__login, commit__message from raw_github.pull_request_commits where pull_number = 12 order by sha",
    ) == [
        (
            "a" * 40,
            "octocat",
            "Add export\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
        ),
        ("c" * 40, None, "Fix tests"),
    ]
    assert query(
        warehouse,
        "select id, pull_number, in_reply_to_id from raw_github.pull_request_review_comments order by id",
    ) == [(10, 12, None), (11, 12, 10)]
    assert query(
        warehouse, "select id, deployment_id, state from raw_github.deployment_statuses order by id"
    ) == [(9001, 501, "in_progress"), (9002, 501, "success"), (9003, 502, "success")]
    assert query(
        warehouse,
        "select c.sha, p.sha from raw_github.commits c join raw_github.commits__parents p "
        "on p._dlt_parent_id = c._dlt_id order by 1, 2",
    ) == [("1" * 40, "0" * 40), ("2" * 40, "1" * 40), ("2" * 40, "f" * 40)]
    assert query(warehouse, "select typeof(created_at) from raw_github.pull_requests limit 1") == [
        ("TIMESTAMP WITH TIME ZONE",)
    ]
    # the documented request headers
    sent = fake_api.hits("/orgs/acme/repos")[0].headers
    assert sent["Authorization"] == f"Bearer {TOKEN}"
    assert sent["Accept"] == "application/vnd.github+json"
    assert sent["X-GitHub-Api-Version"] == "2022-11-28"
    pulls_query = fake_api.hits(f"{BASE}/pulls")[0].query
    assert pulls_query["state"] == ["all"] and pulls_query["sort"] == ["updated"]
    assert pulls_query["direction"] == ["desc"]
    # files were fetched once per PR (sizes and the files table share them)
    assert len(fake_api.hits(f"{BASE}/pulls/12/files")) == 1


def test_no_author_emails_or_names_are_loaded(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    load(fake_api)
    for (table,) in query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'raw_github'",
    ):
        text = str(query(warehouse, f'select * from raw_github."{table}"'))
        assert "mona@example.com" not in text and "Mona Octocat" not in text, table


def test_second_run_adds_nothing_and_stops_at_the_cursor(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    load(fake_api)
    before = counts(warehouse)
    fake_api.requests.clear()

    summary = load(fake_api)

    assert summary.total_rows == 0
    assert counts(warehouse) == before
    assert fake_api.hits(f"{BASE}/pulls")[0].query.get("page") is None
    assert len(fake_api.hits(f"{BASE}/pulls")) == 1  # page 2 is older than the cursor: not read
    assert fake_api.hits(f"{BASE}/pulls/12/files") == []
    assert fake_api.hits(f"{BASE}/deployments/501/statuses") == []  # terminal: not re-read
    assert fake_api.hits(f"{BASE}/pulls/comments")[0].query["since"] == ["2026-02-09T09:30:00Z"]
    assert fake_api.hits(f"{BASE}/commits")[0].query["since"] == ["2026-02-12T12:00:00Z"]


def test_late_update_is_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    load(fake_api)
    before = counts(warehouse)

    fake_api.routes.clear()
    updated = p.pull(
        11, 1011, "2026-02-13T08:00:00Z", title="Fix bug (reworked)", labels=[p.label("bug", 2)]
    )
    script(fake_api, pulls_1=[updated, *[pr for pr in [p.pull(12, 1012, "2026-02-12T12:00:00Z")]]])
    fake_api.routes[(f"{BASE}/pulls/11/files", None)] = []
    fake_api.add(f"{BASE}/pulls/11/files", [p.pr_file("src/c_renamed.py", 4, 0, "renamed")])
    summary = load(fake_api)

    assert summary.row_counts["pull_requests"] == 1
    after = counts(warehouse)
    assert after["pull_requests"] == before["pull_requests"]
    assert after["pull_requests__labels"] == 1
    assert query(
        warehouse, "select title, additions from raw_github.pull_requests where number = 11"
    ) == [("Fix bug (reworked)", 4)]
    # the re-fetched PR's files replace its old ones (the old file no longer lingers)
    assert query(
        warehouse, "select filename from raw_github.pull_request_files where pull_number = 11"
    ) == [("src/c_renamed.py",)]
    assert after["pull_request_files"] == before["pull_request_files"]


def test_open_deployments_are_rechecked_until_terminal(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    fake_api.routes[(f"{BASE}/deployments/502/statuses", None)] = []
    fake_api.add(
        f"{BASE}/deployments/502/statuses",
        [p.deployment_status(9003, 502, "in_progress", "2026-02-12T13:01:00Z")],
    )
    load(fake_api)
    fake_api.routes[(f"{BASE}/deployments", None)] = []
    fake_api.add(
        f"{BASE}/deployments",
        [
            p.deployment(503, "9" * 40),
            p.deployment(502, "m" + "0" * 37 + "12"),
            p.deployment(501, "f" * 40),
        ],
    )
    fake_api.routes[(f"{BASE}/deployments/502/statuses", None)] = []
    fake_api.add(
        f"{BASE}/deployments/502/statuses",
        [
            p.deployment_status(9004, 502, "success", "2026-02-12T13:09:00Z"),
            p.deployment_status(9003, 502, "in_progress", "2026-02-12T13:01:00Z"),
        ],
    )
    fake_api.add(
        f"{BASE}/deployments/503/statuses",
        [p.deployment_status(9005, 503, "failure", "2026-02-14T10:00:00Z")],
    )
    fake_api.requests.clear()

    summary = load(fake_api)

    assert summary.row_counts["deployments"] == 2  # the new 503 and the still-open 502
    assert fake_api.hits(f"{BASE}/deployments/501/statuses") == []
    assert query(warehouse, "select count(*) from raw_github.deployments") == [(3,)]
    assert query(
        warehouse,
        "select id, state from raw_github.deployment_statuses where deployment_id >= 502 order by id",
    ) == [
        (9003, "in_progress"),
        (9004, "success"),
        (9005, "failure"),
    ]
    fake_api.requests.clear()
    assert load(fake_api).total_rows == 0
    assert fake_api.hits(f"{BASE}/deployments/502/statuses") == []


@pytest.mark.parametrize(
    ("broken", "field", "rule"),
    [
        ({"number": "twelve"}, "number", "must be bigint"),
        ({"id": None}, "id", "is required"),
    ],
)
def test_malformed_record_fails_the_run_and_loads_nothing(
    warehouse: Path, fake_api: FakeApi, broken: dict[str, object], field: str, rule: str
) -> None:
    script(fake_api)
    load(fake_api)
    before = counts(warehouse)
    titles = query(warehouse, "select number, title from raw_github.pull_requests order by number")

    bad = p.pull(12, 1012, "2026-02-14T12:00:00Z", title="changed by the bad run")
    bad.update(broken)
    fresh = p.pull(13, 1013, "2026-02-14T13:00:00Z")
    fake_api.routes.clear()
    script(fake_api, pulls_1=[fresh, bad])
    with pytest.raises(MalformedRecordError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert (
        "[github]" in message
        and "'pull_requests'" in message
        and f"'{field}'" in message
        and rule in message
    )
    assert ("1012" in message) if field != "id" else ("None" in message)
    assert counts(warehouse) == before
    assert (
        query(warehouse, "select number, title from raw_github.pull_requests order by number")
        == titles
    )

    fake_api.routes.clear()
    script(fake_api, pulls_1=[fresh, p.pull(12, 1012, "2026-02-14T12:00:00Z", title="good again")])
    fake_api.add(f"{BASE}/pulls/13/commits", [])
    fake_api.add(f"{BASE}/pulls/13/reviews", [])
    fake_api.add(f"{BASE}/pulls/13/files", [])
    load(fake_api)
    assert query(
        warehouse,
        "select number, title from raw_github.pull_requests where number >= 12 order by 1",
    ) == [
        (12, "good again"),
        (13, "Add feature"),
    ]


def test_rate_limits_are_waited_out_and_retried(warehouse: Path, fake_api: FakeApi) -> None:
    fake_api.add(
        "/orgs/acme/repos",
        {"message": "API rate limit exceeded"},
        status=429,
        headers={"Retry-After": "0"},
    )
    fake_api.add(
        f"{BASE}/pulls",
        {"message": "API rate limit exceeded for user."},
        status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(time.time()))},
    )
    script(fake_api)

    summary = load(fake_api)

    assert summary.row_counts == EXPECTED_COUNTS
    assert len(fake_api.hits("/orgs/acme/repos")) == 2
    assert len(fake_api.hits(f"{BASE}/pulls")) == 3  # 403, page 1, page 2


def test_non_json_page_fails_with_a_clear_error(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    fake_api.routes[(f"{BASE}/pulls", "page=2")] = []
    fake_api.add(f"{BASE}/pulls", raw="<html><body>Unicorn!</body></html>", query="page=2")

    with pytest.raises(SourceError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert "[github]" in message and "/pulls page 2" in message and "not valid JSON" in message
    tables = query(
        warehouse,
        "select count(*) from information_schema.tables where table_schema = 'raw_github' and table_name = 'pull_requests'",
    )
    assert tables == [(0,)]


def test_validation_failure_names_table_column_and_rule(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    load(fake_api)
    assert validate_tables(NAME, SUITES, printer=lambda _line: None).ok

    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into raw_github.pull_requests (id, repository_full_name, number, state, created_at, updated_at, "
        "additions, _dlt_load_id, _dlt_id) values (99, 'acme/api', 99, 'closed', now(), now(), -5, 'x', 'y')"
    )
    con.close()
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(NAME, SUITES, tables=["pull_requests"], printer=lambda _line: None)

    message = str(caught.value)
    assert (
        "raw_github.pull_requests.additions" in message
        and "must be between 0" in message
        and "99" in message
    )


def test_token_never_appears_in_errors_or_tables(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    script(fake_api)
    load(fake_api, token=None)  # falls back to GITHUB_TOKEN
    assert fake_api.hits("/orgs/acme/repos")[0].headers["Authorization"] == f"Bearer {TOKEN}"
    for (table,) in query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'raw_github'",
    ):
        assert TOKEN not in str(query(warehouse, f'select * from raw_github."{table}"')), table

    fake_api.routes.clear()
    fake_api.add("/orgs/acme/repos", {"message": f"Bad credentials: {TOKEN}"}, status=401)
    with pytest.raises(SourceError) as caught:
        load(fake_api)
    assert "HTTP 401" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_repository_filter_environment_filter_and_empty_repository(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.routes[("/orgs/acme/repos", None)] = []
    fake_api.add("/orgs/acme/repos", [p.repository(), p.repository(2, "web")])
    # named: fetched by name, no listing; empty, so GitHub answers 409 for commits
    fake_api.add("/repos/acme/api", p.repository())
    fake_api.add("/repos/acme/empty", p.repository(3, "empty", pushed_at=None, size=0))
    for resource in ("pulls", "pulls/comments", "deployments"):
        fake_api.add(f"/repos/acme/empty/{resource}", [])
    no_delivery_signals(fake_api, "/repos/acme/empty")
    fake_api.add("/repos/acme/empty/commits", {"message": "Git Repository is empty."}, status=409)

    load(fake_api, repositories=["acme/api", "acme/empty"], environments=["production"])

    assert query(warehouse, "select full_name from raw_github.repositories order by full_name") == [
        ("acme/api",),
        ("acme/empty",),
    ]
    assert fake_api.hits("/repos/acme/web/pulls") == []
    assert fake_api.hits("/orgs/acme/repos") == []
    assert fake_api.hits(f"{BASE}/deployments")[0].query["environment"] == ["production"]
    assert query(warehouse, "select count(*) from raw_github.commits") == [(2,)]
