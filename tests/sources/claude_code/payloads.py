"""Hand-written Claude Code usage-report pages, in the shape Anthropic documents for
`GET /v1/organizations/usage_report/claude_code`.

`Scenario.days` maps a day to its pages of records; `serve(api)` registers one route per
(day, page) on the exact query string the source sends, with `has_more`/`next_page`
linking the pages.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_api import FakeApi

API_KEY = "sk-ant-admin01-test-SECRET-0123456789"
REPORT = "/v1/organizations/usage_report/claude_code"


def tools(
    edit: tuple[int, int], multi: tuple[int, int], nb: tuple[int, int], write: tuple[int, int]
) -> dict:
    return {
        "edit_tool": {"accepted": edit[0], "rejected": edit[1]},
        "multi_edit_tool": {"accepted": multi[0], "rejected": multi[1]},
        "notebook_edit_tool": {"accepted": nb[0], "rejected": nb[1]},
        "write_tool": {"accepted": write[0], "rejected": write[1]},
    }


def model(name: str, cents: int, tokens: tuple[int, int, int, int]) -> dict:
    return {
        "estimated_cost": {"amount": cents, "currency": "USD"},
        "model": name,
        "tokens": {
            "input": tokens[0],
            "output": tokens[1],
            "cache_creation": tokens[2],
            "cache_read": tokens[3],
        },
    }


def user_record(
    day: str,
    email: str,
    sessions: int,
    added: int,
    removed: int,
    *,
    commits: int = 1,
    prs: int = 0,
    tool_actions: dict | None = None,
    models: list[dict] | None = None,
    terminal: str = "vscode",
) -> dict[str, Any]:
    return {
        "actor": {"email_address": email, "type": "user_actor"},
        "core_metrics": {
            "commits_by_claude_code": commits,
            "lines_of_code": {"added": added, "removed": removed},
            "num_sessions": sessions,
            "pull_requests_by_claude_code": prs,
        },
        "customer_type": "api",
        "date": f"{day}T00:00:00Z",
        "model_breakdown": models
        if models is not None
        else [model("claude-sonnet-4-20250514", 186, (45230, 12450, 2340, 8790))],
        "organization_id": "12345678-1234-5678-1234-567812345678",
        "subscription_type": "enterprise",
        "terminal_type": terminal,
        "tool_actions": tool_actions or tools((25, 3), (12, 1), (5, 2), (8, 0)),
    }


def api_record(day: str, key_name: str, sessions: int) -> dict[str, Any]:
    record = user_record(
        day, "x", sessions, 10, 2, commits=0, tool_actions=tools((1, 0), (0, 0), (0, 0), (2, 1))
    )
    record["actor"] = {"api_key_name": key_name, "type": "api_actor"}
    record["model_breakdown"] = [model("claude-3-5-haiku-20241022", 42, (23100, 5680, 890, 3420))]
    record.pop("terminal_type")
    return record


def default_days() -> dict[str, list[list[dict]]]:
    return {
        "2026-01-05": [
            [
                user_record(
                    "2026-01-05",
                    "ana@acme.test",
                    15,
                    342,
                    128,
                    commits=8,
                    prs=2,
                    models=[
                        model("claude-sonnet-4-20250514", 186, (45230, 12450, 2340, 8790)),
                        model("claude-3-5-haiku-20241022", 42, (23100, 5680, 890, 3420)),
                    ],
                )
            ],
            [api_record("2026-01-05", "ci-bot", 3)],
        ],
        "2026-01-06": [
            [
                user_record(
                    "2026-01-06",
                    "ana@acme.test",
                    4,
                    50,
                    10,
                    tool_actions=tools((4, 1), (0, 0), (0, 0), (1, 0)),
                )
            ],
        ],
        "2026-01-07": [
            [user_record("2026-01-07", "Bo@Acme.test", 2, 20, 0, commits=0, terminal="iTerm.app")],
        ],
    }


@dataclass
class Scenario:
    days: dict[str, list[list[dict]]] = field(default_factory=default_days)

    def copy(self) -> Scenario:
        return copy.deepcopy(self)

    def serve(self, api: FakeApi, limit: int = 1000) -> None:
        for route in [r for r in api.routes if r[0] == REPORT]:
            del api.routes[route]
        # any day not listed answers an empty report
        api.add(REPORT, {"data": [], "has_more": False, "next_page": None})
        for day, pages in self.days.items():
            for number, records in enumerate(pages, start=1):
                more = number < len(pages)
                query = f"starting_at={day}&limit={limit}"
                if number > 1:
                    query += f"&page=page_{day}_{number}"
                api.add(
                    REPORT,
                    {
                        "data": records,
                        "has_more": more,
                        "next_page": f"page_{day}_{number + 1}" if more else None,
                    },
                    query=query,
                )
