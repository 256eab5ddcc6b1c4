"""The demo's native AI-tool and AI-spend APIs: Cursor Admin API, Claude Code Analytics,
the Anthropic cost report and OpenAI organization costs, in the vendors' documented shapes.

`write_ai_tool_apis` turns the demo's Cursor team-days and Claude Code person-days
(ingestion/demo/copilot.py `generate_ai_usage`) into the records those APIs answer, and adds
the API spend (Anthropic and OpenAI cost reports), under `api/cursor/`, `api/claude_code/`
and `api/ai_spend/`. `AiToolsApi` answers the requests of the `cursor`, `claude_code` and
`ai_spend` sources from those files (ingestion/demo/server.py routes `/cursor/...`,
`/anthropic/...` and `/openai/...` to it).

What the demo shows with them (ingestion/demo/README.md):
- the Cursor team's usage per member and day (the team-day figures split over the members
  active that day) and Claude Code's per user and day, so fct_ai_usage_team_daily reads
  them from the native sources (the Claude Code usage file stays: its rows are dropped
  where the native telemetry has the same person and day);
- the Anthropic cost report: Claude Code's cost in workspace `wrkspc_claude_code` and a
  small API product in the default workspace; the Anthropic usage invoices of the drop
  folder cover both, so the TCO uses the invoices and reconciles them against the report;
- OpenAI costs (a support bot's API spend): no invoice, so the TCO uses the cost report;
- Cursor spend to date of the current billing cycle (the last month): the Cursor usage
  invoice of that month is not in the drop folder yet, so the TCO uses the spend API.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ingestion.demo.output import Output
from ingestion.demo.timeutil import daterange
from ingestion.demo.world import World, stable_int

CLAUDE_CODE_WORKSPACE = "wrkspc_claude_code"
CLAUDE_MODEL = "claude-sonnet-4-20250514"
OPENAI_PROJECT = "proj_support_bot"
ANTHROPIC_PRODUCT_PROJECT = None  # the default workspace
ORGANIZATION_ID = "12345678-1234-5678-1234-567812345678"


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _split(total: int, weights: list[int]) -> list[int]:
    """`total` split by `weights` in whole units that sum back to it (largest remainder)."""
    if not weights:
        return []
    weight_sum = sum(weights) or len(weights)
    weights = weights if sum(weights) else [1] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _month(day: date) -> date:
    return date(day.year, day.month, 1)


def _cents(value: float) -> int:
    return round(value * 100)


def write_ai_tool_apis(
    world: World, out: Output, native: dict[str, list[list[Any]]]
) -> dict[str, Any]:
    """Write the API files; return the API spend per vendor and month (USD) and a summary.

    `native` holds the rows generate_ai_usage produced: `claude_code` (per person and day,
    the usage-file columns) and `cursor` (per team and day).
    """
    by_login = {p.login: p for p in world.people}
    summary: dict[str, Any] = {}

    # -- Claude Code Analytics: one record per user and day -----------------------------
    claude_records: list[dict[str, Any]] = []
    claude_day_cents: dict[date, int] = defaultdict(int)
    for row in native.get("claude_code", []):
        day = date.fromisoformat(row[0])
        person = by_login[row[2]]
        shown, accepted, lines_accepted = int(row[4]), int(row[5]), int(row[7])
        sessions, tokens, cost = int(row[9]), int(row[10]), float(row[11])
        cents = _cents(cost)
        claude_day_cents[day] += cents
        commits = stable_int(world.seed, "cc-commits", row[0], person.login) % 4
        claude_records.append(
            {
                "date": f"{day.isoformat()}T00:00:00Z",
                "actor": {"type": "user_actor", "email_address": person.email},
                "organization_id": ORGANIZATION_ID,
                "customer_type": "api",
                "terminal_type": "vscode",
                "core_metrics": {
                    "num_sessions": sessions,
                    "lines_of_code": {"added": lines_accepted, "removed": lines_accepted // 5},
                    "commits_by_claude_code": commits,
                    "pull_requests_by_claude_code": commits // 2,
                },
                "tool_actions": {
                    "edit_tool": {"accepted": accepted, "rejected": shown - accepted},
                    "multi_edit_tool": {"accepted": 0, "rejected": 0},
                    "notebook_edit_tool": {"accepted": 0, "rejected": 0},
                    "write_tool": {"accepted": 0, "rejected": 0},
                },
                "model_breakdown": [
                    {
                        "model": CLAUDE_MODEL,
                        "tokens": {
                            "input": tokens * 7 // 10,
                            "output": tokens - tokens * 7 // 10,
                            "cache_read": 0,
                            "cache_creation": 0,
                        },
                        "estimated_cost": {"currency": "USD", "amount": cents},
                    }
                ],
            }
        )
    claude_records.sort(key=lambda r: (r["date"], r["actor"]["email_address"]))
    summary["claude_code_records"] = out.write_jsonl("api/claude_code/usage.jsonl", claude_records)

    # -- Cursor Admin API: members, usage per member and day, spend of the current cycle --
    cursor_team = world.team(world.special["cursor_team"])
    members = sorted(
        (p for p in world.people if any(s.team == cursor_team.name for s in p.stints)),
        key=lambda p: p.login,
    )
    cursor_usage = []
    shown_by_member_month: dict[tuple[str, date], int] = defaultdict(int)
    for row in native.get("cursor", []):
        day = date.fromisoformat(row[0])
        on_team = [p for p in members if p.ai_active and p.team_on(day) == cursor_team.name]
        on_team.sort(key=lambda p: stable_int(world.seed, "cursor-active", row[0], p.login))
        active = on_team[: max(1, round(0.7 * len(on_team)))]
        weights = [1 + stable_int(world.seed, "cursor-share", row[0], p.login) % 4 for p in active]
        shown, accepted = int(row[4]), int(row[5])
        lines_total, lines_accepted = int(row[6]), int(row[7])
        chat, agent = int(row[8]), int(row[9])
        parts = {
            name: _split(value, weights)
            for name, value in (
                ("shown", shown),
                ("accepted", accepted),
                ("lines_total", max(lines_total, lines_accepted)),
                ("lines_accepted", lines_accepted),
                ("chat", chat),
                ("agent", agent),
            )
        }
        for i, person in enumerate(active):
            s, a = parts["shown"][i], min(parts["accepted"][i], parts["shown"][i])
            la = parts["lines_accepted"][i]
            lt = max(parts["lines_total"][i], la)
            shown_by_member_month[(person.email, _month(day))] += s
            cursor_usage.append(
                {
                    "date": _ms(day),
                    "email": person.email,
                    "userId": f"user_{stable_int('cursor-user', person.login) % 10**8:08d}",
                    "isActive": True,
                    "totalLinesAdded": lt,
                    "totalLinesDeleted": lt // 4,
                    "acceptedLinesAdded": la,
                    "acceptedLinesDeleted": la // 4,
                    "totalApplies": 0,
                    "totalAccepts": 0,
                    "totalRejects": 0,
                    "totalTabsShown": s,
                    "totalTabsAccepted": a,
                    "composerRequests": 0,
                    "chatRequests": parts["chat"][i],
                    "agentRequests": parts["agent"][i],
                    "cmdkUsages": 0,
                    "subscriptionIncludedReqs": parts["chat"][i] + parts["agent"][i],
                    "apiKeyReqs": 0,
                    "usageBasedReqs": 0,
                    "bugbotUsages": 0,
                    "mostUsedModel": "claude-4-sonnet",
                    "applyMostUsedExtension": ".ts",
                    "tabMostUsedExtension": ".ts",
                    "clientVersion": "1.6.26",
                }
            )
    cursor_usage.sort(key=lambda r: (r["date"], r["email"]))
    summary["cursor_usage_rows"] = out.write_jsonl("api/cursor/daily_usage.jsonl", cursor_usage)
    out.write_json(
        "api/cursor/members.json",
        {
            "teamMembers": [
                {
                    "id": stable_int("cursor-member", p.login) % 10**6,
                    "name": p.display_name,
                    "email": p.email,
                    "role": "member",
                    "isRemoved": p.team_on(world.end) != cursor_team.name,
                }
                for p in members
            ]
        },
        count=len(members),
    )
    # spend to date of the current cycle (the last month), split by suggestions shown
    cycle = _month(world.end)
    cursor_month_cents = sum(
        _cents(float(row[11]))
        for row in native.get("cursor", [])
        if _month(date.fromisoformat(row[0])) == cycle
    )
    spenders = sorted(e for (e, m) in shown_by_member_month if m == cycle)
    spend_parts = _split(cursor_month_cents, [shown_by_member_month[(e, cycle)] for e in spenders])
    out.write_json(
        "api/cursor/spend.json",
        {
            "subscriptionCycleStart": _ms(cycle),
            "teamMemberSpend": [
                {
                    "email": email,
                    "name": email.split("@")[0],
                    "role": "member",
                    "spendCents": cents,
                    "fastPremiumRequests": cents // 4,
                    "hardLimitOverrideDollars": None,
                }
                for email, cents in zip(spenders, spend_parts, strict=True)
            ],
        },
        count=len(spenders),
    )
    summary["cursor_cycle_start"] = cycle.isoformat()
    summary["cursor_cycle_spend_usd"] = round(cursor_month_cents / 100, 2)

    # -- the drop folder's identity map: each tool e-mail -> its roster login -------------
    identities = sorted(
        {(r["actor"]["email_address"], "claude_code") for r in claude_records}
        | {(p.email, "cursor") for p in members}
    )
    login_by_email = {p.email: p.login for p in world.people}
    summary["identity_map_rows"] = out.write_csv(
        "files/identity_map.csv",
        ["identity", "login", "tool"],
        [[email, login_by_email[email], tool] for email, tool in identities],
    )

    # -- API spend: Anthropic cost report and OpenAI costs, per day ------------------------
    rng = random.Random(f"{world.seed}:api_spend")
    anthropic_buckets, openai_buckets = [], []
    spend: dict[str, dict[date, int]] = {"anthropic": defaultdict(int), "openai": defaultdict(int)}
    anthropic_product: dict[date, int] = defaultdict(int)
    for day in daterange(world.program_start, world.end):
        results = []
        cc = claude_day_cents.get(day, 0)
        if cc:
            cc_input = round(cc * 0.3)
            for token_type, cents in (("input_tokens", cc_input), ("output_tokens", cc - cc_input)):
                results.append(_anthropic_line(CLAUDE_CODE_WORKSPACE, token_type, cents))
        weekday = day.weekday() < 5
        product = rng.randint(40, 120) if weekday else rng.randint(10, 30)
        product_input = round(product * 0.4)
        for token_type, cents in (
            ("input_tokens", product_input),
            ("output_tokens", product - product_input),
        ):
            results.append(_anthropic_line(ANTHROPIC_PRODUCT_PROJECT, token_type, cents))
        spend["anthropic"][_month(day)] += cc + product
        anthropic_product[_month(day)] += product
        anthropic_buckets.append(
            {
                "starting_at": f"{day.isoformat()}T00:00:00Z",
                "ending_at": f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
                "results": results,
            }
        )
        bot = rng.randint(80, 200) if weekday else rng.randint(20, 60)
        bot_input = round(bot * 0.35)
        start = _ms(day) // 1000
        openai_buckets.append(
            {
                "object": "bucket",
                "start_time": start,
                "end_time": start + 86400,
                "results": [
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": cents / 100, "currency": "usd"},
                        "line_item": f"gpt-4o-2024-08-06, {kind}",
                        "project_id": OPENAI_PROJECT,
                        "organization_id": "org-acmedemo",
                    }
                    for kind, cents in (("input", bot_input), ("output", bot - bot_input))
                ],
            }
        )
        spend["openai"][_month(day)] += bot
    summary["anthropic_cost_days"] = out.write_jsonl(
        "api/ai_spend/anthropic_cost_report.jsonl", anthropic_buckets
    )
    summary["openai_cost_days"] = out.write_jsonl("api/ai_spend/openai_costs.jsonl", openai_buckets)
    summary["api_spend_usd"] = {
        vendor: {m.isoformat(): round(c / 100, 2) for m, c in sorted(months.items())}
        for vendor, months in spend.items()
    }
    summary["anthropic_product_usd"] = {
        m.isoformat(): round(c / 100, 2) for m, c in sorted(anthropic_product.items())
    }
    return summary


def _anthropic_line(workspace: str | None, token_type: str, cents: int) -> dict[str, Any]:
    kind = "Input" if token_type == "input_tokens" else "Output"
    return {
        "amount": f"{cents}.00",
        "currency": "USD",
        "workspace_id": workspace,
        "description": f"Claude Sonnet 4 Usage - {kind} Tokens",
        "cost_type": "tokens",
        "model": CLAUDE_MODEL,
        "service_tier": "standard",
        "token_type": token_type,
        "context_window": "0-200k",
        "inference_geo": None,
    }


def _read_jsonl(path: Path) -> list[Any]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _read_json(path: Path, default: Any) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def _parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class AiToolsApi:
    """Answers the demo's Cursor, Claude Code, Anthropic and OpenAI requests.

    `answer(vendor, path, query, body)` returns (status, JSON body); `vendor` is the first
    path segment the server strips (`cursor`, `anthropic` or `openai`).
    """

    def __init__(self, api_dir: Path) -> None:
        self.members = _read_json(api_dir / "cursor" / "members.json", {"teamMembers": []})
        self.cursor_usage = _read_jsonl(api_dir / "cursor" / "daily_usage.jsonl")
        self.cursor_spend = _read_json(api_dir / "cursor" / "spend.json", {})
        self.claude_by_day: dict[str, list[Any]] = defaultdict(list)
        for record in _read_jsonl(api_dir / "claude_code" / "usage.jsonl"):
            self.claude_by_day[record["date"][:10]].append(record)
        self.anthropic_costs = _read_jsonl(api_dir / "ai_spend" / "anthropic_cost_report.jsonl")
        self.openai_costs = _read_jsonl(api_dir / "ai_spend" / "openai_costs.jsonl")

    def answer(
        self, vendor: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        def q(name: str, default: str | None = None) -> str | None:
            values = query.get(name)
            return values[-1] if values else default

        if vendor == "cursor":
            return self._cursor(path, body or {})
        if vendor == "anthropic" and path == "/v1/organizations/usage_report/claude_code":
            day = str(q("starting_at", ""))[:10]
            return 200, _paged(
                self.claude_by_day.get(day, []), q("page"), int(q("limit", "20") or 20), 1000
            )
        if vendor == "anthropic" and path == "/v1/organizations/cost_report":
            first = _parse_instant(str(q("starting_at")))
            last = _parse_instant(str(q("ending_at"))) if q("ending_at") else None
            buckets = [
                b
                for b in self.anthropic_costs
                if _parse_instant(b["starting_at"]) >= first
                and (last is None or _parse_instant(b["starting_at"]) < last)
            ]
            return 200, _paged(buckets, q("page"), int(q("limit", "7") or 7), 31)
        if vendor == "openai" and path == "/v1/organization/costs":
            start = int(str(q("start_time")))
            end = int(q("end_time") or 2**62)
            buckets = [b for b in self.openai_costs if start <= b["start_time"] < end]
            answer = _paged(buckets, q("page"), int(q("limit", "7") or 7), 180)
            return 200, {"object": "page", **answer}
        return 404, {"error": {"type": "not_found_error", "message": f"Not found: {path}"}}

    def _cursor(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if path == "/teams/members":
            return 200, self.members
        if path == "/teams/daily-usage-data":
            first, last = int(body["startDate"]), int(body["endDate"])
            rows = [r for r in self.cursor_usage if first <= r["date"] <= last]
            return 200, {"data": rows, "period": {"startDate": first, "endDate": last}}
        if path == "/teams/spend":
            rows = self.cursor_spend.get("teamMemberSpend", [])
            size = max(1, int(body.get("pageSize", 100)))
            page = max(1, int(body.get("page", 1)))
            pages = max(1, -(-len(rows) // size))
            return 200, {
                "teamMemberSpend": rows[(page - 1) * size : page * size],
                "subscriptionCycleStart": self.cursor_spend.get("subscriptionCycleStart"),
                "totalMembers": len(rows),
                "totalPages": pages,
            }
        return 404, {"error": f"Not found: {path}"}


def _paged(items: list[Any], page: str | None, limit: int, maximum: int) -> dict[str, Any]:
    """Anthropic / OpenAI cursor pagination: `page` is an opaque token (here an offset)."""
    size = min(max(limit, 1), maximum)
    offset = int(page) if page and page.isdigit() else 0
    chunk = items[offset : offset + size]
    more = offset + size < len(items)
    return {"data": chunk, "has_more": more, "next_page": str(offset + size) if more else None}
