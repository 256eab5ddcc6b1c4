"""Finance and business CSVs for the `raw_files` drop folder."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any, TypedDict

from ingestion.demo.output import Output
from ingestion.demo.timeutil import add_months, daterange, month_starts
from ingestion.demo.world import EFFECTS, RATE_RAISE, ROLE_RATES, ROLES, World, stable_hex

TRAINING_HOURS_PER_SEAT = 1.0


def rate_change_day(world: World) -> date:
    return add_months(world.start, world.months // 2)


def loaded_rate(world: World, role: str, day: date) -> float:
    base = ROLE_RATES[role]
    return round(base * RATE_RAISE, 2) if day >= rate_change_day(world) else base


def _money(value: float) -> str:
    return f"{value:.2f}"


def write_labor_rates(world: World, out: Output) -> None:
    rows = []
    for role in ROLES:
        rows.append([role, _money(ROLE_RATES[role]), "USD", world.start.isoformat()])
        rows.append(
            [
                role,
                _money(round(ROLE_RATES[role] * RATE_RAISE, 2)),
                "USD",
                rate_change_day(world).isoformat(),
            ]
        )
    rows.sort()
    out.write_csv(
        "files/labor_rates.csv", ["role", "loaded_hourly_cost", "currency", "valid_from"], rows
    )


def write_roster(world: World, out: Output) -> None:
    rows: list[list[Any]] = []
    for person in world.people:
        for stint in person.stints:
            rows.append(
                [
                    person.login,
                    person.display_name,
                    person.role,
                    stint.team,
                    stint.valid_from.isoformat(),
                    # the roster file's valid_to is the inclusive last day (as HR exports mean it)
                    (stint.valid_to - timedelta(days=1)).isoformat() if stint.valid_to else None,
                    "false",
                ]
            )
    platform = next((t.name for t in world.teams if t.name == "platform"), world.teams[0].name)
    rows.append(["ci-bot", "CI Bot", "bot", platform, world.start.isoformat(), None, "true"])
    rows.sort(key=lambda r: (r[0], r[4]))
    out.write_csv(
        "files/roster.csv",
        ["login", "display_name", "role", "team", "valid_from", "valid_to", "is_bot"],
        rows,
    )


def write_rollout_and_ownership(world: World, out: Output) -> None:
    rows: list[list[str | None]] = []
    for team in world.teams:
        if team.cohort == "treatment":
            assert team.rollout is not None
            for tool in team.tools:
                rows.append([team.name, tool, "treatment", team.rollout.isoformat()])
        else:
            rows.append([team.name, "github_copilot", "control", None])
    rows.sort()  # (team, tool) is unique: the None rollout date is never compared
    out.write_csv("files/ai_rollout.csv", ["team", "tool", "cohort", "rollout_date"], rows)
    owners = []
    for team in world.teams:
        owners.append([team.full_name, "repository", team.name])
        owners.append([team.pd_service, "pagerduty_service", team.name])
        owners.append([team.key, "jira_project", team.name])
    owners.sort()
    out.write_csv("files/service_ownership.csv", ["service", "service_type", "team"], owners)


class AiCostTotals(TypedDict):
    """The program's AI cost by kind (USD) and its ratio to the licences (None without any)."""

    licences_usd: float
    usage_usd: float
    training_usd_incl_hours_at_loaded_rate: float
    maintenance_and_platform_usd: float
    total_usd: float
    tco_to_licence_ratio: float | None


def write_ai_costs(
    world: World,
    out: Output,
    usage: dict[str, dict[date, dict[str, float]]],
    api: dict[str, Any] | None = None,
) -> AiCostTotals:
    """Invoices sized so the program's total AI cost is ~2.5x its licences.

    With `api` (ingestion/demo/ai_tools.py's summary) Anthropic also invoices the API
    product's usage (its Claude Code invoices exist already: together they cover the
    Anthropic cost report's whole month), OpenAI spend
    has no invoice (the TCO takes it from the cost report) and the Cursor usage invoice of
    the current billing cycle is left out (the TCO takes Cursor's spend API): all count in
    the total, each once.
    """
    rng = random.Random(f"{world.seed}:ai_costs")
    price = float(EFFECTS["copilot_seat_price_usd"])
    months = month_starts(world.program_start, world.end)
    holders = [p for p in world.people if p.seat_created is not None]
    rows: list[list[Any]] = []
    licences = 0.0
    for month in months:
        month_end = add_months(month, 1) - timedelta(days=1)
        seats = sum(
            1 for p in holders if p.seat_created is not None and p.seat_created <= month_end
        )
        if seats == 0:
            continue
        amount = seats * price
        licences += amount
        rows.append(
            [
                f"INV-GH-{month:%Y%m}",
                month.isoformat(),
                "GitHub",
                "github_copilot",
                "licence",
                _money(amount),
                "USD",
                None,
                seats,
                None,
                None,
            ]
        )
    usage_total = 0.0
    vendors = {"claude_code": ("Anthropic", "ANT"), "cursor": ("Anysphere", "CUR")}
    api_spend = (api or {}).get("api_spend_usd", {})
    cursor_cycle = (api or {}).get("cursor_cycle_start")
    if api_spend:
        usage_total += round(sum(api_spend.get("openai", {}).values()), 2)
        for month_text, amount in sorted((api or {}).get("anthropic_product_usd", {}).items()):
            month = date.fromisoformat(month_text)
            usage_total += amount
            rows.append(
                [
                    f"INV-ANTAPI-{month:%Y%m}",
                    month.isoformat(),
                    "Anthropic",
                    "anthropic_api",
                    "usage",
                    _money(amount),
                    "USD",
                    None,
                    None,
                    None,
                    None,
                ]
            )
    for tool, per_month in sorted(usage.items()):
        vendor, code = vendors[tool]
        for month, totals in sorted(per_month.items()):
            amount = round(totals["cost"], 2)
            usage_total += amount
            if tool == "cursor" and month.isoformat() == cursor_cycle:
                continue  # not invoiced yet: Cursor's spend API has it
            rows.append(
                [
                    f"INV-{code}-{month:%Y%m}",
                    month.isoformat(),
                    vendor,
                    tool,
                    "usage",
                    _money(amount),
                    "USD",
                    None,
                    None,
                    int(totals["tokens"]),
                    None,
                ]
            )
    training_total = 0.0
    for team in world.teams:
        if team.rollout is None:
            continue
        team_holders = [p for p in holders if p.seat_team == team.name]
        hours = TRAINING_HOURS_PER_SEAT * len(team_holders)
        fee = 100.0 + 10.0 * len(team_holders)
        training_total += fee + sum(
            TRAINING_HOURS_PER_SEAT * loaded_rate(world, p.role, team.rollout) for p in team_holders
        )
        month = date(team.rollout.year, team.rollout.month, 1)
        rows.append(
            [
                f"INV-TRN-{team.name.upper()}-{month:%Y%m}",
                month.isoformat(),
                "DevSkills Ltd",
                "github_copilot",
                "training",
                _money(fee),
                "USD",
                team.name,
                None,
                None,
                f"{hours:.1f}",
            ]
        )
    target = float(EFFECTS["tco_to_licence_ratio_target"]) * licences
    remaining = max(target - licences - usage_total - training_total, 0.05 * licences)
    weights = [1.0 + 0.1 * rng.random() for _ in months]
    scale = remaining / sum(weights) if weights else 0.0
    other_total = 0.0
    for month, weight in zip(months, weights, strict=True):
        amount = weight * scale
        maintenance = round(amount * 0.4, 2)
        platform = round(amount - maintenance, 2)
        other_total += maintenance + platform
        rows.append(
            [
                f"INV-MNT-{month:%Y%m}",
                month.isoformat(),
                "Internal",
                "ai_tooling",
                "maintenance",
                _money(maintenance),
                "USD",
                None,
                None,
                None,
                None,
            ]
        )
        rows.append(
            [
                f"INV-PLT-{month:%Y%m}",
                month.isoformat(),
                "CloudGate",
                "ai_gateway",
                "platform",
                _money(platform),
                "USD",
                None,
                None,
                None,
                None,
            ]
        )
    rows.sort(key=lambda r: (r[1], r[0]))
    out.write_csv(
        "files/ai_costs.csv",
        [
            "invoice_id",
            "month",
            "vendor",
            "tool",
            "cost_type",
            "amount",
            "currency",
            "team",
            "seats",
            "usage_units",
            "training_hours",
        ],
        rows,
    )
    total = licences + usage_total + training_total + other_total
    return {
        "licences_usd": round(licences, 2),
        "usage_usd": round(usage_total, 2),
        "training_usd_incl_hours_at_loaded_rate": round(training_total, 2),
        "maintenance_and_platform_usd": round(other_total, 2),
        "total_usd": round(total, 2),
        "tco_to_licence_ratio": round(total / licences, 3) if licences else None,
    }


def _clip_score(value: float) -> int:
    return max(1, min(5, round(value)))


def write_surveys(world: World, out: Output) -> None:
    rng = random.Random(f"{world.seed}:surveys")
    low_trust = world.special["low_trust_team"]
    rows = []
    for month in month_starts(world.start, world.end):
        for team in world.teams:
            survey_day = month + timedelta(days=rng.randint(19, 26))
            if survey_day > world.end:
                continue
            members = [p for p in world.people if p.team_on(survey_day) == team.name]
            treated = team.rollout is not None and survey_day >= team.rollout
            for person in members:
                if rng.random() >= 0.6:
                    continue
                friction = rng.gauss(3.2 - (0.4 if treated else 0.0), 0.8)
                satisfaction = rng.gauss(3.5 + (0.3 if treated else 0.0), 0.8)
                trust = hours = None
                if treated:
                    mean = (
                        float(EFFECTS["low_trust_team_mean_trust"])
                        if team.name == low_trust
                        else 3.7
                    )
                    trust = _clip_score(rng.gauss(mean, 0.6))
                    median_hours = 1.0 if team.name == low_trust else 3.0
                    hours = round(median_hours * math.exp(rng.gauss(0, 0.5)), 1)
                response_id = "R_" + stable_hex(
                    world.seed, "survey", team.name, month, person.login, length=16
                )
                rows.append(
                    [
                        response_id,
                        survey_day.isoformat(),
                        team.name,
                        _clip_score(friction),
                        _clip_score(satisfaction),
                        trust,
                        hours,
                    ]
                )
    rows.sort(key=lambda r: (r[1], r[2], r[0]))
    out.write_csv(
        "files/surveys.csv",
        [
            "response_id",
            "response_date",
            "team",
            "friction_score",
            "satisfaction_score",
            "ai_trust_score",
            "hours_saved_per_week",
        ],
        rows,
    )


def write_features_and_kpis(world: World, out: Output, epics: list[dict[str, Any]]) -> int:
    rng = random.Random(f"{world.seed}:features")
    launches = []
    for epic in sorted(epics, key=lambda e: e["key"]):
        if epic["done"] is None or rng.random() >= 0.7:
            continue
        launch = epic["done"] + timedelta(days=rng.randint(1, 10))
        while launch.weekday() >= 5:
            launch += timedelta(days=1)
        if launch > world.end:
            continue
        launches.append([epic["key"], epic["name"], launch.isoformat(), epic["product_area"]])
    launches.sort(key=lambda r: (r[2], r[0]))
    out.write_csv(
        "files/feature_launches.csv",
        ["feature_key", "feature_name", "launch_date", "product_area"],
        launches,
    )

    areas = sorted({t.product_area for t in world.teams})
    launches_by_area_month: dict[tuple[str, date], int] = {}
    for _key, _name, launch, area in launches:
        day = date.fromisoformat(launch)
        key = (area, date(day.year, day.month, 1))
        launches_by_area_month[key] = launches_by_area_month.get(key, 0) + 1
    rows = []
    for area in areas:
        area_rng = random.Random(f"{world.seed}:kpi:{area}")
        revenue = area_rng.uniform(0.4e6, 2.5e6)
        conversion = area_rng.uniform(0.02, 0.05)
        churn = area_rng.uniform(0.01, 0.03)
        for index, month in enumerate(month_starts(world.start, world.end)):
            boost = launches_by_area_month.get((area, add_months(month, -1)), 0)
            season = 1 + 0.06 * math.sin(2 * math.pi * (month.month - 3) / 12)
            revenue *= 1.008 + 0.004 * boost + area_rng.gauss(0, 0.015)
            conversion *= 1 + 0.005 * boost + area_rng.gauss(0, 0.02)
            churn *= 1 - 0.004 * boost + area_rng.gauss(0, 0.03)
            rows.append([month.isoformat(), "revenue", area, round(revenue * season, 2)])
            rows.append([month.isoformat(), "conversion_rate", area, round(conversion, 5)])
            rows.append([month.isoformat(), "churn_rate", area, round(churn, 5)])
            del index
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    out.write_csv("files/kpis.csv", ["month", "metric_name", "product_area", "value"], rows)
    return len(launches)


def write_ops_transactions(world: World, out: Output) -> None:
    drift = float(EFFECTS["ops_cost_per_transaction_drift_ai"])
    rows: list[list[Any]] = []
    for team in sorted(world.teams, key=lambda t: t.name):
        for process in team.processes:
            rng = random.Random(f"{world.seed}:ops:{team.name}:{process}")
            volume = rng.uniform(2_000, 60_000)
            cost_per_txn = rng.uniform(0.02, 0.6)
            error_rate = rng.uniform(0.003, 0.02)
            for day in daterange(world.start, world.end):
                weekday_factor = 1.0 if day.weekday() < 5 else 0.65
                transactions = max(1, round(volume * weekday_factor * math.exp(rng.gauss(0, 0.08))))
                failed = max(0, round(transactions * error_rate * math.exp(rng.gauss(0, 0.25))))
                factor = 1.0
                if team.rollout is not None and day >= team.rollout:
                    factor = 1.0 + drift * min(1.0, (day - team.rollout).days / 180)
                cost = transactions * cost_per_txn * factor * math.exp(rng.gauss(0, 0.03))
                rows.append(
                    [day.isoformat(), team.name, process, transactions, failed, _money(cost)]
                )
    out.write_csv(
        "files/ops_transactions.csv",
        [
            "transaction_date",
            "team",
            "process",
            "transactions",
            "failed_transactions",
            "operating_cost",
        ],
        rows,
    )
