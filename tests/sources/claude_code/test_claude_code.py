"""The Claude Code source against a scripted Anthropic Admin API (tests/support/fake_api.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.common.validation import validate_tables
from ingestion.sources.claude_code import NAME, SUITES, source
from tests.sources.claude_code.payloads import (
    API_KEY,
    REPORT,
    Scenario,
    model,
    tools,
    user_record,
)
from tests.support.fake_api import FakeApi

SCHEMA = "raw_claude_code"
CHILD = "daily_usage__model_breakdown"


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


def test_happy_path_loads_users_api_keys_and_model_breakdowns(
    warehouse: Path, fake_api: FakeApi
) -> None:
    summary = run(fake_api, Scenario())

    assert {t: n for t, n in summary.row_counts.items() if n} == {"daily_usage": 4, CHILD: 5}
    assert counts(warehouse) == {"daily_usage": 4, CHILD: 5}
    assert query(
        warehouse,
        "select date, actor_type, actor_id, actor_email_address, actor_api_key_name, "
        "terminal_type, num_sessions, lines_added, lines_removed, commits_by_claude_code, "
        "pull_requests_by_claude_code, edit_tool_accepted, edit_tool_rejected, "
        "multi_edit_tool_accepted, notebook_edit_tool_rejected, write_tool_accepted, "
        f"write_tool_rejected, customer_type from {SCHEMA}.daily_usage order by date, actor_id",
    ) == [
        (date(2026, 1, 5), "user_actor", "ana@acme.test", "ana@acme.test", None, "vscode",
         15, 342, 128, 8, 2, 25, 3, 12, 2, 8, 0, "api"),
        (date(2026, 1, 5), "api_actor", "ci-bot", None, "ci-bot", "",
         3, 10, 2, 0, 0, 1, 0, 0, 0, 2, 1, "api"),
        (date(2026, 1, 6), "user_actor", "ana@acme.test", "ana@acme.test", None, "vscode",
         4, 50, 10, 1, 0, 4, 1, 0, 0, 1, 0, "api"),
        (date(2026, 1, 7), "user_actor", "Bo@Acme.test", "Bo@Acme.test", None, "iTerm.app",
         2, 20, 0, 0, 0, 25, 3, 12, 2, 8, 0, "api"),
    ]  # fmt: skip
    assert query(
        warehouse,
        "select p.date, p.actor_id, c.model, c.input_tokens, c.output_tokens, "
        "c.cache_creation_tokens, c.cache_read_tokens, c.estimated_cost_amount, "
        f"c.estimated_cost_currency from {SCHEMA}.{CHILD} c "
        f"join {SCHEMA}.daily_usage p on c._dlt_parent_id = p._dlt_id "
        "where p.date = '2026-01-05' order by p.actor_id, c.model",
    ) == [
        (date(2026, 1, 5), "ana@acme.test", "claude-3-5-haiku-20241022",
         23100, 5680, 890, 3420, Decimal("42.0000"), "USD"),
        (date(2026, 1, 5), "ana@acme.test", "claude-sonnet-4-20250514",
         45230, 12450, 2340, 8790, Decimal("186.0000"), "USD"),
        (date(2026, 1, 5), "ci-bot", "claude-3-5-haiku-20241022",
         23100, 5680, 890, 3420, Decimal("42.0000"), "USD"),
    ]  # fmt: skip

    # one call per day, the documented limit, the next page by its cursor
    calls = fake_api.hits(REPORT)
    assert [(r.query["starting_at"][0], r.query.get("page")) for r in calls] == [
        ("2026-01-05", None),
        ("2026-01-05", ["page_2026-01-05_2"]),
        ("2026-01-06", None),
        ("2026-01-07", None),
    ]
    assert all(r.query["limit"] == ["1000"] for r in calls)
    assert all(r.headers.get("x-api-key") == API_KEY for r in calls)
    assert all(r.headers.get("anthropic-version") == "2023-06-01" for r in calls)

    report = validate_tables(NAME, SUITES, db_path=warehouse, printer=lambda _: None)
    assert report.ok and report.checks_run > 15


def test_second_run_without_new_data_loads_nothing(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    before = counts(warehouse)
    fake_api.requests.clear()

    summary = run(fake_api, scenario)

    assert summary.total_rows == 0
    assert counts(warehouse) == before
    days = sorted({r.query["starting_at"][0] for r in fake_api.hits(REPORT)})
    assert days == ["2026-01-04", "2026-01-05", "2026-01-06", "2026-01-07"]  # lookback 3


def test_restated_day_and_new_day_are_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    run(fake_api, scenario)

    later = scenario.copy()
    later.days["2026-01-06"] = [
        [
            user_record(
                "2026-01-06",
                "ana@acme.test",
                5,
                60,
                12,
                tool_actions=tools((5, 1), (0, 0), (0, 0), (1, 0)),
                models=[
                    model("claude-sonnet-4-20250514", 200, (50000, 13000, 2500, 9000)),
                    model("claude-opus-4-20250514", 900, (1000, 800, 0, 0)),
                ],
            )
        ]
    ]
    later.days["2026-01-08"] = [[user_record("2026-01-08", "ana@acme.test", 1, 5, 1)]]
    summary = run(fake_api, later, end_date="2026-01-08")

    assert summary.row_counts == {"daily_usage": 2, CHILD: 3}
    assert counts(warehouse) == {"daily_usage": 5, CHILD: 7}  # day 06: 1 model -> 2, +1 new
    assert query(
        warehouse,
        f"select num_sessions, lines_added, edit_tool_accepted from {SCHEMA}.daily_usage "
        "where date = '2026-01-06'",
    ) == [(5, 60, 5)]
    assert query(
        warehouse,
        f"select c.model, c.estimated_cost_amount from {SCHEMA}.{CHILD} c "
        f"join {SCHEMA}.daily_usage p on c._dlt_parent_id = p._dlt_id "
        "where p.date = '2026-01-06' order by c.model",
    ) == [
        ("claude-opus-4-20250514", Decimal("900.0000")),
        ("claude-sonnet-4-20250514", Decimal("200.0000")),
    ]


def test_malformed_model_breakdown_fails_the_run_naming_the_parent_key(
    warehouse: Path, fake_api: FakeApi
) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    before = counts(warehouse)

    broken = scenario.copy()
    broken.days["2026-01-07"][0][0]["model_breakdown"][0]["tokens"]["input"] = "many"
    broken.days["2026-01-06"][0][0]["core_metrics"]["num_sessions"] = 40  # would load
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, broken)
    message = str(caught.value)
    assert message.startswith(
        "[claude_code] malformed record in table 'daily_usage__model_breakdown'"
    )
    assert "('2026-01-07', 'user_actor', 'Bo@Acme.test', 'iTerm.app')" in message
    assert "'claude-sonnet-4-20250514'" in message
    assert "field 'input_tokens' must be bigint but got 'many'" in message
    assert counts(warehouse) == before
    assert query(
        warehouse, f"select num_sessions from {SCHEMA}.daily_usage where date = '2026-01-06'"
    ) == [(4,)]


def test_record_without_actor_names_the_field(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.days["2026-01-06"][0][0]["actor"] = {"type": "user_actor"}
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, scenario)
    assert "'daily_usage'" in str(caught.value)
    assert "field 'actor_id' is required but missing" in str(caught.value)
    assert counts(warehouse) == {}


def test_admin_key_comes_from_env_and_never_reaches_errors(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", API_KEY)
    run(fake_api, Scenario(), api_key=None)
    assert fake_api.hits(REPORT)[0].headers["x-api-key"] == API_KEY

    fake_api.routes.clear()
    fake_api.add(
        REPORT,
        {"type": "error", "error": {"type": "authentication_error", "message": API_KEY}},
        status=401,
    )
    with pytest.raises(SourceError) as caught:
        run(fake_api, api_key=None, end_date="2026-01-09")
    assert "HTTP 401" in str(caught.value) and API_KEY not in str(caught.value)


def test_missing_key_is_a_source_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)
    monkeypatch.delenv("SOURCES__CLAUDE_CODE__API_KEY", raising=False)
    with pytest.raises(Exception, match="ANTHROPIC_ADMIN_KEY"):
        source(api_key=None, base_url="http://127.0.0.1:9")


def test_page_without_data_list_fails_with_source_error(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.serve(fake_api)
    fake_api.add(
        REPORT, {"data": {"oops": 1}, "has_more": False}, query="starting_at=2026-01-06&limit=1000"
    )
    fake_api.routes[(REPORT, "starting_at=2026-01-06&limit=1000")].pop(0)
    with pytest.raises(SourceError) as caught:
        run(fake_api)
    assert "[claude_code]" in str(caught.value) and "`data` is not a list" in str(caught.value)
    assert "2026-01-06" in str(caught.value)
    assert counts(warehouse) == {}


def test_expectation_failure_names_table_column_and_rule(
    warehouse: Path, fake_api: FakeApi
) -> None:
    run(fake_api, Scenario())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {SCHEMA}.daily_usage (date, actor_type, actor_id, terminal_type, "
            "lines_added, _dlt_load_id, _dlt_id) "
            "values ('2026-01-06', 'user_actor', 'neg@acme.test', '', -5, 'x', 'bad-row')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(
            NAME, SUITES, tables=["daily_usage"], db_path=warehouse, printer=lambda _: None
        )
    message = str(caught.value)
    assert "raw_claude_code.daily_usage.lines_added: must be between 0 and None" in message
    assert "neg@acme.test" in message
