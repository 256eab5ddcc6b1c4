"""Hand-written cost-report pages in the vendors' documented shapes: Anthropic
`GET /v1/organizations/cost_report` and OpenAI `GET /v1/organization/costs`.

`Scenario` holds each vendor's pages (lists of day buckets); `serve(api)` queues them on
the fake API in order, with `has_more`/`next_page` linking them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.support.fake_api import FakeApi

ANTHROPIC_KEY = "sk-ant-admin01-spend-SECRET-0123456789"
OPENAI_KEY = "sk-admin-openai-SECRET-9876543210"
ANTHROPIC = "/v1/organizations/cost_report"
OPENAI = "/v1/organization/costs"


def unix(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def a_line(
    amount: str,
    workspace: str | None,
    description: str,
    model: str | None = "claude-sonnet-4-20250514",
    token_type: str | None = "uncached_input_tokens",
    cost_type: str = "tokens",
) -> dict[str, Any]:
    return {
        "currency": "USD",
        "amount": amount,
        "workspace_id": workspace,
        "description": description,
        "cost_type": cost_type,
        "context_window": "0-200k" if model else None,
        "model": model,
        "service_tier": "standard" if model else None,
        "token_type": token_type,
    }


def a_bucket(day: str, results: list[dict]) -> dict[str, Any]:
    start = date.fromisoformat(day)
    return {
        "starting_at": f"{day}T00:00:00Z",
        "ending_at": f"{(start + timedelta(days=1)).isoformat()}T00:00:00Z",
        "results": results,
    }


def o_line(value: float, project: str | None, line_item: str | None) -> dict[str, Any]:
    return {
        "object": "organization.costs.result",
        "amount": {"value": value, "currency": "usd"},
        "line_item": line_item,
        "project_id": project,
    }


def o_bucket(day: str, results: list[dict]) -> dict[str, Any]:
    return {
        "object": "bucket",
        "start_time": unix(day),
        "end_time": unix(day) + 86400,
        "results": results,
    }


def default_anthropic() -> list[list[dict]]:
    return [
        [
            a_bucket(
                "2026-01-05",
                [
                    a_line("123.78912", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Input Tokens"),
                    a_line(
                        "450.5",
                        "wrkspc_01Eng",
                        "Claude Sonnet 4 Usage - Output Tokens",
                        token_type="output_tokens",
                    ),
                ],
            ),
            a_bucket(
                "2026-01-06",
                [
                    a_line(
                        "1000",
                        None,
                        "Web Search",
                        model=None,
                        token_type=None,
                        cost_type="web_search",
                    )
                ],
            ),
        ],
        [
            a_bucket(
                "2026-01-07",
                [a_line("99.01", "wrkspc_01Eng", "Claude Sonnet 4 Usage - Input Tokens")],
            )
        ],
    ]


def default_openai() -> list[list[dict]]:
    return [
        [
            o_bucket(
                "2026-01-05",
                [
                    o_line(1.25, "proj_abc", "gpt-4o, input"),
                    o_line(0.06, "proj_abc", "gpt-4o, output"),
                ],
            ),
            o_bucket("2026-01-06", []),
            o_bucket("2026-01-07", [o_line(3.5, None, None)]),
        ]
    ]


@dataclass
class Scenario:
    anthropic_pages: list[list[dict]] = field(default_factory=default_anthropic)
    openai_pages: list[list[dict]] = field(default_factory=default_openai)

    def copy(self) -> Scenario:
        return copy.deepcopy(self)

    def serve(self, api: FakeApi) -> None:
        for route in [r for r in api.routes if r[0] in (ANTHROPIC, OPENAI)]:
            del api.routes[route]
        for path, pages, extra in (
            (ANTHROPIC, self.anthropic_pages, {}),
            (OPENAI, self.openai_pages, {"object": "page"}),
        ):
            for number, buckets in enumerate(pages or [[]], start=1):
                more = number < len(pages)
                api.add(
                    path,
                    {
                        **extra,
                        "data": buckets,
                        "has_more": more,
                        "next_page": f"page_{number + 1}" if more else None,
                    },
                )
