"""Hand-written Cursor Admin API payloads, in the shapes of Cursor's documented answers.

`Scenario` is one "state of Cursor"; `Scenario.serve(api)` (re)registers every route on
the fake API, so a test can change the data between runs. Every POST to the daily-usage
endpoint is answered with all `usage` rows (the source keeps those of the window it asked).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tests.support.fake_api import FakeApi

API_KEY = "key_test-cursor-SECRET-0123456789abcdef"
MEMBERS = "/teams/members"
USAGE = "/teams/daily-usage-data"
SPEND = "/teams/spend"
COMMITS = "/analytics/ai-code/commits"


def ms(day: str) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() * 1000)


def usage(day: str, email: str, tabs_shown: int, tabs_accepted: int, **extra: Any) -> dict:
    """One daily-usage record as Cursor documents it (`date` in epoch milliseconds)."""
    return {
        "date": ms(day),
        "userId": f"user_{email.split('@')[0]}",
        "email": email,
        "isActive": True,
        "totalLinesAdded": 200,
        "totalLinesDeleted": 40,
        "acceptedLinesAdded": 120,
        "acceptedLinesDeleted": 20,
        "totalApplies": 10,
        "totalAccepts": 8,
        "totalRejects": 2,
        "totalTabsShown": tabs_shown,
        "totalTabsAccepted": tabs_accepted,
        "composerRequests": 3,
        "chatRequests": 5,
        "agentRequests": 4,
        "cmdkUsages": 1,
        "subscriptionIncludedReqs": 12,
        "apiKeyReqs": 0,
        "usageBasedReqs": 1,
        "bugbotUsages": 0,
        "mostUsedModel": "claude-4-sonnet",
        "applyMostUsedExtension": ".py",
        "tabMostUsedExtension": ".ts",
        "clientVersion": "1.6.26",
        **extra,
    }


def member(email: str, member_id: int, role: str = "member", removed: bool = False) -> dict:
    return {
        "id": member_id,
        "name": email.split("@")[0].title(),
        "email": email,
        "role": role,
        "isRemoved": removed,
    }


def spend(email: str, cents: int, fast: int, limit: float | None = None) -> dict:
    return {
        "spendCents": cents,
        "fastPremiumRequests": fast,
        "name": email.split("@")[0].title(),
        "email": email,
        "role": "member",
        "hardLimitOverrideDollars": limit,
    }


def commit(sha: str, email: str, ts: str, total: int, tab: int, composer: int) -> dict:
    return {
        "commitHash": sha,
        "userId": f"user_{email.split('@')[0]}",
        "userEmail": email,
        "repoName": "acme/api",
        "branchName": "main",
        "isPrimaryBranch": True,
        "commitSource": "ide",
        "totalLinesAdded": total,
        "totalLinesDeleted": 5,
        "tabLinesAdded": tab,
        "tabLinesDeleted": 0,
        "composerLinesAdded": composer,
        "composerLinesDeleted": 2,
        "nonAiLinesAdded": max(0, total - tab - composer),
        "nonAiLinesDeleted": 3,
        "message": "feat: something",
        "commitTs": ts,
        "createdAt": ts,
    }


def default_usage() -> list[dict]:
    return [
        usage("2026-01-05", "ana@acme.test", 100, 40),
        usage("2026-01-06", "ana@acme.test", 120, 60),
        usage("2026-01-05", "bo@acme.test", 50, 10),
        usage("2026-01-07", "bo@acme.test", 80, 30),
    ]


@dataclass
class Scenario:
    members: list[dict] = field(
        default_factory=lambda: [
            member("ana@acme.test", 1),
            member("bo@acme.test", 2, "owner"),
            member("cy@acme.test", 3, removed=True),
        ]
    )
    usage: list[dict] = field(default_factory=default_usage)
    cycle_start: str = "2026-01-01"
    spend_pages: list[list[dict]] = field(
        default_factory=lambda: [
            [spend("ana@acme.test", 1250, 30, 100.0), spend("bo@acme.test", 400, 5)],
            [spend("cy@acme.test", 0, 0)],
        ]
    )
    commit_pages: list[list[dict]] = field(
        default_factory=lambda: [
            [
                commit("a1b2c3", "ana@acme.test", "2026-01-05T10:00:00Z", 50, 20, 25),
                commit("d4e5f6", "bo@acme.test", "2026-01-06T15:30:00Z", 30, 0, 10),
            ]
        ]
    )

    def copy(self) -> Scenario:
        return copy.deepcopy(self)

    def serve(self, api: FakeApi) -> None:
        for route in [r for r in api.routes if r[0] in (MEMBERS, USAGE, SPEND, COMMITS)]:
            del api.routes[route]
        api.add(MEMBERS, {"teamMembers": self.members})
        api.add(
            USAGE,
            {"data": self.usage, "period": {"startDate": ms("2026-01-01"), "endDate": 0}},
        )
        pages = self.spend_pages or [[]]
        for page in pages:
            api.add(
                SPEND,
                {
                    "teamMemberSpend": page,
                    "subscriptionCycleStart": ms(self.cycle_start),
                    "totalMembers": sum(len(p) for p in pages),
                    "totalPages": len(pages),
                },
            )
        total = sum(len(p) for p in self.commit_pages)
        for number, page in enumerate(self.commit_pages or [[]], start=1):
            api.add(
                COMMITS,
                {"items": page, "totalCount": total, "page": number, "pageSize": 1000},
            )
