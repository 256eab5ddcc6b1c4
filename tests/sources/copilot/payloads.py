"""Hand-written GitHub Copilot payloads, shaped like GitHub's documented responses.

`Scenario` holds one "state of GitHub" (reports per day, legacy pages, seat pages);
`Scenario.serve(api)` (re)registers every route on the fake API, so a test can change
the data between runs.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_api import FakeApi

ORG = "acme"
TOKEN = "test-copilot-token-SECRET-0123456789"
REPORTS = "/orgs/acme/copilot/metrics/reports"
LEGACY = "/orgs/acme/copilot/metrics"
SEATS = "/orgs/acme/copilot/billing/seats"


def activity(
    gen: int, acc: int, sug_add: int, added: int, sug_del: int = 0, deleted: int = 0
) -> dict:
    return {
        "code_generation_activity_count": gen,
        "code_acceptance_activity_count": acc,
        "loc_suggested_to_add_sum": sug_add,
        "loc_suggested_to_delete_sum": sug_del,
        "loc_added_sum": added,
        "loc_deleted_sum": deleted,
    }


def org_report(day: str, dau: int, gen: int, acc: int) -> dict[str, Any]:
    """An organization-1-day NDJSON row (one line of the report file)."""
    return {
        "day": day,
        "organization_id": "4242",
        "enterprise_id": "7",
        "daily_active_users": dau,
        "weekly_active_users": dau + 2,
        "monthly_active_users": dau + 5,
        "monthly_active_chat_users": 3,
        "monthly_active_agent_users": 2,
        "user_initiated_interaction_count": 11,
        **activity(gen, acc, 120, 80, 10, 4),
        "totals_by_ide": [
            {
                "ide": "vscode",
                "user_initiated_interaction_count": 9,
                **activity(gen - 2, acc - 1, 100, 70),
            },
            {"ide": "intellij", "user_initiated_interaction_count": 2, **activity(2, 1, 20, 10)},
        ],
        "totals_by_feature": [
            {
                "feature": "code_completion",
                "user_initiated_interaction_count": 0,
                **activity(gen, acc, 120, 80),
            },
        ],
        "totals_by_language_feature": [
            {"language": "python", "feature": "code_completion", **activity(gen, acc, 120, 80)},
        ],
        "totals_by_language_model": [
            {"language": "python", "model": "gpt-4.1", **activity(gen, acc, 120, 80)},
        ],
        "totals_by_model_feature": [
            {
                "model": "gpt-4.1",
                "feature": "chat_panel_agent_mode",
                "user_initiated_interaction_count": 11,
                **activity(0, 0, 0, 25),
            },
        ],
        "pull_requests": {
            "total_created": 6,
            "total_reviewed": 5,
            "total_merged": 4,
            "median_minutes_to_merge": 95.5,
            "total_suggestions": 12,
            "total_applied_suggestions": 7,
            "total_created_by_copilot": 1,
            "total_reviewed_by_copilot": 3,
            "total_merged_created_by_copilot": 1,
            "total_merged_reviewed_by_copilot": 2,
            "median_minutes_to_merge_copilot_authored": 40.0,
            "median_minutes_to_merge_copilot_reviewed": 60.0,
            "total_copilot_suggestions": 9,
            "total_copilot_applied_suggestions": 5,
        },
    }


def user_report(day: str, login: str, user_id: int, gen: int, acc: int) -> dict[str, Any]:
    """A users-1-day NDJSON row."""
    return {
        "day": day,
        "enterprise_id": "7",
        "organization_id": "4242",
        "user_id": user_id,
        "user_login": login,
        "user_initiated_interaction_count": 4,
        **activity(gen, acc, 40, 30),
        "used_agent": True,
        "used_chat": False,
        "used_cli": False,
        "totals_by_ide": [
            {
                "ide": "vscode",
                "user_initiated_interaction_count": 4,
                **activity(gen, acc, 40, 30),
                "last_known_ide_version": {
                    "ide_version": "1.99.0",
                    "sampled_at": f"{day}T08:00:00.000Z",
                },
                "last_known_plugin_version": {
                    "plugin": "copilot-chat",
                    "plugin_version": "0.27.0",
                    "sampled_at": f"{day}T08:00:00.000Z",
                },
            }
        ],
        "totals_by_feature": [
            {
                "feature": "code_completion",
                "user_initiated_interaction_count": 0,
                **activity(gen, acc, 40, 30),
            },
        ],
        "totals_by_language_feature": [
            {"language": "python", "feature": "code_completion", **activity(gen, acc, 40, 30)},
        ],
        "totals_by_language_model": [],
        "totals_by_model_feature": [],
        "totals_by_cli": {"session_count": 0, "request_count": 0, "prompt_count": 0},
    }


def legacy_day(day: str, active: int, suggestions: int, acceptances: int) -> dict[str, Any]:
    """One element of GET /orgs/{org}/copilot/metrics."""
    return {
        "date": day,
        "total_active_users": active,
        "total_engaged_users": active - 1,
        "copilot_ide_code_completions": {
            "total_engaged_users": active - 1,
            "languages": [{"name": "python", "total_engaged_users": active - 1}],
            "editors": [
                {
                    "name": "vscode",
                    "total_engaged_users": active - 1,
                    "models": [
                        {
                            "name": "default",
                            "is_custom_model": False,
                            "custom_model_training_date": None,
                            "total_engaged_users": active - 1,
                            "languages": [
                                {
                                    "name": "python",
                                    "total_engaged_users": active - 1,
                                    "total_code_suggestions": suggestions,
                                    "total_code_acceptances": acceptances,
                                    "total_code_lines_suggested": suggestions * 2,
                                    "total_code_lines_accepted": acceptances * 2,
                                },
                                {
                                    "name": "go",
                                    "total_engaged_users": 1,
                                    "total_code_suggestions": 10,
                                    "total_code_acceptances": 3,
                                    "total_code_lines_suggested": 15,
                                    "total_code_lines_accepted": 4,
                                },
                            ],
                        }
                    ],
                }
            ],
        },
        "copilot_ide_chat": {"total_engaged_users": 2, "editors": []},
        "copilot_dotcom_chat": {"total_engaged_users": 0, "models": []},
        "copilot_dotcom_pull_requests": {"total_engaged_users": 0, "repositories": []},
    }


def seat(
    login: str, user_id: int, last_activity_at: str | None, team: str | None = None
) -> dict[str, Any]:
    """One element of `seats` in GET /orgs/{org}/copilot/billing/seats."""
    return {
        "created_at": "2025-11-01T09:00:00Z",
        "updated_at": "2025-11-01T09:00:00Z",
        "pending_cancellation_date": None,
        "last_activity_at": last_activity_at,
        "last_activity_editor": "vscode/1.99.0/copilot/1.300.0" if last_activity_at else None,
        "last_authenticated_at": last_activity_at,
        "plan_type": "business",
        "assignee": {
            "login": login,
            "id": user_id,
            "node_id": "MDQ6VXNlcjE=",
            "type": "User",
            "site_admin": False,
            "url": f"https://api.github.com/users/{login}",
        },
        "assigning_team": {"id": 1, "slug": team, "name": team} if team else None,
    }


def default_org_days() -> dict[str, list[dict]]:
    return {
        "2026-01-05": [org_report("2026-01-05", 3, 50, 20)],
        "2026-01-06": [org_report("2026-01-06", 4, 60, 30)],
    }


def default_user_days() -> dict[str, list[dict]]:
    return {
        "2026-01-05": [
            user_report("2026-01-05", "octocat", 1, 30, 12),
            user_report("2026-01-05", "hubot", 2, 20, 8),
        ],
        "2026-01-06": [
            user_report("2026-01-06", "octocat", 1, 35, 20),
            user_report("2026-01-06", "hubot", 2, 25, 10),
        ],
    }


def default_legacy_pages() -> list[list[dict]]:
    return [[legacy_day("2026-01-03", 5, 100, 40)], [legacy_day("2026-01-04", 6, 120, 50)]]


def default_seat_pages() -> list[list[dict]]:
    return [
        [
            seat("octocat", 1, "2026-01-06T17:00:00Z", team="platform"),
            seat("hubot", 2, "2026-01-06T12:30:00Z"),
        ],
        [seat("idle-ian", 3, None)],
    ]


@dataclass
class Scenario:
    """What the fake GitHub serves. Report days missing here answer 404."""

    org_days: dict[str, list[dict]] = field(default_factory=default_org_days)
    user_days: dict[str, list[dict]] = field(default_factory=default_user_days)
    legacy_pages: list[list[dict]] = field(default_factory=default_legacy_pages)
    seat_pages: list[list[dict]] = field(default_factory=default_seat_pages)
    #: days whose report answers 200 with no download links
    empty_days: tuple[str, ...] = ("2026-01-07",)
    #: raw NDJSON text per (report kind, day), overriding the rows
    raw_files: dict[tuple[str, str], str] = field(default_factory=dict)

    def copy(self) -> Scenario:
        return copy.deepcopy(self)

    def serve(self, api: FakeApi) -> None:
        api.routes.clear()
        for kind, days in (("organization", self.org_days), ("users", self.user_days)):
            endpoint = f"{REPORTS}/{kind}-1-day"
            for day, rows in days.items():
                file_path = f"/downloads/{kind}-{day}.ndjson"
                link = f"{api.url}{file_path}?sig=signed-{day}&se=2026-01-08"
                api.add(endpoint, {"download_links": [link], "report_day": day}, query=f"day={day}")
                text = (
                    self.raw_files.get((kind, day)) or "\n".join(json.dumps(r) for r in rows) + "\n"
                )
                api.add(file_path, raw=text, headers={"Content-Type": "application/x-ndjson"})
            for day in self.empty_days:
                api.add(endpoint, {"download_links": [], "report_day": day}, query=f"day={day}")
        self._paged(api, LEGACY, self.legacy_pages, None)
        self._paged(api, SEATS, self.seat_pages, "seats")

    def _paged(
        self, api: FakeApi, path: str, pages: list[list[dict]], items_key: str | None
    ) -> None:
        total = sum(len(p) for p in pages)
        for number, items in enumerate(pages, start=1):
            headers = {}
            if number < len(pages):
                headers["Link"] = api.link(path, f"per_page=100&page={number + 1}")
            body: Any = {"total_seats": total, items_key: items} if items_key else items
            api.add(
                path,
                body,
                headers=headers,
                query=None if number == 1 else f"per_page=100&page={number}",
            )
