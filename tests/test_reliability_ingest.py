"""Validate before commit: a rejected load writes nothing, moves no cursor, is quarantined,
and the corrected source data loads on the very next run.

Through `ai-roi run` against a PagerDuty endpoint on 127.0.0.1 that serves what each test
puts in it (`tests/support/fault_api.py`), and against usage files in a temp folder.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.cli import main
from ingestion.common.errors import ValidationFailedError
from ingestion.common.pipeline import make_pipeline
from ingestion.common.quarantine import failed_validations, latest_runs
from ingestion.orchestrate import ingest
from tests.sources.github import payloads as gh
from tests.sources.github import scenario
from tests.sources.incidents import payloads as p
from tests.sources.jira import payloads as jp
from tests.support.fake_api import FakeApi
from tests.support.fault_api import FaultyPagerDuty

TOKEN = "pd_SECRET_TOKEN_42"
FIRST_CURSOR = "2026-03-04T12:00:00+00:00"  # PINC003's last_status_change_at


@pytest.fixture
def pagerduty(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`ai-roi run incidents` configured for the fault server, which serves the three base
    incidents; the first run has loaded them."""
    with FaultyPagerDuty(p.base_incidents()) as api:
        monkeypatch.setenv("SOURCES__INCIDENTS__API_TOKEN", TOKEN)
        monkeypatch.setenv("SOURCES__INCIDENTS__BASE_URL", api.url)
        monkeypatch.setenv("SOURCES__INCIDENTS__START_DATE", "2026-02-01")
        monkeypatch.setenv("SOURCES__INCIDENTS__END_DATE", "2026-04-01")
        assert main(["run", "incidents"]) == 0
        assert cursor() == FIRST_CURSOR
        api.hits.clear()
        yield api


def cursor() -> Any:
    state = make_pipeline("incidents").state
    resource = state["sources"]["incidents"]["resources"]["incidents"]
    value = resource["incremental"]["last_status_change_at"]["last_value"]
    return value.isoformat() if isinstance(value, datetime) else str(value)


def incidents(db: Path) -> dict[str, tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select id, status, created_at, last_status_change_at from raw_incidents.incidents"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def quarantined(db: Path, source: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            f"select table_name, record_key, field, rule, value from quarantine.{source} "
            "order by field"
        ).fetchall()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def with_incident(**changes: Any) -> list[dict[str, Any]]:
    """The base incidents, PINC003 changed."""
    base = p.base_incidents()
    base[2] = p.incident("PINC003", 103, title="Queue backlog growing", **changes)
    return base


def test_a_future_cursor_is_quarantined_and_the_next_run_gets_the_genuine_update(
    warehouse: Path, pagerduty: FaultyPagerDuty, capsys: pytest.CaptureFixture[str]
) -> None:
    before = incidents(warehouse)
    capsys.readouterr()
    # the vendor's clock is off: PINC003 changed "in 2099"
    pagerduty.incidents = with_incident(
        status="acknowledged",
        created_at="2026-03-04T12:00:00Z",
        last_status_change_at="2099-01-01T00:00:00Z",
    )
    assert main(["run", "incidents"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: [incidents] data validation failed:")
    assert (
        "raw_incidents.incidents.last_status_change_at: is the incremental cursor and must not "
        "be later than now + 24h (AI_ROI_MAX_CLOCK_SKEW_HOURS) (1 failing rows; sample keys: "
        "'PINC003')" in captured.err
    )
    assert "nothing from this run was loaded and no cursor moved" in captured.err
    assert "1 record quarantined in quarantine.incidents" in captured.err
    assert TOKEN not in captured.out + captured.err
    assert incidents(warehouse) == before  # not loaded
    assert cursor() == FIRST_CURSOR  # not moved to 2099
    assert quarantined(warehouse, "incidents") == [
        (
            "incidents",
            "PINC003",
            "last_status_change_at",
            "is the incremental cursor and must not be later than now + 24h "
            "(AI_ROI_MAX_CLOCK_SKEW_HOURS)",
            "2099-01-01T00:00:00+00:00",
        )
    ]
    assert [run.source for run in failed_validations(warehouse)] == ["incidents"]

    # the vendor fixes it; the next run asks (from the old cursor) and loads the update
    pagerduty.hits.clear()
    pagerduty.incidents = with_incident(
        status="resolved",
        created_at="2026-03-04T12:00:00Z",
        last_status_change_at="2026-03-05T09:00:00Z",
    )
    assert main(["run", "incidents"]) == 0
    assert pagerduty.hits, "the run after the refused one made no request"
    assert pagerduty.hits[0]["since"] == ["2026-02-25T12:00:00Z"]  # old cursor - 7 days
    assert incidents(warehouse)["PINC003"][:1] == ("resolved",)
    assert incidents(warehouse)["PINC003"][2] == utc(2026, 3, 5, 9)
    assert cursor() == "2026-03-05T09:00:00+00:00"
    assert failed_validations(warehouse) == []
    assert latest_runs(warehouse)["incidents"].load_state == "loaded"


def test_a_created_at_in_2099_is_quarantined_before_anything_is_committed(
    warehouse: Path, pagerduty: FaultyPagerDuty, capsys: pytest.CaptureFixture[str]
) -> None:
    before = incidents(warehouse)
    capsys.readouterr()
    pagerduty.incidents = with_incident(
        status="acknowledged",
        created_at="2099-01-01T00:00:00Z",
        last_status_change_at="2026-03-05T00:00:00Z",
    )
    assert main(["run", "incidents"]) == 1
    err = capsys.readouterr().err
    assert (
        "raw_incidents.incidents.created_at: must be between 2000-01-01 and now + 24h "
        "(AI_ROI_MAX_CLOCK_SKEW_HOURS) (1 failing rows; sample keys: 'PINC003')" in err
    )
    assert incidents(warehouse) == before
    assert cursor() == FIRST_CURSOR  # 2026-03-05 was not taken either: nothing committed
    fields = {(row[1], row[2]) for row in quarantined(warehouse, "incidents")}
    assert ("PINC003", "created_at") in fields

    pagerduty.hits.clear()
    pagerduty.incidents = with_incident(
        status="acknowledged",
        created_at="2026-03-04T12:00:00Z",
        last_status_change_at="2026-03-05T00:00:00Z",
    )
    assert main(["run", "incidents"]) == 0
    assert pagerduty.hits  # the next run asked again
    assert incidents(warehouse)["PINC003"][:2] == ("acknowledged", utc(2026, 3, 4, 12))
    assert cursor() == "2026-03-05T00:00:00+00:00"


def test_the_clock_skew_is_configurable(
    warehouse: Path,
    pagerduty: FaultyPagerDuty,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A change 10 days ahead: refused with the default 24 h, loaded with 1000 h allowed."""
    ahead = datetime.now(UTC).replace(microsecond=0).timestamp() + 10 * 86400
    moment = datetime.fromtimestamp(ahead, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    pagerduty.incidents = with_incident(
        status="acknowledged", created_at="2026-03-04T12:00:00Z", last_status_change_at=moment
    )
    monkeypatch.delenv("SOURCES__INCIDENTS__END_DATE")
    assert main(["run", "incidents"]) == 1
    assert "now + 24h" in capsys.readouterr().err
    monkeypatch.setenv("AI_ROI_MAX_CLOCK_SKEW_HOURS", "1000")
    assert main(["run", "incidents"]) == 0
    assert incidents(warehouse)["PINC003"][0] == "acknowledged"
    monkeypatch.setenv("AI_ROI_MAX_CLOCK_SKEW_HOURS", "soon")
    assert main(["run", "incidents"]) == 1
    assert "AI_ROI_MAX_CLOCK_SKEW_HOURS must be a number of hours >= 0, not 'soon'" in (
        capsys.readouterr().err
    )


def test_a_second_run_with_no_new_data_loads_nothing(
    warehouse: Path, pagerduty: FaultyPagerDuty, capsys: pytest.CaptureFixture[str]
) -> None:
    before = incidents(warehouse)
    capsys.readouterr()
    assert main(["run", "incidents"]) == 0
    assert "(nothing new: no table changed)" in capsys.readouterr().out
    assert pagerduty.hits  # it asked, from the cursor
    assert incidents(warehouse) == before


def test_a_malformed_page_stops_the_run_before_anything_is_written(
    warehouse: Path, pagerduty: FaultyPagerDuty, capsys: pytest.CaptureFixture[str]
) -> None:
    before = incidents(warehouse)
    pagerduty.incidents = with_incident(
        status="resolved",
        created_at="2026-03-04T12:00:00Z",
        last_status_change_at="2026-03-05T09:00:00Z",
    )
    pagerduty.page_size = 2
    pagerduty.malformed_offset = 2  # page 1 fine (PINC001, PINC002), page 2 broken
    capsys.readouterr()
    assert main(["run", "incidents"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: [incidents] GET incidents page 2: response is not valid JSON")
    assert TOKEN not in err
    assert incidents(warehouse) == before
    assert cursor() == FIRST_CURSOR


# -- GitHub and Jira: their cursors hold too -------------------------------------------------
def quiet(_line: str) -> None:
    return None


def github_cursor() -> Any:
    state = make_pipeline("github").state["sources"]["github"]["resources"]
    return state["pull_requests"]["updated_at"]["acme/api"]["last"]


def github_titles(db: Path) -> dict[int, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("select number, title from raw_github.pull_requests").fetchall())


def test_a_github_pr_updated_in_2099_does_not_stall_the_pull_requests(
    warehouse: Path, fake_api: FakeApi
) -> None:
    config = {"org": "acme", "base_url": fake_api.url, "token": scenario.TOKEN}
    scenario.script(fake_api)
    ingest("github", config, printer=quiet)
    before, cursor_before = github_titles(warehouse), github_cursor()

    fake_api.routes.clear()
    future = gh.pull(12, 1012, "2099-01-01T00:00:00Z", title="From the future")
    scenario.script(fake_api, pulls_1=[future, scenario.pulls_page_1()[1]])
    with pytest.raises(ValidationFailedError) as caught:
        ingest("github", config, printer=quiet)
    assert (
        "raw_github.pull_requests.updated_at: must not be later than now + 24h "
        "(AI_ROI_MAX_CLOCK_SKEW_HOURS) (1 failing rows; sample keys: 1012)" in str(caught.value)
    )
    assert github_titles(warehouse) == before
    assert github_cursor() == cursor_before

    fake_api.routes.clear()
    fixed = gh.pull(12, 1012, "2026-02-13T08:00:00Z", title="Add billing export (v2)")
    scenario.script(fake_api, pulls_1=[fixed, scenario.pulls_page_1()[1]])
    ingest("github", config, printer=quiet)
    assert github_titles(warehouse)[12] == "Add billing export (v2)"
    assert github_cursor() == "2026-02-13T08:00:00+00:00"


def serve_jira(api: FakeApi, issues: list[dict[str, Any]]) -> None:
    api.routes.clear()
    api.add(jp.STATUS, jp.STATUSES)
    api.add(jp.SEARCH, jp.search_page(issues))
    for page in jp.ENG2_CHANGELOG_PAGES:
        api.add("/rest/api/3/issue/ENG-2/changelog", page)


def jira_issues(db: Path) -> dict[str, tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select key, status, updated from raw_jira.issues").fetchall()
    return {row[0]: row[1:] for row in rows}


def jira_cursor() -> Any:
    state = make_pipeline("jira").state["sources"]["jira"]["resources"]["issues"]
    return str(state["incremental"]["updated"]["last_value"])


def test_a_jira_issue_updated_in_2099_does_not_stall_the_issues(
    warehouse: Path, fake_api: FakeApi
) -> None:
    config = {"site_url": fake_api.url, "email": "bot@acme.test", "api_token": "jira-secret"}
    eng1, eng2, eng3 = jp.base_issues()
    serve_jira(fake_api, [eng1, eng2, eng3])
    ingest("jira", config, printer=quiet)
    before, cursor_before = jira_issues(warehouse), jira_cursor()

    future = {**eng3, "fields": {**eng3["fields"], "updated": "2099-01-01T00:00:00.000+0000"}}
    serve_jira(fake_api, [eng1, eng2, future])
    with pytest.raises(ValidationFailedError) as caught:
        ingest("jira", config, printer=quiet)
    assert "raw_jira.issues.updated: is the incremental cursor and must not be later" in str(
        caught.value
    )
    assert jira_issues(warehouse) == before
    assert jira_cursor() == cursor_before

    fake_api.requests.clear()
    fixed = {**eng3, "fields": {**eng3["fields"], "updated": "2026-03-05T10:00:00.000+0000"}}
    serve_jira(fake_api, [eng1, eng2, fixed])
    ingest("jira", config, printer=quiet)
    assert fake_api.hits(jp.SEARCH)  # asked again from the old cursor
    assert jira_issues(warehouse)["ENG-3"][1] == utc(2026, 3, 5, 10)


# -- usage files: restoring the previous good file unblocks ------------------------------
USAGE_HEADER = "usage_date,tool,user_login,team,suggestions_shown,suggestions_accepted,cost_usd\n"
GOOD_USAGE = USAGE_HEADER + (
    "2026-01-05,cursor,octocat,,120,45,1.25\n2026-01-06,cursor,hubot,,80,20,0.50\n"
)
#: the same file with one row broken: more suggestions accepted than shown, a negative cost
BAD_USAGE = USAGE_HEADER + (
    "2026-01-05,cursor,octocat,,120,45,1.25\n2026-01-06,cursor,hubot,,80,95,-3.00\n"
)


def usage(db: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select usage_date, subject, suggestions_shown, suggestions_accepted, cost_usd "
            "from raw_ai_usage_files.ai_usage_daily order by usage_date, subject"
        ).fetchall()


def test_restoring_the_previous_good_usage_file_unblocks_the_next_run(
    warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "usage"
    folder.mkdir()
    monkeypatch.setenv("SOURCES__AI_USAGE_FILES__PATH", str(folder))
    file = folder / "cursor.csv"
    file.write_text(GOOD_USAGE)
    assert main(["run", "ai_usage_files"]) == 0
    good = usage(warehouse)
    assert len(good) == 2

    file.write_text(BAD_USAGE)
    capsys.readouterr()
    assert main(["run", "ai_usage_files"]) == 1
    err = capsys.readouterr().err
    assert "raw_ai_usage_files.ai_usage_daily.cost_usd: must be between 0 and None" in err
    assert "suggestions_shown,suggestions_accepted" in err
    assert usage(warehouse) == good  # the bad row never reached the raw table
    rows = quarantined(warehouse, "ai_usage_files")
    assert {(row[2], row[4]) for row in rows} == {
        ("cost_usd", "-3.0"),
        ("suggestions_shown,suggestions_accepted", "suggestions_shown=80, suggestions_accepted=95"),
    }
    assert all("cursor.csv" in row[1] and "hubot" in row[1] for row in rows)

    # the previous good file comes back: the run passes, the bad row is nowhere
    file.write_text(GOOD_USAGE)
    assert main(["run", "ai_usage_files"]) == 0
    assert usage(warehouse) == good
    assert failed_validations(warehouse) == []

    # and the bad file, if it came back, is refused again (its digest was never remembered)
    file.write_text(BAD_USAGE)
    assert main(["run", "ai_usage_files"]) == 1
    assert usage(warehouse) == good
