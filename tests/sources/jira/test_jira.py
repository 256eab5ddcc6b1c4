"""The Jira source against a scripted Jira Cloud API (no network)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import run_source
from ingestion.common.validation import validate_tables
from ingestion.sources import jira
from ingestion.sources.jira import helpers
from tests.sources.jira import payloads as p
from tests.support.fake_api import FakeApi

EMAIL = "bot@acme.test"
TOKEN = "jira-secret-token-123"
CHANGELOG = "/rest/api/3/issue/ENG-2/changelog"


def serve(api: FakeApi, pages: list[dict[str, Any]], changelog: bool = True) -> None:
    api.routes.clear()
    api.add(p.STATUS, p.STATUSES)
    for page in pages:
        api.add(p.SEARCH, page)
    if changelog:
        for page in p.ENG2_CHANGELOG_PAGES:
            api.add(CHANGELOG, page)


def first_run_pages() -> list[dict[str, Any]]:
    eng1, eng2, eng3 = p.base_issues()
    return [p.search_page([eng1, eng2], next_token="tok-2"), p.search_page([eng3])]


def run(api: FakeApi, **kwargs: Any) -> Any:
    src = jira.source(site_url=api.url, email=EMAIL, api_token=TOKEN, **kwargs)
    return run_source(jira.NAME, src, printer=lambda _m: None)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def count(db: Path, table: str) -> int:
    return rows(db, f"select count(*) from raw_jira.{table}")[0][0]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_happy_path_loads_issues_labels_and_transitions(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_run_pages())
    summary = run(fake_api)

    assert summary.row_counts == {"issues": 3, "issues__labels": 3, "issue_status_transitions": 5}
    got = rows(
        warehouse,
        "select id, key, project_key, issue_type, status, status_category, story_points, "
        "parent_key, epic_key, assignee_account_id, created, updated, resolutiondate "
        "from raw_jira.issues order by id",
    )
    assert got == [
        ("10001", "ENG-1", "ENG", "Story", "In Review", "indeterminate", 3.0, "ENG-100", "ENG-100",
         "acc-alice", utc(2026, 3, 1, 8), utc(2026, 3, 2, 13, 5), None),
        ("10002", "ENG-2", "ENG", "Sub-task", "Done", "done", None, "ENG-1", None,
         "acc-alice", utc(2026, 3, 1, 8), utc(2026, 3, 3, 13), utc(2026, 3, 3, 13)),
        ("10003", "ENG-3", "ENG", "Story", "Done", "done", 5.0, None, None,
         "acc-alice", utc(2026, 3, 1, 8), utc(2026, 3, 4, 12), utc(2026, 3, 4, 12)),
    ]  # fmt: skip
    labels = rows(
        warehouse,
        "select i.key, l.value from raw_jira.issues__labels l join raw_jira.issues i "
        "on l._dlt_parent_id = i._dlt_id order by 1, 2",
    )
    assert labels == [("ENG-1", "ai-assisted"), ("ENG-1", "backend"), ("ENG-3", "frontend")]
    transitions = rows(
        warehouse,
        "select id, issue_key, from_status, to_status, from_status_category, "
        "to_status_category, created from raw_jira.issue_status_transitions order by id",
    )
    assert transitions == [
        ("20001-1", "ENG-1", "To Do", "In Progress", "new", "indeterminate", utc(2026, 3, 1, 9)),
        ("20002-0", "ENG-1", "In Progress", "In Review", "indeterminate", "indeterminate", utc(2026, 3, 2, 13, 5)),
        ("20003-0", "ENG-2", "To Do", "In Progress", "new", "indeterminate", utc(2026, 3, 2, 14)),
        ("20004-0", "ENG-2", "In Progress", "Done", "indeterminate", "done", utc(2026, 3, 3, 13)),
        ("20005-0", "ENG-3", "To Do", "Done", "new", "done", utc(2026, 3, 4, 12)),
    ]  # fmt: skip
    # timestamps are typed (timestamp with time zone), not text
    types = dict(
        rows(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_jira' and table_name = 'issues'",
        )
    )
    assert types["updated"] == "TIMESTAMP WITH TIME ZONE"
    assert types["story_points"] == "DOUBLE"

    searches = fake_api.hits(p.SEARCH)
    assert len(searches) == 2
    jql = searches[0].query["jql"][0]
    assert jql == '(project is not EMPTY) AND updated >= "2023-12-31 00:00" ORDER BY updated ASC'
    assert searches[0].query["expand"] == ["changelog"]
    assert "customfield_10016" in searches[0].query["fields"][0]
    assert "nextPageToken" not in searches[0].query
    assert searches[1].query["nextPageToken"] == ["tok-2"]
    expected_auth = "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    assert searches[0].headers["Authorization"] == expected_auth
    # the truncated changelog of ENG-2 was paged with startAt
    assert [h.query["startAt"] for h in fake_api.hits(CHANGELOG)] == [["0"], ["1"]]


def test_second_run_without_new_data_adds_nothing(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_run_pages())
    run(fake_api)
    before = {
        t: count(warehouse, t) for t in ("issues", "issues__labels", "issue_status_transitions")
    }

    # Jira answers the lookback window again: every issue is at or before the cursor
    serve(fake_api, [p.search_page(p.base_issues())])
    fake_api.requests.clear()
    summary = run(fake_api)

    assert summary.row_counts.get("issues", 0) == 0
    assert summary.row_counts.get("issue_status_transitions", 0) == 0
    after = {t: count(warehouse, t) for t in before}
    assert after == before
    # the cursor (max updated = 2026-03-04 12:00 UTC) minus the 24 h lookback
    jql = fake_api.hits(p.SEARCH)[0].query["jql"][0]
    assert 'updated >= "2026-03-03 12:00"' in jql


def test_late_update_is_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_run_pages())
    run(fake_api)

    eng1 = p.base_issues()[0]
    eng1["fields"]["status"] = p.status("Done")
    eng1["fields"]["updated"] = "2026-03-05T10:00:00.000+0100"
    eng1["fields"]["resolutiondate"] = "2026-03-05T10:00:00.000+0100"
    eng1["fields"]["labels"] = ["backend"]
    eng1["changelog"]["histories"].append(
        p.history("20006", "2026-03-05T10:00:00.000+0100", ("In Review", "Done"))
    )
    eng1["changelog"]["total"] = 3
    serve(fake_api, [p.search_page([eng1])], changelog=False)
    summary = run(fake_api)

    assert summary.row_counts["issues"] == 1
    assert count(warehouse, "issues") == 3
    assert rows(
        warehouse,
        "select status, status_category, resolutiondate from raw_jira.issues where key = 'ENG-1'",
    ) == [("Done", "done", utc(2026, 3, 5, 9))]
    assert count(warehouse, "issue_status_transitions") == 6
    assert count(warehouse, "issues__labels") == 2  # ENG-1's labels replaced by the merge
    assert rows(
        warehouse, "select to_status from raw_jira.issue_status_transitions where id = '20006-0'"
    ) == [("Done",)]


@pytest.mark.parametrize(
    ("mutate", "field", "key"),
    [
        (lambda issue: issue["fields"].update(customfield_10016="three"), "story_points", "10003"),
        (lambda issue: issue.pop("id"), "id", None),
        (
            lambda issue: issue["changelog"]["histories"][0].update(created="yesterday"),
            "created",
            "20005-0",
        ),
    ],
)
def test_malformed_record_fails_the_run_and_loads_nothing(
    warehouse: Path, fake_api: FakeApi, mutate: Any, field: str, key: str | None
) -> None:
    serve(fake_api, first_run_pages())
    run(fake_api)
    before = rows(warehouse, "select key, status, updated from raw_jira.issues order by key")

    good_new = p.issue("10004", "ENG-4", updated="2026-03-06T10:00:00.000+0000")
    bad = p.base_issues()[2]
    bad["fields"]["updated"] = "2026-03-06T11:00:00.000+0000"
    mutate(bad)
    serve(fake_api, [p.search_page([good_new, bad])], changelog=False)
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api)
    message = str(caught.value)
    assert message.startswith("[jira]")
    assert f"field '{field}'" in message
    assert f"(key {key!r})" in message
    table = "issue_status_transitions" if field == "created" else "issues"
    assert f"table '{table}'" in message
    # nothing from the failed run was loaded, not even the good ENG-4
    assert (
        rows(warehouse, "select key, status, updated from raw_jira.issues order by key") == before
    )

    # the next run with good data succeeds
    fixed = p.base_issues()[2]
    fixed["fields"]["updated"] = "2026-03-06T11:00:00.000+0000"
    serve(fake_api, [p.search_page([good_new, fixed])], changelog=False)
    summary = run(fake_api)
    assert summary.row_counts["issues"] == 2
    assert count(warehouse, "issues") == 4


def test_rate_limit_is_waited_out(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, [], changelog=False)
    fake_api.routes.pop((p.SEARCH, None), None)
    fake_api.add(
        p.SEARCH,
        {"errorMessages": ["Rate limit exceeded"]},
        status=429,
        headers={"Retry-After": "0"},
    )
    fake_api.add(p.SEARCH, p.search_page([p.base_issues()[2]]))
    summary = run(fake_api)
    assert summary.row_counts["issues"] == 1
    assert len(fake_api.hits(p.SEARCH)) == 2

    # and the wait is the one Jira asked for
    waits: list[float] = []
    fake_api.routes.clear()
    fake_api.add(p.STATUS, {"message": "slow down"}, status=429, headers={"Retry-After": "7"})
    fake_api.add(p.STATUS, p.STATUSES)
    client = helpers.make_client(fake_api.url, EMAIL, TOKEN, sleep=waits.append)
    assert helpers.fetch_status_map(client)["done"] == "done"
    assert waits == [7.0]


def test_non_json_page_fails_clearly(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, [p.search_page([p.base_issues()[2]], next_token="t2")], changelog=False)
    fake_api.add(p.SEARCH, raw="<html>Atlassian maintenance</html>")
    with pytest.raises(
        SourceError, match=r"\[jira\] GET rest/api/3/search/jql page 2: response is not valid JSON"
    ):
        run(fake_api)


def test_validation_failure_names_table_column_rule(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_run_pages())
    run(fake_api)
    report = validate_tables(jira.NAME, jira.SUITES, printer=lambda _m: None)
    assert report.ok and set(report.tables_checked) == {"issues", "issue_status_transitions"}

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_jira.issues (id, key, status_category, story_points, created, updated, "
            "_dlt_load_id, _dlt_id) values ('10009', 'ENG-9', 'doing', -2, now(), now(), 'x', 'y')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(jira.NAME, jira.SUITES, tables=["issues"], printer=lambda _m: None)
    message = str(caught.value)
    assert "raw_jira.issues.status_category: must be one of" in message
    assert "raw_jira.issues.story_points: must be between 0 and None" in message
    assert "'ENG-9'" in message


def test_secrets_never_leak(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_run_pages())
    run(fake_api)
    basic = helpers.basic_token(EMAIL, TOKEN)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw_jira'"
        ).fetchall()
        for (table,) in tables:
            text = str(con.execute(f'select * from raw_jira."{table}"').fetchall())
            assert TOKEN not in text and basic not in text

    # an error page that echoes the Authorization header is redacted
    fake_api.routes.clear()
    fake_api.add(p.STATUS, raw=f"Unauthorized: Basic {basic}", status=401)
    with pytest.raises(SourceError) as caught:
        run(fake_api)
    assert "HTTP 401" in str(caught.value)
    assert TOKEN not in str(caught.value) and basic not in str(caught.value)


def test_missing_credentials_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    monkeypatch.delenv("SOURCES__JIRA__API_TOKEN", raising=False)
    with pytest.raises(SourceError, match="missing credentials"):
        jira.source(site_url="http://127.0.0.1:9", email=EMAIL)


def test_jira_offsets_are_stored_as_utc() -> None:
    assert helpers.to_utc("2026-03-02T14:05:00.000+0100") == utc(2026, 3, 2, 13, 5)
    assert helpers.to_utc("2026-03-02T14:05:00.000-0930") == utc(2026, 3, 2, 23, 35)
