"""The Copilot source against a scripted GitHub (tests/support/fake_api.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.common.validation import validate_tables
from ingestion.sources.copilot import NAME, SUITES, source
from tests.sources.copilot.payloads import (
    LEGACY,
    ORG,
    REPORTS,
    SEATS,
    TOKEN,
    Scenario,
    org_report,
    seat,
    user_report,
)
from tests.support.fake_api import FakeApi

SCHEMA = "raw_copilot"


def run(api: FakeApi, scenario: Scenario | None = None, **kwargs: Any) -> LoadSummary:
    if scenario is not None:
        scenario.serve(api)
    args = {
        "org": ORG,
        "base_url": api.url,
        "token": TOKEN,
        "start_date": "2026-01-03",
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

    expected = {
        "organization_daily_reports": 2,
        "organization_daily_reports__totals_by_ide": 4,
        "organization_daily_reports__totals_by_feature": 2,
        "organization_daily_reports__totals_by_language_feature": 2,
        "organization_daily_reports__totals_by_language_model": 2,
        "organization_daily_reports__totals_by_model_feature": 2,
        "user_daily_reports": 4,
        "user_daily_reports__totals_by_ide": 4,
        "user_daily_reports__totals_by_feature": 4,
        "user_daily_reports__totals_by_language_feature": 4,
        "legacy_metrics": 2,
        "legacy_metrics__copilot_ide_code_completions__editors": 2,
        "legacy_metrics__copilot_ide_code_completions__editors__models": 2,
        "legacy_metrics__copilot_ide_code_completions__editors__models__languages": 4,
        "seats": 3,
    }
    assert {t: n for t, n in summary.row_counts.items() if n} == expected
    loaded = counts(warehouse)
    assert {t: n for t, n in loaded.items() if n} == expected

    org = query(
        warehouse,
        f"select day, daily_active_users, weekly_active_users, code_generation_activity_count, "
        f"code_acceptance_activity_count, loc_added_sum, pull_requests__total_created, "
        f"pull_requests__median_minutes_to_merge from {SCHEMA}.organization_daily_reports order by day",
    )
    assert org == [
        (date(2026, 1, 5), 3, 5, 50, 20, 80, 6, 95.5),
        (date(2026, 1, 6), 4, 6, 60, 30, 80, 6, 95.5),
    ]
    ides = query(
        warehouse,
        f"select parent.day, child.ide, child.code_generation_activity_count "
        f"from {SCHEMA}.organization_daily_reports__totals_by_ide child "
        f"join {SCHEMA}.organization_daily_reports parent on child._dlt_parent_id = parent._dlt_id "
        f"order by 1, 2",
    )
    assert ides == [
        (date(2026, 1, 5), "intellij", 2),
        (date(2026, 1, 5), "vscode", 48),
        (date(2026, 1, 6), "intellij", 2),
        (date(2026, 1, 6), "vscode", 58),
    ]
    users = query(
        warehouse,
        f"select day, user_login, user_id, code_generation_activity_count, code_acceptance_activity_count, "
        f"used_agent, used_chat from {SCHEMA}.user_daily_reports order by day, user_login",
    )
    assert users[0] == (date(2026, 1, 5), "hubot", 2, 20, 8, True, False)
    assert users[3] == (date(2026, 1, 6), "octocat", 1, 35, 20, True, False)
    languages = query(
        warehouse,
        f"select metrics.date, languages.name, languages.total_code_suggestions, "
        f"languages.total_code_acceptances, languages.total_code_lines_accepted "
        f"from {SCHEMA}.legacy_metrics__copilot_ide_code_completions__editors__models__languages languages "
        f"join {SCHEMA}.legacy_metrics__copilot_ide_code_completions__editors__models models "
        f"  on languages._dlt_parent_id = models._dlt_id "
        f"join {SCHEMA}.legacy_metrics__copilot_ide_code_completions__editors editors "
        f"  on models._dlt_parent_id = editors._dlt_id "
        f"join {SCHEMA}.legacy_metrics metrics on editors._dlt_parent_id = metrics._dlt_id "
        f"where languages.name = 'python' order by 1",
    )
    assert languages == [
        (date(2026, 1, 3), "python", 100, 40, 80),
        (date(2026, 1, 4), "python", 120, 50, 100),
    ]
    seats = query(
        warehouse,
        f"select assignee__login, assignee__id, assignee__type, assigning_team__slug, plan_type, "
        f"last_activity_at is null from {SCHEMA}.seats order by 1",
    )
    assert seats == [
        ("hubot", 2, "User", None, "business", False),
        ("idle-ian", 3, "User", None, "business", True),
        ("octocat", 1, "User", "platform", "business", False),
    ]
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{SCHEMA}' and table_name = 'seats'",
        )
    )
    assert types["last_activity_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["pending_cancellation_date"] == "DATE"

    # one report call per day from start to end; signed links fetched without the token
    org_calls = fake_api.hits(f"{REPORTS}/organization-1-day")
    assert [r.query["day"][0] for r in org_calls] == [f"2026-01-0{d}" for d in range(3, 8)]
    assert all(r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in org_calls)
    downloads = [r for r in fake_api.requests if r.path.startswith("/downloads/")]
    assert len(downloads) == 4
    assert all("Authorization" not in r.headers for r in downloads)
    assert fake_api.hits(LEGACY)[0].query["since"] == ["2026-01-03T00:00:00Z"]

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
    # the cursor day (last day with a report) is fetched again, earlier days are not
    days = [r.query["day"][0] for r in fake_api.hits(f"{REPORTS}/organization-1-day")]
    assert days == ["2026-01-06", "2026-01-07"]
    assert fake_api.hits(LEGACY)[0].query["since"] == ["2026-01-04T00:00:00Z"]


def test_new_day_and_late_updates_are_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    before = counts(warehouse)

    later = scenario.copy()
    # the cursor day's report was revised, a seat was active again, a new day arrived
    later.org_days["2026-01-06"] = [org_report("2026-01-06", 5, 70, 33)]
    later.user_days["2026-01-06"][0] = user_report("2026-01-06", "octocat", 1, 40, 25)
    later.seat_pages[1] = [seat("idle-ian", 3, "2026-01-07T09:00:00Z")]
    later.legacy_pages[1][0]["total_active_users"] = 7
    later.org_days["2026-01-07"] = [org_report("2026-01-07", 2, 10, 5)]
    later.empty_days = ()
    summary = run(fake_api, later, end_date="2026-01-07")

    assert summary.row_counts["organization_daily_reports"] == 2  # 06 revised + 07 new
    assert summary.row_counts["user_daily_reports"] == 2  # day 06 reloaded as a whole
    assert summary.row_counts["seats"] == 1  # only the changed seat
    assert summary.row_counts["legacy_metrics"] == 1
    after = counts(warehouse)
    assert after["organization_daily_reports"] == before["organization_daily_reports"] + 1
    assert (
        after["organization_daily_reports__totals_by_ide"]
        == before["organization_daily_reports__totals_by_ide"] + 2
    )
    assert after["user_daily_reports"] == before["user_daily_reports"]
    assert after["user_daily_reports__totals_by_ide"] == before["user_daily_reports__totals_by_ide"]
    assert after["seats"] == before["seats"]
    assert after["legacy_metrics"] == before["legacy_metrics"]
    legacy_children = "legacy_metrics__copilot_ide_code_completions__editors__models__languages"
    assert after[legacy_children] == before[legacy_children]

    assert query(
        warehouse,
        f"select daily_active_users, code_generation_activity_count from {SCHEMA}.organization_daily_reports "
        "where day = '2026-01-06'",
    ) == [(5, 70)]
    assert query(
        warehouse,
        f"select code_acceptance_activity_count from {SCHEMA}.user_daily_reports "
        "where day = '2026-01-06' and user_login = 'octocat'",
    ) == [(25,)]
    assert query(
        warehouse,
        f"select last_activity_at is not null from {SCHEMA}.seats where assignee__login = 'idle-ian'",
    ) == [(True,)]
    assert query(
        warehouse,
        f"select total_active_users from {SCHEMA}.legacy_metrics where date = '2026-01-04'",
    ) == [(7,)]


@pytest.mark.parametrize(
    ("bad_row", "field", "rule"),
    [
        (
            {"code_generation_activity_count": "lots"},
            "code_generation_activity_count",
            "must be bigint",
        ),
        ({"user_login": None}, "user_login", "is required but missing"),
    ],
)
def test_malformed_record_fails_the_run_and_loads_nothing(
    warehouse: Path, fake_api: FakeApi, bad_row: dict, field: str, rule: str
) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    before = counts(warehouse)

    broken = scenario.copy()
    broken.org_days["2026-01-07"] = [org_report("2026-01-07", 2, 10, 5)]
    broken.user_days["2026-01-07"] = [
        user_report("2026-01-07", "hubot", 2, 5, 1),
        {**user_report("2026-01-07", "octocat", 1, 5, 1), **bad_row},
    ]
    broken.empty_days = ()
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, broken)
    message = str(caught.value)
    assert "[copilot]" in message and "user_daily_reports" in message
    assert field in message and rule in message and "2026-01-07" in message
    assert counts(warehouse) == before  # nothing from the failed run, not even day 07's org report

    fixed = scenario.copy()
    fixed.org_days["2026-01-07"] = broken.org_days["2026-01-07"]
    fixed.user_days["2026-01-07"] = [user_report("2026-01-07", "octocat", 1, 5, 1)]
    fixed.empty_days = ()
    summary = run(fake_api, fixed)
    assert summary.row_counts["organization_daily_reports"] == 1
    assert summary.row_counts["user_daily_reports"] == 1
    assert counts(warehouse)["user_daily_reports"] == before["user_daily_reports"] + 1


def test_malformed_breakdown_names_parent_key(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.org_days["2026-01-05"][0]["totals_by_ide"][1]["code_acceptance_activity_count"] = "n/a"
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, scenario)
    message = str(caught.value)
    assert "organization_daily_reports__totals_by_ide" in message
    assert (
        "2026-01-05" in message
        and "intellij" in message
        and "code_acceptance_activity_count" in message
    )
    assert counts(warehouse) == {}


def test_rate_limit_is_waited_out_and_retried(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.serve(fake_api)
    seats_first_page = fake_api.routes[(SEATS, None)]
    seats_first_page.insert(0, _answer(429, {"message": "rate limited"}, {"Retry-After": "0"}))
    legacy_first = fake_api.routes[(LEGACY, None)]
    legacy_first.insert(
        0,
        _answer(
            403,
            {"message": "API rate limit exceeded"},
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"},
        ),
    )

    summary = run(fake_api)

    assert summary.row_counts["seats"] == 3
    assert summary.row_counts["legacy_metrics"] == 2
    assert len([r for r in fake_api.hits(SEATS) if "page" not in r.query]) == 2
    assert len([r for r in fake_api.hits(LEGACY) if "page" not in r.query]) == 2


def _answer(status: int, body: Any, headers: dict[str, str]) -> Any:
    import json

    from tests.support.fake_api import Answer

    return Answer(status, json.dumps(body).encode(), headers)


def test_non_json_api_page_fails_with_source_error(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.serve(fake_api)
    fake_api.routes[(SEATS, None)] = []
    fake_api.add(SEATS, raw=f"<html>502 Bad Gateway {TOKEN}</html>")

    with pytest.raises(SourceError) as caught:
        run(fake_api)
    message = str(caught.value)
    assert "[copilot]" in message and SEATS in message and "not valid JSON" in message
    assert TOKEN not in message
    assert counts(warehouse) == {}


def test_non_json_report_file_fails_with_source_error(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.raw_files[("users", "2026-01-06")] = (
        '{"day": "2026-01-06", "user_login": "octocat"}\n{not json\n'
    )
    with pytest.raises(SourceError) as caught:
        run(fake_api, scenario)
    message = str(caught.value)
    assert (
        "users-1-day" in message
        and "2026-01-06" in message
        and "line 2 is not valid JSON" in message
    )
    assert "sig=" not in message  # the signed part of the link is not printed


def test_expectation_failure_names_table_column_and_rule(
    warehouse: Path, fake_api: FakeApi
) -> None:
    run(fake_api, Scenario())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {SCHEMA}.user_daily_reports (day, user_login, code_generation_activity_count, "
            "code_acceptance_activity_count, _dlt_load_id, _dlt_id) "
            "values ('2026-01-06', 'cheater', 5, 9, 'x', 'bad-row')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(
            NAME, SUITES, tables=["user_daily_reports"], db_path=warehouse, printer=lambda _: None
        )
    message = str(caught.value)
    assert "raw_copilot.user_daily_reports" in message
    assert "code_generation_activity_count,code_acceptance_activity_count" in message
    assert "must be >=" in message and "cheater" in message


def test_token_comes_from_env_and_never_reaches_tables_or_errors(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    scenario = Scenario()
    run(fake_api, scenario, token=None)
    assert fake_api.hits(SEATS)[0].headers.get("Authorization") == f"Bearer {TOKEN}"

    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = ? and data_type = 'VARCHAR'",
            [SCHEMA],
        ).fetchall()
        for table, column in columns:
            hits = con.execute(
                f'select count(*) from {SCHEMA}."{table}" where "{column}" like ?', [f"%{TOKEN}%"]
            ).fetchone()[0]
            assert hits == 0, (table, column)

    fake_api.routes[(LEGACY, None)] = []
    fake_api.add(LEGACY, {"message": f"Bad credentials {TOKEN}"}, status=401)
    with pytest.raises(SourceError) as caught:
        run(fake_api, token=None)
    assert "HTTP 401" in str(caught.value) and TOKEN not in str(caught.value)


def test_missing_legacy_endpoint_is_skipped(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario(legacy_pages=[])
    scenario.serve(fake_api)
    fake_api.routes.pop((LEGACY, None), None)
    summary = run(fake_api)
    assert "legacy_metrics" not in summary.tables
    assert summary.row_counts["organization_daily_reports"] == 2
