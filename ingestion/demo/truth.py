"""The demo's true hours saved, written to the manifest (`true_hours_saved`).

A by-product of the simulation, not an estimate: every AI-assisted task's effort was drawn
as `base x team factor x secular x ai_task_effort_multiplier x noise`, so the same task
without AI (same noise draw) would have taken `effort / ai_task_effort_multiplier` hours.
The hours saved are the difference, summed per team and phase; nothing here draws a random
number, so the generated files are unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ingestion.demo.business import loaded_rate
from ingestion.demo.world import World

#: the phase windows of the dbt project's defaults (vars baseline_window_days and
#: adoption_window_days): adoption = [rollout, rollout + 60 days), impact = from then on,
#: by the task's done day in UTC (as int_work_items_enriched assigns phases)
ADOPTION_WINDOW_DAYS = 60


def team_loaded_rate(world: World, team: str, day: date) -> float | None:
    """The team's loaded hourly cost on `day` as the warehouse computes it
    (int_team_loaded_rates_daily): the mean role rate of the humans on the team that day."""
    members = world.members_on(team, day)
    if not members:
        return None
    return sum(loaded_rate(world, p.role, day) for p in members) / len(members)


def _bucket() -> dict[str, float]:
    return {"ai_tasks": 0, "hours": 0.0, "value_usd": 0.0, "effort_hours": 0.0}


def _rounded(bucket: dict[str, float]) -> dict[str, float]:
    return {
        "ai_tasks": int(bucket["ai_tasks"]),
        "hours": round(bucket["hours"], 3),
        "value_usd": round(bucket["value_usd"], 2),
        "effort_hours": round(bucket["effort_hours"], 3),
    }


def true_hours_saved(
    world: World,
    savings: dict[str, list[tuple[date, float, float]]],
    ai_total_cost_usd: float,
) -> dict[str, Any]:
    """`savings`: per team, (done day UTC, effort with AI, hours saved) of its AI-assisted
    tasks (TeamSimulation.ai_savings). Returns the manifest's `true_hours_saved` entry."""
    teams: dict[str, dict[str, dict[str, float]]] = {}
    org: dict[str, dict[str, float]] = defaultdict(_bucket)
    org_months: dict[str, dict[str, float]] = defaultdict(_bucket)
    for team in sorted(savings):
        rollout = world.team(team).rollout
        phases: dict[str, dict[str, float]] = defaultdict(_bucket)
        for done, effort, hours in sorted(savings[team]):
            if rollout is None:  # cannot happen: AI-assisted tasks need a rollout
                continue
            phase = (
                "adoption" if done < rollout + timedelta(days=ADOPTION_WINDOW_DAYS) else "impact"
            )
            rate = team_loaded_rate(world, team, done)
            value = hours * rate if rate is not None else 0.0
            month = done.replace(day=1).isoformat()
            for bucket in (
                phases[phase],
                phases["total"],
                org[phase],
                org["total"],
                org_months[month],
            ):
                bucket["ai_tasks"] += 1
                bucket["hours"] += hours
                bucket["value_usd"] += value
                bucket["effort_hours"] += effort
        if phases:
            teams[team] = {name: _rounded(phases[name]) for name in ("adoption", "impact", "total")}
    org_total = _rounded(org["total"])
    return {
        "definition": (
            "per AI-assisted task done by the history end: effort without AI (effort / "
            "ai_task_effort_multiplier, same noise draw) - effort with AI; value = hours x the "
            "team's loaded hourly cost on the done day (mean role rate of its members, as "
            "int_team_loaded_rates_daily); phases by the done day in UTC: adoption = "
            f"[rollout, rollout + {ADOPTION_WINDOW_DAYS} days), impact = after, total = both"
        ),
        "adoption_window_days": ADOPTION_WINDOW_DAYS,
        "teams": teams,
        "org": {name: _rounded(org[name]) for name in ("adoption", "impact", "total")},
        "org_months": {month: _rounded(org_months[month]) for month in sorted(org_months)},
        "org_ai_total_cost_usd": round(ai_total_cost_usd, 2),
        "org_net_gain_usd": round(org_total["value_usd"] - ai_total_cost_usd, 2),
    }


def _phase(world: World, team: str, day: date) -> str:
    rollout = world.team(team).rollout
    assert rollout is not None
    return "adoption" if day < rollout + timedelta(days=ADOPTION_WINDOW_DAYS) else "impact"


def true_quality_regression(
    world: World,
    team: str,
    incident_draws: list[tuple[date, float]],
    restore_hours: list[float],
    rate_before: float,
    rate_after: float,
) -> dict[str, Any]:
    """The quality-regression team's extra failed deployments: a successful production
    deployment from the rollout on caused an incident when its draw was below the incident
    rate, so a draw in [rate before, rate after) is an incident only the regression caused
    (same draw, no regression: no incident). Its cost = those deployments x the median hours
    from start to resolution of the team's deploy-caused incidents (one responder) x the
    team's loaded hourly cost on the deployment day."""
    ordered = sorted(restore_hours)
    middle = len(ordered) // 2
    median = (
        (ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)
        if ordered
        else 0.0
    )
    phases: dict[str, dict[str, float]] = defaultdict(
        lambda: {"deployments": 0, "extra_failed_deployments": 0, "cost_usd": 0.0}
    )
    for day, draw in sorted(incident_draws):
        for name in (_phase(world, team, day), "total"):
            phases[name]["deployments"] += 1
        if rate_before <= draw < rate_after:
            rate = team_loaded_rate(world, team, day) or 0.0
            for name in (_phase(world, team, day), "total"):
                phases[name]["extra_failed_deployments"] += 1
                phases[name]["cost_usd"] += median * rate
    return {
        "definition": (
            "successful production deployments from the rollout whose incident draw fell in "
            "[rate before, rate after): incidents the regression added; cost = each x the "
            "median start-to-resolution hours of the team's deploy-caused incidents (one "
            "responder) x the team's loaded hourly cost that day; phases by the deployment's "
            "finish day (UTC)"
        ),
        "team": team,
        "restore_effort_hours": round(median, 3),
        "phases": {
            name: {
                "deployments": int(phases[name]["deployments"]),
                "extra_failed_deployments": int(phases[name]["extra_failed_deployments"]),
                "cost_usd": round(phases[name]["cost_usd"], 2),
            }
            for name in ("adoption", "impact", "total")
        },
    }


def true_leakage(
    world: World,
    savings: dict[str, list[tuple[date, float, float]]],
    leaked: dict[str, list[tuple[date, float]]],
) -> dict[str, Any]:
    """Per treatment team and phase: hours saved, hours of it left idle (the leakage team
    idles a fixed share of each AI-assisted task's saving before its next task; the others
    start the next task at once, so their true leakage is 0) and the leaked share."""
    teams: dict[str, dict[str, dict[str, float]]] = {}
    for team in sorted(savings):
        phases: dict[str, dict[str, float]] = defaultdict(
            lambda: {"hours_saved": 0.0, "leaked_hours": 0.0}
        )
        for done, _effort, hours in savings[team]:
            for name in (_phase(world, team, done), "total"):
                phases[name]["hours_saved"] += hours
        for done, idle in leaked.get(team, []):
            for name in (_phase(world, team, done), "total"):
                phases[name]["leaked_hours"] += idle
        teams[team] = {
            name: {
                "hours_saved": round(phases[name]["hours_saved"], 3),
                "leaked_hours": round(phases[name]["leaked_hours"], 3),
                "leakage_share": round(
                    phases[name]["leaked_hours"] / phases[name]["hours_saved"], 4
                )
                if phases[name]["hours_saved"]
                else 0.0,
            }
            for name in ("adoption", "impact", "total")
        }
    return {
        "definition": (
            "hours of the AI's saving left idle before the next task (leakage team: "
            "leakage_team_unreinvested_share of each AI-assisted task's saving; other teams 0), "
            "per treatment team and phase by the done day (UTC); leakage_share = leaked / saved"
        ),
        "team": world.special.get("leakage_team"),
        "teams": teams,
    }
