"""The demo's true hours saved (manifest `true_hours_saved`): a by-product of the simulation's
own draws, consistent across teams, phases and the organisation."""

from __future__ import annotations

from typing import Any

import pytest

from ingestion.demo.generator import generate
from ingestion.demo.world import EFFECTS, RATE_RAISE, ROLE_RATES

SMALL = {"teams": 3, "team_size": (5, 7), "months": 6}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return generate(tmp_path_factory.mktemp("truth"), seed=42, **SMALL)


def test_each_ai_task_saved_its_effort_without_ai_minus_with_ai(manifest: dict[str, Any]) -> None:
    truth = manifest["true_hours_saved"]
    multiplier = EFFECTS["ai_task_effort_multiplier"]
    assert set(truth["teams"]) <= set(manifest["cohorts"]["treatment"]) and truth["teams"]
    for team, phases in truth["teams"].items():
        for phase in ("adoption", "impact", "total"):
            bucket = phases[phase]
            # effort without AI = effort / 0.75 for the same draw: a third of the effort
            assert bucket["hours"] == pytest.approx(
                bucket["effort_hours"] * (1 / multiplier - 1), abs=0.01
            )
        total = phases["total"]
        assert total["ai_tasks"] == phases["adoption"]["ai_tasks"] + phases["impact"]["ai_tasks"]
        assert total["hours"] == pytest.approx(
            phases["adoption"]["hours"] + phases["impact"]["hours"], abs=0.01
        )
        # done AI tasks are a subset of the team's AI tasks that started before the cut
        assert total["ai_tasks"] <= manifest["team_counts"][team]["ai_tasks"]


def test_value_uses_a_loaded_rate_and_the_org_adds_up(manifest: dict[str, Any]) -> None:
    truth = manifest["true_hours_saved"]
    low, high = min(ROLE_RATES.values()), max(ROLE_RATES.values()) * RATE_RAISE
    for phases in truth["teams"].values():
        total = phases["total"]
        assert low * total["hours"] - 0.01 <= total["value_usd"] <= high * total["hours"] + 0.01
    for phase in ("adoption", "impact", "total"):
        for key in ("ai_tasks", "hours", "value_usd"):
            assert truth["org"][phase][key] == pytest.approx(
                sum(t[phase][key] for t in truth["teams"].values()), abs=0.05
            )
    assert sum(m["hours"] for m in truth["org_months"].values()) == pytest.approx(
        truth["org"]["total"]["hours"], abs=0.05
    )
    assert truth["org_ai_total_cost_usd"] == manifest["ai_cost_summary"]["total_usd"]
    assert truth["org_net_gain_usd"] == pytest.approx(
        truth["org"]["total"]["value_usd"] - truth["org_ai_total_cost_usd"], abs=0.01
    )
