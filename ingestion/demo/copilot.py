"""AI tool telemetry: Copilot seats, legacy metrics, new usage reports, generic usage files.

Every number is derived from one per-user, per-day activity record, so the organisation
totals (legacy day objects and new organisation reports) always equal the sum of the
per-user data.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from ingestion.demo.output import Output
from ingestion.demo.timeutil import daterange, iso_utc
from ingestion.demo.world import GITHUB_ORG_ID, World

_COUNT_FIELDS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_suggested_to_delete_sum",
    "loc_added_sum",
    "loc_deleted_sum",
)
_EDITOR_VERSION = {
    "vscode": "vscode/1.98.2/copilot/1.296.0",
    "jetbrains": "JetBrains-IU/2025.1/copilot-intellij/1.5.40",
}
CLAUDE_PRICE_PER_MTOK = 4.5
CURSOR_PRICE_PER_MTOK = 3.0
USAGE_COLUMNS = [
    "usage_date",
    "tool",
    "user_login",
    "team",
    "suggestions_shown",
    "suggestions_accepted",
    "lines_suggested",
    "lines_accepted",
    "chat_sessions",
    "agent_sessions",
    "tokens",
    "cost_usd",
]


def _zero() -> dict[str, int]:
    return dict.fromkeys(_COUNT_FIELDS, 0)


def _lognorm(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _user_day(rng: random.Random, person: Any, languages: tuple[str, ...]) -> dict[str, Any]:
    """One user's Copilot activity on one day, broken down by feature and language."""
    ide = (
        person.ide if rng.random() < 0.9 else ("jetbrains" if person.ide == "vscode" else "vscode")
    )
    features: list[tuple[str, str, dict[str, int]]] = []

    def language() -> str:
        return languages[0] if rng.random() < 0.7 or len(languages) == 1 else languages[1]

    shown = max(1, round(_lognorm(rng, 70.0 * person.intensity, 0.5)))
    accepted = min(shown, round(shown * person.acceptance_rate * rng.uniform(0.85, 1.15)))
    loc_suggested = round(shown * rng.uniform(1.6, 2.6))
    completion = _zero()
    completion.update(
        code_generation_activity_count=shown,
        code_acceptance_activity_count=accepted,
        loc_suggested_to_add_sum=loc_suggested,
        loc_added_sum=min(loc_suggested, round(accepted * rng.uniform(1.5, 2.3))),
    )
    features.append(("code_completion", language(), completion))
    used_chat = rng.random() < 0.5
    if used_chat:
        interactions = rng.randint(1, 8)
        generated = interactions * rng.randint(0, 2)
        chat = _zero()
        chat.update(
            user_initiated_interaction_count=interactions,
            code_generation_activity_count=generated,
            code_acceptance_activity_count=round(generated * 0.4),
            loc_suggested_to_add_sum=generated * rng.randint(3, 12),
        )
        chat["loc_added_sum"] = round(chat["loc_suggested_to_add_sum"] * 0.4)
        features.append(("chat_panel_ask_mode", language(), chat))
    used_agent = rng.random() < 0.15
    if used_agent:
        interactions = rng.randint(1, 4)
        generated = interactions * rng.randint(1, 4)
        agent = _zero()
        agent.update(
            user_initiated_interaction_count=interactions,
            code_generation_activity_count=generated,
            code_acceptance_activity_count=round(generated * 0.6),
            loc_suggested_to_add_sum=generated * rng.randint(8, 20),
            loc_suggested_to_delete_sum=generated * rng.randint(0, 6),
        )
        agent["loc_added_sum"] = round(agent["loc_suggested_to_add_sum"] * 0.6)
        agent["loc_deleted_sum"] = round(agent["loc_suggested_to_delete_sum"] * 0.6)
        features.append(("chat_panel_agent_mode", language(), agent))
    return {"ide": ide, "features": features, "used_chat": used_chat, "used_agent": used_agent}


def _sum(parts: list[dict[str, int]], keys: tuple[str, ...] = _COUNT_FIELDS) -> dict[str, int]:
    total = dict.fromkeys(keys, 0)
    for part in parts:
        for key in keys:
            total[key] += part[key]
    return total


def _breakdowns(items: list[tuple[str, str, str, dict[str, int]]]) -> dict[str, Any]:
    """items: (ide, feature, language, counts) -> the report's totals_by_* lists."""
    by_ide: dict[str, list[dict[str, int]]] = defaultdict(list)
    by_feature: dict[str, list[dict[str, int]]] = defaultdict(list)
    by_lang_feature: dict[tuple[str, str], list[dict[str, int]]] = defaultdict(list)
    for ide, feature, lang, counts in items:
        by_ide[ide].append(counts)
        by_feature[feature].append(counts)
        by_lang_feature[(lang, feature)].append(counts)
    return {
        "totals_by_ide": [{"ide": k, **_sum(v)} for k, v in sorted(by_ide.items())],
        "totals_by_feature": [{"feature": k, **_sum(v)} for k, v in sorted(by_feature.items())],
        "totals_by_language_feature": [
            {"language": lang, "feature": feat, **_sum(v)}
            for (lang, feat), v in sorted(by_lang_feature.items())
        ],
    }


def _legacy_day(day: date, records: list[tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    """The legacy `/orgs/{org}/copilot/metrics` day object built from the same records."""
    completions: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # ide -> lang -> totals
    completion_users: dict[str, set[str]] = defaultdict(set)
    lang_users: dict[str, set[str]] = defaultdict(set)
    chat: dict[str, dict[str, Any]] = {}
    engaged: set[str] = set()
    for person, activity in records:
        ide = activity["ide"]
        for feature, lang, counts in activity["features"]:
            if feature == "code_completion":
                slot = completions[ide].setdefault(
                    lang,
                    {"users": set(), "s": 0, "a": 0, "ls": 0, "la": 0},
                )
                slot["users"].add(person.login)
                slot["s"] += counts["code_generation_activity_count"]
                slot["a"] += counts["code_acceptance_activity_count"]
                slot["ls"] += counts["loc_suggested_to_add_sum"]
                slot["la"] += counts["loc_added_sum"]
                completion_users[ide].add(person.login)
                lang_users[lang].add(person.login)
                if counts["code_acceptance_activity_count"] > 0:
                    engaged.add(person.login)
            else:
                slot = chat.setdefault(ide, {"users": set(), "chats": 0, "insert": 0})
                slot["users"].add(person.login)
                slot["chats"] += counts["user_initiated_interaction_count"]
                slot["insert"] += counts["code_acceptance_activity_count"]
                engaged.add(person.login)
    all_completion = set().union(*completion_users.values()) if completion_users else set()
    all_chat = set().union(*(v["users"] for v in chat.values())) if chat else set()
    editors = []
    for ide in sorted(completions):
        languages = [
            {
                "name": lang,
                "total_engaged_users": len(v["users"]),
                "total_code_suggestions": v["s"],
                "total_code_acceptances": v["a"],
                "total_code_lines_suggested": v["ls"],
                "total_code_lines_accepted": v["la"],
            }
            for lang, v in sorted(completions[ide].items())
        ]
        editors.append(
            {
                "name": ide,
                "total_engaged_users": len(completion_users[ide]),
                "models": [
                    {
                        "name": "default",
                        "is_custom_model": False,
                        "custom_model_training_date": None,
                        "total_engaged_users": len(completion_users[ide]),
                        "languages": languages,
                    }
                ],
            }
        )
    chat_editors = [
        {
            "name": ide,
            "total_engaged_users": len(v["users"]),
            "models": [
                {
                    "name": "default",
                    "is_custom_model": False,
                    "custom_model_training_date": None,
                    "total_engaged_users": len(v["users"]),
                    "total_chats": v["chats"],
                    "total_chat_insertion_events": v["insert"],
                    "total_chat_copy_events": 0,
                }
            ],
        }
        for ide, v in sorted(chat.items())
    ]
    return {
        "date": day.isoformat(),
        "total_active_users": len(records),
        "total_engaged_users": len(engaged),
        "copilot_ide_code_completions": {
            "total_engaged_users": len(all_completion),
            "languages": [
                {"name": k, "total_engaged_users": len(v)} for k, v in sorted(lang_users.items())
            ],
            "editors": editors,
        },
        "copilot_ide_chat": {"total_engaged_users": len(all_chat), "editors": chat_editors},
        "copilot_dotcom_chat": {"total_engaged_users": 0, "models": []},
        "copilot_dotcom_pull_requests": {"total_engaged_users": 0, "repositories": []},
    }


def generate_copilot(world: World, out: Output) -> dict[str, Any]:
    rng = random.Random(f"{world.seed}:copilot")
    holders = sorted((p for p in world.people if p.seat_created is not None), key=lambda p: p.login)
    languages = {t.name: t.languages for t in world.teams}
    last_active: dict[str, date] = {}
    active_days: dict[str, int] = defaultdict(int)
    legacy_days = 0
    report_days = 0
    for day in daterange(world.program_start, world.end):
        weekday = day.weekday() < 5
        records: list[tuple[Any, dict[str, Any]]] = []
        for person in holders:
            assert person.seat_created is not None
            if day < person.seat_created or not person.ai_active:
                continue
            if rng.random() >= (0.8 if weekday else 0.05):
                continue
            team = person.team_on(day) or person.seat_team
            assert team is not None  # a seat holder has a seat team
            records.append((person, _user_day(rng, person, languages[team])))
            last_active[person.login] = day
            active_days[person.login] += 1
        if day < world.reports_start:
            out.append_jsonl("api/copilot/metrics.jsonl", [_legacy_day(day, records)])
            legacy_days += 1
            continue
        report_days += 1
        user_rows = []
        all_items: list[tuple[str, str, str, dict[str, int]]] = []
        for person, activity in records:
            items = [(activity["ide"], f, lang, c) for f, lang, c in activity["features"]]
            all_items.extend(items)
            row: dict[str, Any] = {
                "day": day.isoformat(),
                "organization_id": str(GITHUB_ORG_ID),
                "user_id": person.github_id,
                "user_login": person.login,
                **_sum([c for *_rest, c in items]),
                **_breakdowns(items),
                "used_agent": activity["used_agent"],
                "used_chat": activity["used_chat"],
            }
            user_rows.append(row)
        out.append_jsonl("api/copilot/users-1-day.jsonl", user_rows)
        weekly = sum(1 for d in last_active.values() if (day - d).days < 7)
        monthly = sum(1 for d in last_active.values() if (day - d).days < 28)
        out.append_jsonl(
            "api/copilot/organization-1-day.jsonl",
            [
                {
                    "day": day.isoformat(),
                    "organization_id": str(GITHUB_ORG_ID),
                    "daily_active_users": len(records),
                    "weekly_active_users": weekly,
                    "monthly_active_users": monthly,
                    **_sum([c for *_rest, c in all_items]),
                    **_breakdowns(all_items),
                }
            ],
        )
    seats = []
    for person in holders:
        assert person.seat_created is not None
        created = datetime.combine(person.seat_created, datetime.min.time()) + timedelta(hours=8)
        last = last_active.get(person.login)
        last_at = (
            datetime.combine(last, datetime.min.time())
            + timedelta(hours=9, minutes=stable_minutes(person.login))
            if last
            else None
        )
        seats.append(
            {
                "created_at": iso_utc(created),
                "updated_at": iso_utc(created),
                "pending_cancellation_date": None,
                "last_activity_at": iso_utc(last_at) if last_at else None,
                "last_activity_editor": _EDITOR_VERSION[person.ide] if last_at else None,
                "plan_type": "business",
                "assigning_team": {"slug": person.seat_team, "name": person.seat_team},
                "assignee": {
                    "login": person.login,
                    "id": person.github_id,
                    "type": "User",
                    "site_admin": False,
                },
            }
        )
    out.write_jsonl("api/copilot/seats.jsonl", seats)
    return {
        "seat_holders": len(holders),
        "ever_active_seat_holders": len(active_days),
        "legacy_metric_days": legacy_days,
        "report_days": report_days,
    }


def stable_minutes(login: str) -> int:
    return sum(ord(c) for c in login) % 480


def generate_ai_usage(
    world: World, out: Output, native: dict[str, list[list[Any]]] | None = None
) -> dict[str, dict[date, dict[str, float]]]:
    """The daily usage of Claude Code (per user) and Cursor (per team).

    Claude Code's rows go to the generic usage file (and into `native["claude_code"]`);
    Cursor's go to `native["cursor"]` when `native` is given (the demo serves them through
    the Cursor Admin API, ingestion/demo/ai_tools.py), else to the usage file.
    Returns monthly totals per tool: {tool: {month: {"cost": usd, "tokens": n}}}.
    """
    rng = random.Random(f"{world.seed}:ai_usage")
    monthly: dict[str, dict[date, dict[str, float]]] = {"claude_code": {}, "cursor": {}}

    def add(tool: str, day: date, cost: float, tokens: int) -> None:
        month = date(day.year, day.month, 1)
        slot = monthly[tool].setdefault(month, {"cost": 0.0, "tokens": 0})
        slot["cost"] += cost
        slot["tokens"] += tokens

    claude_team = world.team(world.special["claude_code_team"])
    cursor_team = world.team(world.special["cursor_team"])
    claude_rows = []
    assert claude_team.rollout is not None
    users = sorted((p for p in world.people if p.ai_active), key=lambda p: p.login)
    for day in daterange(claude_team.rollout, world.end):
        if day.weekday() >= 5:
            continue
        for person in users:
            if person.team_on(day) != claude_team.name or rng.random() >= 0.55:
                continue
            sessions = rng.randint(1, 6)
            tokens = round(_lognorm(rng, 350_000, 0.6))
            cost = round(tokens / 1e6 * CLAUDE_PRICE_PER_MTOK, 2)
            lines = round(_lognorm(rng, 220, 0.6))
            shown = rng.randint(5, 40)
            claude_rows.append(
                [
                    day.isoformat(),
                    "claude_code",
                    person.login,
                    claude_team.name,
                    shown,
                    round(shown * rng.uniform(0.6, 0.9)),
                    lines,
                    round(lines * rng.uniform(0.55, 0.85)),
                    0,
                    sessions,
                    tokens,
                    f"{cost:.2f}",
                ]
            )
            add("claude_code", day, cost, tokens)
    out.write_csv("ai_usage/claude_code_usage.csv", USAGE_COLUMNS, claude_rows)
    if native is not None:
        native["claude_code"] = claude_rows

    cursor_rows = []
    assert cursor_team.rollout is not None
    for day in daterange(cursor_team.rollout, world.end):
        if day.weekday() >= 5:
            continue
        members = [p for p in users if p.team_on(day) == cursor_team.name]
        active = sum(1 for _ in members if rng.random() < 0.7)
        if active == 0:
            continue
        shown = sum(round(_lognorm(rng, 150, 0.4)) for _ in range(active))
        accepted = round(shown * rng.uniform(0.28, 0.34))
        lines = round(shown * rng.uniform(1.5, 2.2))
        tokens = sum(round(_lognorm(rng, 120_000, 0.5)) for _ in range(active))
        cost = round(tokens / 1e6 * CURSOR_PRICE_PER_MTOK, 2)
        cursor_rows.append(
            [
                day.isoformat(),
                "cursor",
                None,
                cursor_team.name,
                shown,
                accepted,
                lines,
                round(accepted * rng.uniform(1.4, 2.0)),
                rng.randint(0, 3 * active),
                rng.randint(0, active),
                tokens,
                f"{cost:.2f}",
            ]
        )
        add("cursor", day, cost, tokens)
    if native is not None:
        native["cursor"] = cursor_rows
    else:
        out.write_csv("ai_usage/cursor_usage.csv", USAGE_COLUMNS, cursor_rows)
    return monthly
