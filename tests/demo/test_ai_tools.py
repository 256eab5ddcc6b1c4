"""The demo's Cursor, Claude Code and AI-spend APIs (ingestion/demo/ai_tools.py): the
figures they serve add up to the usage and invoices the generator writes, the server pages
them in the vendors' shapes, and the real sources load them."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from ingestion.demo.ai_tools import _split
from ingestion.demo.generator import generate
from ingestion.demo.server import ServerHandle, serve
from ingestion.demo_job import demo_source_configs

SMALL = {"teams": 3, "team_size": (5, 7), "months": 5}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("demo_ai")
    return root, generate(root, seed=42, **SMALL)


@pytest.fixture(scope="module")
def api(world: tuple[Path, dict[str, Any]]) -> Iterator[ServerHandle]:
    with serve(world[0]) as handle:
        yield handle


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_split_keeps_the_total_and_gives_remainders_to_the_largest_fractions() -> None:
    # 10 by 1:1:1 -> 3.33 each: 3, 3, 3 and the remaining unit to the first (ties by order)
    assert _split(10, [1, 1, 1]) == [4, 3, 3]
    # 7 by 1:2:4 -> 1, 2, 4 exactly
    assert _split(7, [1, 2, 4]) == [1, 2, 4]
    # 5 by 3:1 -> 3.75 / 1.25: floors 3 / 1, the remaining unit to 3.75 (fraction .75)
    assert _split(5, [3, 1]) == [4, 1]
    assert _split(0, [2, 5]) == [0, 0]


def test_cursor_member_days_add_up_to_the_team_days(world: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = world
    rows = read_jsonl(root / "api/cursor/daily_usage.jsonl")
    assert rows and not (root / "ai_usage/cursor_usage.csv").exists()
    members = json.loads((root / "api/cursor/members.json").read_text())["teamMembers"]
    emails = {m["email"] for m in members}
    assert {r["email"] for r in rows} <= emails
    per_day: dict[int, int] = defaultdict(int)
    for row in rows:
        assert row["totalTabsAccepted"] <= row["totalTabsShown"]
        assert row["acceptedLinesAdded"] <= row["totalLinesAdded"]
        per_day[row["date"]] += 1
    # every active day has at least one member, never more than the team
    assert min(per_day.values()) >= 1 and max(per_day.values()) <= len(members)
    assert manifest["ai_tool_apis"]["cursor_usage_rows"] == len(rows)


def test_cursor_spend_is_the_last_months_usage_cost_and_its_invoice_is_left_out(
    world: tuple[Path, dict[str, Any]],
) -> None:
    root, manifest = world
    summary = manifest["ai_tool_apis"]
    spend = json.loads((root / "api/cursor/spend.json").read_text())
    cycle = date.fromisoformat(summary["cursor_cycle_start"])
    assert cycle == date.fromisoformat(manifest["history"]["end_date"]).replace(day=1)
    assert datetime.fromtimestamp(spend["subscriptionCycleStart"] / 1000, UTC).date() == cycle
    cents = sum(m["spendCents"] for m in spend["teamMemberSpend"])
    assert cents == round(summary["cursor_cycle_spend_usd"] * 100) > 0
    invoices = read_csv(root / "files/ai_costs.csv")
    cursor = {i["month"] for i in invoices if i["tool"] == "cursor"}
    assert cycle.isoformat() not in cursor and cursor  # earlier months are invoiced


def test_claude_code_records_carry_the_usage_files_figures(
    world: tuple[Path, dict[str, Any]],
) -> None:
    root, _ = world
    records = read_jsonl(root / "api/claude_code/usage.jsonl")
    usage = read_csv(root / "ai_usage/claude_code_usage.csv")
    assert len(records) == len(usage) > 0
    identity = {r["identity"]: r["login"] for r in read_csv(root / "files/identity_map.csv")}
    by_key = {(u["usage_date"], u["user_login"]): u for u in usage}
    for record in records:
        row = by_key[(record["date"][:10], identity[record["actor"]["email_address"]])]
        edit = record["tool_actions"]["edit_tool"]
        assert edit["accepted"] == int(row["suggestions_accepted"])
        assert edit["accepted"] + edit["rejected"] == int(row["suggestions_shown"])
        assert record["core_metrics"]["lines_of_code"]["added"] == int(row["lines_accepted"])
        (model,) = record["model_breakdown"]
        assert model["estimated_cost"]["amount"] == round(float(row["cost_usd"]) * 100)
        assert sum(model["tokens"].values()) == int(row["tokens"])


def test_anthropic_invoices_cover_the_cost_report_and_openai_has_none(
    world: tuple[Path, dict[str, Any]],
) -> None:
    root, manifest = world
    invoices = read_csv(root / "files/ai_costs.csv")
    invoiced: dict[str, float] = defaultdict(float)
    for invoice in invoices:
        if invoice["vendor"] == "Anthropic":
            invoiced[invoice["month"]] += float(invoice["amount"])
    assert not [i for i in invoices if i["vendor"].lower().startswith("openai")]
    report: dict[str, int] = defaultdict(int)
    for bucket in read_jsonl(root / "api/ai_spend/anthropic_cost_report.jsonl"):
        month = bucket["starting_at"][:7] + "-01"
        report[month] += sum(round(float(r["amount"])) for r in bucket["results"])
    assert report.keys() == invoiced.keys()
    for month, cents in report.items():
        assert round(invoiced[month] * 100) == cents, month
    openai = manifest["ai_tool_apis"]["api_spend_usd"]["openai"]
    buckets = read_jsonl(root / "api/ai_spend/openai_costs.jsonl")
    total = sum(round(r["amount"]["value"] * 100) for b in buckets for r in b["results"])
    assert total == round(sum(openai.values()) * 100) > 0


def test_server_pages_the_vendors_shapes(
    api: ServerHandle, world: tuple[Path, dict[str, Any]]
) -> None:
    root, _ = world
    members = requests.get(f"{api.cursor_url}/teams/members", timeout=10).json()
    assert members["teamMembers"]
    spend = requests.post(
        f"{api.cursor_url}/teams/spend", json={"page": 1, "pageSize": 2}, timeout=10
    ).json()
    assert len(spend["teamMemberSpend"]) <= 2 and spend["totalPages"] >= 1
    buckets = read_jsonl(root / "api/ai_spend/anthropic_cost_report.jsonl")
    first, last = buckets[0]["starting_at"], buckets[-1]["ending_at"]
    seen, page = [], None
    while True:
        params = {"starting_at": first, "ending_at": last, "limit": 31}
        if page:
            params["page"] = page
        answer = requests.get(
            f"{api.anthropic_url}/v1/organizations/cost_report", params=params, timeout=10
        ).json()
        assert len(answer["data"]) <= 31
        seen.extend(b["starting_at"] for b in answer["data"])
        if not answer["has_more"]:
            break
        page = answer["next_page"]
    assert seen == [b["starting_at"] for b in buckets]
    missing = requests.get(f"{api.openai_url}/v1/nothing", timeout=10)
    assert missing.status_code == 404


def test_the_real_sources_load_the_demo_apis(
    api: ServerHandle,
    world: tuple[Path, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ingestion.orchestrate import ingest_many

    monkeypatch.setenv("AI_ROI_PIPELINES_DIR", str(tmp_path / "pipelines"))
    root, manifest = world
    configs = demo_source_configs(api, root, manifest)
    db = tmp_path / "wh.duckdb"
    wanted = {name: configs[name] for name in ("cursor", "claude_code", "ai_spend")}
    ingest_many(wanted, db_path=db, printer=lambda _: None)
    connection = duckdb.connect(str(db), read_only=True)
    try:
        count = connection.sql("select count(*) from raw_cursor.daily_usage").fetchone()
        assert count == (manifest["ai_tool_apis"]["cursor_usage_rows"],)
        count = connection.sql("select count(*) from raw_claude_code.daily_usage").fetchone()
        assert count == (manifest["ai_tool_apis"]["claude_code_records"],)
        openai = connection.sql("select sum(amount) from raw_ai_spend.openai_costs").fetchone()
        expected = sum(manifest["ai_tool_apis"]["api_spend_usd"]["openai"].values())
        assert float(openai[0]) == pytest.approx(expected, abs=0.005)
    finally:
        connection.close()
