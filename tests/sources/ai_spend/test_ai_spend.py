"""The AI spend source against scripted Anthropic and OpenAI billing APIs (FakeApi)."""

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
from ingestion.sources.ai_spend import NAME, SUITES, source
from tests.sources.ai_spend.payloads import (
    ANTHROPIC,
    ANTHROPIC_KEY,
    OPENAI,
    OPENAI_KEY,
    Scenario,
    a_bucket,
    a_line,
    o_bucket,
    o_line,
    unix,
)
from tests.support.fake_api import FakeApi

SCHEMA = "raw_ai_spend"


def run(api: FakeApi, scenario: Scenario | None = None, **kwargs: Any) -> LoadSummary:
    if scenario is not None:
        scenario.serve(api)
    args = {
        "anthropic_admin_key": ANTHROPIC_KEY,
        "openai_admin_key": OPENAI_KEY,
        "anthropic_base_url": api.url,
        "openai_base_url": api.url,
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


SONNET_IN = "claude-sonnet-4-20250514|standard|uncached_input_tokens|0-200k|"


def test_happy_path_loads_both_vendors_with_hand_checked_values(
    warehouse: Path, fake_api: FakeApi
) -> None:
    summary = run(fake_api, Scenario())

    assert {t: n for t, n in summary.row_counts.items() if n} == {
        "anthropic_costs": 4,
        "openai_costs": 3,
    }
    assert query(
        warehouse,
        "select day, vendor, workspace_id, description, cost_type, model, token_type, "
        f"amount_cents, currency, line_key from {SCHEMA}.anthropic_costs order by day, amount_cents",
    ) == [
        (date(2026, 1, 5), "anthropic", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Input Tokens",
         "tokens", "claude-sonnet-4-20250514", "uncached_input_tokens", Decimal("123.7891"), "USD",
         f"wrkspc_01Eng|Claude Sonnet 4 Usage - Input Tokens|tokens|{SONNET_IN}"),
        (date(2026, 1, 5), "anthropic", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Output Tokens",
         "tokens", "claude-sonnet-4-20250514", "output_tokens", Decimal("450.5000"), "USD",
         "wrkspc_01Eng|Claude Sonnet 4 Usage - Output Tokens|tokens|claude-sonnet-4-20250514|"
         "standard|output_tokens|0-200k|"),
        (date(2026, 1, 6), "anthropic", None, "Web Search", "web_search", None, None,
         Decimal("1000.0000"), "USD", "|Web Search|web_search|||||"),
        (date(2026, 1, 7), "anthropic", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Input Tokens",
         "tokens", "claude-sonnet-4-20250514", "uncached_input_tokens", Decimal("99.0100"), "USD",
         f"wrkspc_01Eng|Claude Sonnet 4 Usage - Input Tokens|tokens|{SONNET_IN}"),
    ]  # fmt: skip
    assert query(
        warehouse,
        "select day, vendor, project_id, line_item, amount, currency, line_key "
        f"from {SCHEMA}.openai_costs order by day, amount",
    ) == [
        (date(2026, 1, 5), "openai", "proj_abc", "gpt-4o, output", Decimal("0.0600"), "usd",
         "proj_abc|gpt-4o, output"),
        (date(2026, 1, 5), "openai", "proj_abc", "gpt-4o, input", Decimal("1.2500"), "usd",
         "proj_abc|gpt-4o, input"),
        (date(2026, 1, 7), "openai", None, None, Decimal("3.5000"), "usd", "|"),
    ]  # fmt: skip

    # documented parameters, auth headers and the cursor pagination
    a_calls = fake_api.hits(ANTHROPIC)
    assert len(a_calls) == 2
    assert a_calls[0].query == {
        "starting_at": ["2026-01-05T00:00:00Z"],
        "ending_at": ["2026-01-08T00:00:00Z"],
        "bucket_width": ["1d"],
        "group_by[]": ["workspace_id", "description"],
        "limit": ["31"],
    }
    assert a_calls[1].query["page"] == ["page_2"]
    assert all(r.headers["x-api-key"] == ANTHROPIC_KEY for r in a_calls)
    assert all(r.headers["anthropic-version"] == "2023-06-01" for r in a_calls)
    o_calls = fake_api.hits(OPENAI)
    assert o_calls[0].query == {
        "start_time": [str(unix("2026-01-05"))],
        "end_time": [str(unix("2026-01-08"))],
        "bucket_width": ["1d"],
        "group_by[]": ["project_id", "line_item"],
        "limit": ["180"],
    }
    assert o_calls[0].headers["Authorization"] == f"Bearer {OPENAI_KEY}"

    report = validate_tables(NAME, SUITES, db_path=warehouse, printer=lambda _: None)
    assert report.ok and report.checks_run == 12


def test_second_run_loads_nothing_and_restated_lines_are_merged(
    warehouse: Path, fake_api: FakeApi
) -> None:
    scenario = Scenario()
    run(fake_api, scenario)
    fake_api.requests.clear()

    assert run(fake_api, scenario).total_rows == 0
    assert fake_api.hits(ANTHROPIC)[0].query["starting_at"] == ["2026-01-04T00:00:00Z"]
    assert fake_api.hits(OPENAI)[0].query["start_time"] == [str(unix("2026-01-04"))]

    later = scenario.copy()
    later.anthropic_pages[1] = [
        a_bucket("2026-01-07", [a_line("150.00", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Input Tokens")]),
        a_bucket("2026-01-08", [a_line("10", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Input Tokens")]),
    ]  # fmt: skip
    later.openai_pages[0][2] = o_bucket("2026-01-07", [o_line(4.0, None, None)])
    summary = run(fake_api, later, end_date="2026-01-08")

    assert summary.row_counts == {"anthropic_costs": 2, "openai_costs": 1}
    assert counts(warehouse) == {"anthropic_costs": 5, "openai_costs": 3}
    assert query(
        warehouse,
        f"select day, amount_cents from {SCHEMA}.anthropic_costs where day >= '2026-01-07' "
        "order by day",
    ) == [(date(2026, 1, 7), Decimal("150.0000")), (date(2026, 1, 8), Decimal("10.0000"))]
    assert query(
        warehouse, f"select amount from {SCHEMA}.openai_costs where day = '2026-01-07'"
    ) == [(Decimal("4.0000"),)]


def test_only_the_configured_vendor_is_read(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    summary = run(fake_api, Scenario(), anthropic_admin_key=None)
    assert summary.tables == ["openai_costs"]
    assert not fake_api.hits(ANTHROPIC)

    with pytest.raises(Exception, match="no vendor configured"):
        source(anthropic_admin_key=None, openai_admin_key=None)


def test_keys_come_from_env(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", ANTHROPIC_KEY)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    summary = run(fake_api, Scenario(), anthropic_admin_key=None, openai_admin_key=None)
    assert summary.tables == ["anthropic_costs"]
    assert fake_api.hits(ANTHROPIC)[0].headers["x-api-key"] == ANTHROPIC_KEY


def test_malformed_cost_line_fails_the_run_and_loads_nothing(
    warehouse: Path, fake_api: FakeApi
) -> None:
    scenario = Scenario()
    scenario.anthropic_pages[1][0]["results"][0]["amount"] = "twelve"
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, scenario)
    message = str(caught.value)
    assert message.startswith("[ai_spend] malformed record in table 'anthropic_costs'")
    assert "2026-01-07" in message and "wrkspc_01Eng|Claude Sonnet 4 Usage" in message
    assert "field 'amount_cents' must be decimal but got 'twelve'" in message
    assert counts(warehouse) == {}


def test_openai_bucket_without_start_time_names_the_field(
    warehouse: Path, fake_api: FakeApi
) -> None:
    scenario = Scenario()
    scenario.openai_pages[0][1]["start_time"] = "yesterday"
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api, scenario)
    assert "'openai_costs'" in str(caught.value)
    assert "field 'start_time' must be Unix seconds but got 'yesterday'" in str(caught.value)


def test_http_error_never_shows_the_key(warehouse: Path, fake_api: FakeApi) -> None:
    scenario = Scenario()
    scenario.serve(fake_api)
    fake_api.routes.pop((OPENAI, None))
    fake_api.add(OPENAI, {"error": {"message": f"Incorrect API key {OPENAI_KEY}"}}, status=401)
    with pytest.raises(SourceError) as caught:
        run(fake_api)
    assert "HTTP 401" in str(caught.value) and OPENAI_KEY not in str(caught.value)
    assert counts(warehouse) == {}  # the Anthropic rows of the same run are not loaded either


def test_expectation_failure_names_table_column_and_rule(
    warehouse: Path, fake_api: FakeApi
) -> None:
    run(fake_api, Scenario())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {SCHEMA}.openai_costs (day, line_key, vendor, amount, currency, "
            "_dlt_load_id, _dlt_id) values ('2026-01-06', 'proj_eu|x', 'openai', 5, 'eur', "
            "'x', 'bad-row')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(
            NAME, SUITES, tables=["openai_costs"], db_path=warehouse, printer=lambda _: None
        )
    message = str(caught.value)
    assert "raw_ai_spend.openai_costs.currency: must be one of ['USD', 'usd']" in message
    assert "proj_eu|x" in message


def test_keys_come_from_secrets_toml(
    warehouse: Path, fake_api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.dlt_project import dlt_project

    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    Scenario().serve(fake_api)
    config = (
        f'[sources.ai_spend]\nanthropic_base_url = "{fake_api.url}"\n'
        f'openai_base_url = "{fake_api.url}"\n'
    )
    secrets = f'[sources.ai_spend]\nopenai_admin_key = "{OPENAI_KEY}"\n'
    with dlt_project(tmp_path / "project", monkeypatch, config=config, secrets=secrets):
        summary = run_source(
            NAME,
            source(start_date="2026-01-05", end_date="2026-01-07"),
            printer=lambda _: None,
        )
    assert summary.tables == ["openai_costs"]  # Anthropic has no key: not read
    assert fake_api.hits(OPENAI)[0].headers["Authorization"] == f"Bearer {OPENAI_KEY}"
    assert not fake_api.hits(ANTHROPIC)
