"""The Cursor source against a scripted Cursor Admin API (tests/support/fake_api.py)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.common.validation import validate_tables
from ingestion.sources.cursor import NAME, SUITES, source
from tests.sources.cursor.payloads import (
    API_KEY,
    COMMITS,
    MEMBERS,
    SPEND,
    USAGE,
    Scenario,
    ms,
    spend,
    usage,
)
from tests.support.fake_api import FakeApi

SCHEMA = "raw_cursor"


def run(api: FakeApi, scenario: Scenario | None = None, **kwargs: Any) -> LoadSummary:
    if scenario is not None:
        scenario.serve(api)
    args = {
        "api_key": API_KEY,
        "base_url": api.url,
        "start_date": "2026-01-05",
        "end_date": "2026-01-07",
    }
    args.update(kwargs)
    return run_source(NAME, source(**args), printer=lambda _: None)


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "and table_name not like '_dlt%'",
                [SCHEMA],
            ).fetchall()
        ]
        return {
            t: con.execute(f'select count(*) from {SCHEMA}."{t}"').fetchone()[0] for t in tables
        }


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_happy_path_loads_every_table_with_hand_checked_values(
    warehouse: Path, fake_api: FakeApi
) -> None:
    summary = run(fake_api, Scenario())

    expected = {"members": 3, "daily_usage": 4, "spend": 3}
    assert {t: n for t, n in summary.row_counts.items() if n} == expected
    assert counts(warehouse) == expected

    assert query(
        warehouse,
        f"select day, email, user_id, is_active, total_tabs_shown, total_tabs_accepted, "
        f"accepted_lines_added, total_accepts, total_rejects, chat_requests, agent_requests, "
        f"most_used_model from {SCHEMA}.daily_usage order by day, email",
    ) == [
        (
            date(2026, 1, 5),
            "ana@acme.test",
            "user_ana",
            True,
            100,
            40,
            120,
            8,
            2,
            5,
            4,
            "claude-4-sonnet",
        ),
        (
            date(2026, 1, 5),
            "bo@acme.test",
            "user_bo",
            True,
            50,
            10,
            120,
            8,
            2,
            5,
            4,
            "claude-4-sonnet",
        ),
        (
            date(2026, 1, 6),
            "ana@acme.test",
            "user_ana",
            True,
            120,
            60,
            120,
            8,
            2,
            5,
            4,
            "claude-4-sonnet",
        ),
        (
            date(2026, 1, 7),
            "bo@acme.test",
            "user_bo",
            True,
            80,
            30,
            120,
            8,
            2,
            5,
            4,
            "claude-4-sonnet",
        ),
    ]
    assert query(
        warehouse, f"select email, id, role, is_removed from {SCHEMA}.members order by email"
    ) == [
        ("ana@acme.test", 1, "member", False),
        ("bo@acme.test", 2, "owner", False),
        ("cy@acme.test", 3, "member", True),
    ]
    assert query(
        warehouse,
        f"select cycle_start, email, spend_cents, fast_premium_requests, "
        f"hard_limit_override_dollars from {SCHEMA}.spend order by email",
    ) == [
        (date(2026, 1, 1), "ana@acme.test", Decimal("1250.0000"), 30, Decimal("100.0000")),
        (date(2026, 1, 1), "bo@acme.test", Decimal("400.0000"), 5, None),
        (date(2026, 1, 1), "cy@acme.test", Decimal("0.0000"), 0, None),
    ]

    # the documented request: POST with epoch-millisecond bounds, Basic auth with the key
    calls = fake_api.hits(USAGE)
    assert len(calls) == 1 and calls[0].method == "POST"
    assert calls[0].body == {"startDate": ms("2026-01-05"), "endDate": ms("2026-01-08") - 1}
    expected_auth = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert all(r.headers.get("Authorization") == expected_auth for r in fake_api.requests)
    assert [r.body for r in fake_api.hits(SPEND)] == [
        {"page": 1, "pageSize": 100},
        {"page": 2, "pageSize": 100},
    ]
    assert not fake_api.hits(COMMITS)  # AI code tracking is off by default

    report = validate_tables(NAME, SUITES, db_path=warehouse, printer=lambda _: None)
    assert report.ok and report.checks_run > 20


def test_second_run_without_new_data_loads_nothing(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    before = counts(warehouse)
    fake_api.requests.clear()

    summary = run(fake_api, scenario)

    assert summary.total_rows == 0
    assert counts(warehouse) == before
    # the lookback window (3 days before the last day read) is asked again
    assert fake_api.hits(USAGE)[0].body["startDate"] == ms("2026-01-04")


def test_new_day_and_restated_days_are_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    run(fake_api, scenario)

    later = scenario.copy()
    later.usage[1] = usage("2026-01-06", "ana@acme.test", 130, 70)  # restated
    later.usage.append(usage("2026-01-08", "bo@acme.test", 10, 5))  # new day
    later.spend_pages[0][0] = spend("ana@acme.test", 1900, 41, 100.0)  # spend grew
    summary = run(fake_api, later, end_date="2026-01-08")

    assert summary.row_counts == {"daily_usage": 2, "spend": 1}
    assert counts(warehouse) == {"members": 3, "daily_usage": 5, "spend": 3}
    assert query(
        warehouse,
        f"select total_tabs_shown, total_tabs_accepted from {SCHEMA}.daily_usage "
        "where day = '2026-01-06' and email = 'ana@acme.test'",
    ) == [(130, 70)]
    assert query(
        warehouse, f"select spend_cents from {SCHEMA}.spend where email = 'ana@acme.test'"
    ) == [(Decimal("1900.0000"),)]


def test_malformed_record_fails_the_run_and_loads_nothing(
    warehouse: Path, fake_api: FakeApi
) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    before = counts(warehouse)

    broken = scenario.copy()
    broken.usage.append(usage("2026-01-07", "ana@acme.test", 10, 5, totalTabsShown="lots"))
    broken.spend_pages[0][0] = spend("ana@acme.test", 9999, 99)  # would be loaded otherwise
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, broken)
    message = str(caught.value)
    assert message.startswith("[cursor] malformed record in table 'daily_usage'")
    assert "('2026-01-07', 'ana@acme.test')" in message
    assert "field 'total_tabs_shown' must be bigint but got 'lots'" in message
    assert counts(warehouse) == before
    assert query(
        warehouse, f"select spend_cents from {SCHEMA}.spend where email = 'ana@acme.test'"
    ) == [(Decimal("1250.0000"),)]


def test_usage_without_a_date_names_the_field(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.usage[0]["date"] = "yesterday"
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, scenario)
    assert "field 'date' must be epoch milliseconds or an ISO date" in str(caught.value)
    assert counts(warehouse) == {}


def test_ai_code_commits_are_loaded_when_enabled(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    summary = run(fake_api, scenario, ai_code_tracking=True)

    assert summary.row_counts["ai_code_commits"] == 2
    assert query(
        warehouse,
        f"select commit_hash, user_email, total_lines_added, tab_lines_added, "
        f"composer_lines_added, non_ai_lines_added, commit_ts from {SCHEMA}.ai_code_commits "
        "order by commit_hash",
    ) == [
        ("a1b2c3", "ana@acme.test", 50, 20, 25, 5, datetime(2026, 1, 5, 10, tzinfo=UTC)),
        ("d4e5f6", "bo@acme.test", 30, 0, 10, 20, datetime(2026, 1, 6, 15, 30, tzinfo=UTC)),
    ]
    call = fake_api.hits(COMMITS)[0]
    assert call.query["startDate"] == ["2026-01-05"] and call.query["endDate"] == ["2026-01-07"]
    assert call.query["pageSize"] == ["1000"]

    fake_api.requests.clear()
    assert run(fake_api, scenario, ai_code_tracking=True).total_rows == 0


def test_ai_code_tracking_not_in_plan_is_skipped(
    warehouse: Path, fake_api: FakeApi, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = Scenario()
    scenario.serve(fake_api)
    fake_api.routes.pop((COMMITS, None))
    fake_api.add(COMMITS, {"error": "Enterprise only"}, status=403)
    summary = run_source(
        NAME,
        source(
            api_key=API_KEY,
            base_url=fake_api.url,
            start_date="2026-01-05",
            end_date="2026-01-07",
            ai_code_tracking=True,
        ),
        printer=lambda _: None,
    )
    assert "ai_code_commits" not in summary.tables
    assert summary.row_counts["daily_usage"] == 4
    # the source's progress lines go to stdout
    assert "/analytics/ai-code/commits: not available (HTTP 403" in capsys.readouterr().out


def test_key_comes_from_env_and_never_reaches_errors(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CURSOR_API_KEY", API_KEY)
    scenario = Scenario()
    run(fake_api, scenario, api_key=None)
    assert fake_api.hits(MEMBERS)[0].headers["Authorization"].startswith("Basic ")

    fake_api.routes.pop((MEMBERS, None))
    fake_api.add(MEMBERS, {"error": f"invalid key {API_KEY}"}, status=401)
    with pytest.raises(SourceError) as caught:
        run(fake_api, api_key=None)
    assert "HTTP 401" in str(caught.value) and API_KEY not in str(caught.value)


def test_missing_key_is_a_source_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CURSOR_API_KEY", raising=False)
    monkeypatch.delenv("SOURCES__CURSOR__API_KEY", raising=False)
    with pytest.raises(Exception, match="CURSOR_API_KEY"):
        source(api_key=None, base_url="http://127.0.0.1:9")


def test_non_json_page_fails_with_source_error(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.serve(fake_api)
    fake_api.routes.pop((USAGE, None))
    fake_api.add(USAGE, raw="<html>502 Bad Gateway</html>")
    with pytest.raises(SourceError) as caught:
        run(fake_api)
    assert "[cursor]" in str(caught.value) and USAGE in str(caught.value)
    assert "not valid JSON" in str(caught.value)
    assert counts(warehouse) == {}


def test_expectation_failure_names_table_column_and_rule(
    warehouse: Path, fake_api: FakeApi
) -> None:
    run(fake_api, Scenario())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {SCHEMA}.daily_usage (day, email, total_tabs_shown, "
            "total_tabs_accepted, _dlt_load_id, _dlt_id) "
            "values ('2026-01-06', 'cheater@acme.test', 5, 9, 'x', 'bad-row')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(
            NAME, SUITES, tables=["daily_usage"], db_path=warehouse, printer=lambda _: None
        )
    message = str(caught.value)
    assert "raw_cursor.daily_usage.total_tabs_shown,total_tabs_accepted" in message
    assert "must be >=" in message and "cheater@acme.test" in message


def test_key_and_settings_come_from_the_dlt_project(
    warehouse: Path, fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.dlt_project import dlt_project

    monkeypatch.delenv("CURSOR_API_KEY", raising=False)
    Scenario().serve(fake_api)
    config = f'[sources.cursor]\nbase_url = "{fake_api.url}"\nstart_date = "2026-01-05"\n'
    secrets = f'[sources.cursor]\napi_key = "{API_KEY}"\n'
    with dlt_project(tmp_path / "project", monkeypatch, config=config, secrets=secrets):
        summary = run_source(NAME, source(end_date="2026-01-07"), printer=lambda _: None)
    assert summary.row_counts["daily_usage"] == 4
    expected_auth = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
    assert fake_api.hits(MEMBERS)[0].headers["Authorization"] == expected_auth
