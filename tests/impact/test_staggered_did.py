"""The staggered difference-in-differences and its randomisation inference
(`models/marts/impact_analysis/fct_did_randomisation_inference.py`, a dbt Python model).

Nothing is built: the model file is loaded as a module and its functions run on small
panels whose answers are computed by hand (tiny panel, 6-assignment p-value and interval)
or by a deliberately naive loop implementation (random panels with missing weeks)."""

import importlib.util
import itertools
import math
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

MODEL_PATH = (
    Path(__file__).resolve().parents[2]
    / "models"
    / "marts"
    / "impact_analysis"
    / "fct_did_randomisation_inference.py"
)
TOLERANCE = 1e-9


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fct_did_randomisation_inference", MODEL_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


did = _load()

MONDAY = date(2026, 1, 5)  # W0


def week(index: int) -> date:
    return MONDAY + timedelta(days=7 * index)


def frames(
    values: dict[str, list[float | None]], rollouts: dict[str, int | None], metric: str = "m"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations (one per non-null value, W0 = 2026-01-05) and teams (rollout week
    index or None = control)."""
    observations = pd.DataFrame(
        [
            {"metric_name": metric, "team_name": team, "week_start": week(i), "value": v}
            for team, series in values.items()
            for i, v in enumerate(series)
            if v is not None
        ]
    )
    teams = pd.DataFrame(
        [
            {
                "team_name": team,
                "cohort": "control" if rollout is None else "treatment",
                "rollout_week_start": None if rollout is None else week(rollout),
            }
            for team, rollout in rollouts.items()
        ]
    )
    return observations, teams


def rows_by_key(result: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["result_key"]: row for row in result.to_dict("records")}


# --- the hand-computed tiny panel ------------------------------------------------------------
#
# Weeks W0..W5. Team A rolled out in W2, team B in W3 (two cohorts), C and D are controls.
# Pre-rollout window: 2 weeks (A: W0-W1, B: W1-W2). Impact weeks: 1 week after rollout on.
#
#          W0  W1  W2  W3  W4  W5    window mean for cohort A (W0-W1) / cohort B (W1-W2)
#   A      10  12  11  15  16  17    11 / -
#   B       8   8  10  12  14  15     8 / 9
#   C       5   5   5   5   5   5     5 / 5
#   D       6   8   7   9   8  10     7 / 7.5
#
# ATT(g, t) = A's (or B's) change from its own window mean - mean change of the comparison
# teams over the same window; comparisons are C, D and, until its rollout, B:
#   (A, W2) k=0: 0 - mean(B 10-8=2, C 0, D 7-7=0) = -2/3
#   (A, W3) k=1: 4 - mean(C 0, D 2) = 3         (B rolled out in W3: not a comparison)
#   (A, W4) k=2: 5 - mean(0, 1) = 4.5
#   (A, W5) k=3: 6 - mean(0, 3) = 4.5
#   (B, W3) k=0: 3 - mean(0, 9-7.5=1.5) = 2.25
#   (B, W4) k=1: 5 - mean(0, 0.5) = 4.75
#   (B, W5) k=2: 6 - mean(0, 2.5) = 4.75
# Aggregate over k >= 1, one treated team-week per cell: (3 + 4.5 + 4.5 + 4.75 + 4.75) / 5
# = 4.3; treated change (4 + 5 + 6 + 5 + 6) / 5 = 5.2, comparison change 0.9; the treated
# teams' window means (11, 11, 11, 9, 9) average 10.2.
# Event weeks: k=0 (-2/3 + 2.25) / 2 = 19/24; k=1 (3 + 4.75) / 2 = 3.875; k=2 4.625; k=3 4.5.
# Placebo weeks: (A, W0) k=-2: -1 - mean(B 0, C 0, D -1) = -2/3; (B, W1): -1 - mean(C 0,
# D 0.5) = -1.25 -> k=-2: -23/24; k=-1: (A, W1) 1 - 1/3 = 2/3, (B, W2) 1 - (-0.25) = 1.25
# -> 23/24. (B, W0) is 3 weeks before B's rollout, before its window: no estimate uses it,
# so it is no group-time row.

TINY = {
    "A": [10, 12, 11, 15, 16, 17],
    "B": [8, 8, 10, 12, 14, 15],
    "C": [5, 5, 5, 5, 5, 5],
    "D": [6, 8, 7, 9, 8, 10],
}
TINY_ROLLOUTS = {"A": 2, "B": 3, "C": None, "D": None}
TINY_SETTINGS = did.Settings(baseline_weeks=2, impact_from_week=1, event_study_last_week=3)


def tiny() -> dict[str, dict[str, Any]]:
    return rows_by_key(did.analyse(*frames(TINY, TINY_ROLLOUTS), TINY_SETTINGS))


def test_group_time_effects_by_hand() -> None:
    got = tiny()
    expected = {
        (2, 2): -2 / 3,
        (2, 3): 3.0,
        (2, 4): 4.5,
        (2, 5): 4.5,
        (3, 3): 2.25,
        (3, 4): 4.75,
        (3, 5): 4.75,
        (2, 0): -2 / 3,
        (2, 1): 2 / 3,
        (3, 1): -1.25,
        (3, 2): 1.25,
    }
    for (cohort, t), att in expected.items():
        row = got[f"group_time:{week(cohort).isoformat()}:{week(t).isoformat()}"]
        assert row["estimate"] == pytest.approx(att, abs=TOLERANCE), (cohort, t)
        assert row["weeks_since_rollout"] == t - cohort
        assert row["is_in_aggregate"] == (t - cohort >= 1)
    group_time = [k for k in got if k.startswith("group_time:")]
    assert len(group_time) == len(expected)
    # B is a not-yet-treated comparison for A in A's rollout week, not once B rolled out
    assert (
        got[f"group_time:{week(2).isoformat()}:{week(2).isoformat()}"]["not_yet_treated_teams"] == 1
    )
    assert (
        got[f"group_time:{week(2).isoformat()}:{week(3).isoformat()}"]["not_yet_treated_teams"] == 0
    )
    weights = [got[k]["aggregate_weight"] for k in group_time]
    assert sum(weights) == pytest.approx(1.0)
    assert sum(
        got[k]["aggregate_weight"] * got[k]["estimate"] for k in group_time
    ) == pytest.approx(4.3)


def test_aggregate_by_hand() -> None:
    agg = tiny()["aggregate"]
    assert agg["estimate"] == pytest.approx(4.3, abs=TOLERANCE)
    assert agg["treated_change"] == pytest.approx(5.2, abs=TOLERANCE)
    assert agg["comparison_change"] == pytest.approx(0.9, abs=TOLERANCE)
    assert agg["treated_pre_rollout_mean"] == pytest.approx(10.2, abs=TOLERANCE)
    assert (agg["treated_teams"], agg["control_teams"], agg["not_yet_treated_teams"]) == (2, 2, 0)
    assert (agg["treated_team_weeks"], agg["rollout_cohorts"]) == (5, 2)
    # 4 teams, rollout weeks {W2, W3, never, never}: 4! / 2! = 12 assignments, all estimable
    assert agg["randomisation_assignments"] == 12
    assert agg["randomisation_is_exact"]
    assert pd.isna(agg["null_reason"])


def test_event_study_by_hand() -> None:
    got = tiny()
    expected = {-2: -23 / 24, -1: 23 / 24, 0: 19 / 24, 1: 3.875, 2: 4.625, 3: 4.5}
    for k, value in expected.items():
        row = got[f"event_week:{k}"]
        assert row["estimate"] == pytest.approx(value, abs=TOLERANCE), k
        assert row["is_in_aggregate"] == (k >= 1)
    assert got["event_week:0"]["not_yet_treated_teams"] == 1
    assert got["event_week:3"]["treated_teams"] == 1  # only A is 3 weeks past rollout
    assert not [
        k for k in got if k.startswith("event_week:") and int(k.split(":")[1]) not in expected
    ]


def test_weights_are_treated_team_weeks() -> None:
    """Cohort W2 has two teams (A2 misses W3), cohort W3 one: in W3 the cohort-W2 cell
    has one treated team-week; in W4 two. Controls C, D as in the tiny panel.
    (A, A2) window means 11 and 20. Cells (impact from k=1):
      (W2, W3): A 4 only (A2 missing) - mean(C 0, D 2) = 3, weight 1
      (W2, W4): mean(A 5, A2 23-20=3) = 4 - 0.5 = 3.5, weight 2
      (W3, W4): B 5 - mean(0, 0.5) = 4.75, weight 1
    -> (3 x 1 + 3.5 x 2 + 4.75 x 1) / 4 = 3.6875."""
    values = {
        "A": TINY["A"][:5],
        "A2": [19, 21, 20, None, 23],
        "B": TINY["B"][:5],
        "C": TINY["C"][:5],
        "D": TINY["D"][:5],
    }
    rollouts = {"A": 2, "A2": 2, "B": 3, "C": None, "D": None}
    got = rows_by_key(did.analyse(*frames(values, rollouts), TINY_SETTINGS))
    agg = got["aggregate"]
    assert agg["estimate"] == pytest.approx(3.6875, abs=TOLERANCE)
    assert agg["treated_team_weeks"] == 4
    assert agg["treated_teams"] == 3
    cell = got[f"group_time:{week(2).isoformat()}:{week(4).isoformat()}"]
    assert cell["estimate"] == pytest.approx(3.5, abs=TOLERANCE)
    assert cell["treated_teams"] == 2
    assert cell["aggregate_weight"] == pytest.approx(0.5)


# --- randomisation inference by hand ---------------------------------------------------------
#
# 4 teams, 2 rolled out in the same week W2, 2 controls; windows W0-W1, impact from W2.
# Each team is flat before and jumps by d after: A +4, B +2, C +1, D -1, so every cell's
# ATT is mean(d of the assigned pair) - mean(d of the other two), and so is the aggregate.
# The 6 assignments of the two rollouts:
#   {A,B} 3 - 0 = 3 (observed)  {A,C} 2.5 - 0.5 = 2   {A,D} 1.5 - 1.5 = 0
#   {B,C} 1.5 - 1.5 = 0         {B,D} 0.5 - 2.5 = -2  {C,D} 0 - 3 = -3
# |estimate| >= 3 for {A,B} and {C,D}: p = 2/6 = 1/3.

FLAT_JUMPS = {"A": 4.0, "B": 2.0, "C": 1.0, "D": -1.0}
FLAT_ROLLOUTS = {"A": 2, "B": 2, "C": None, "D": None}
FLAT_SETTINGS = did.Settings(baseline_weeks=2, impact_from_week=0, event_study_last_week=1)


def flat_panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    values = {team: [0.0, 0.0, jump, jump] for team, jump in FLAT_JUMPS.items()}
    return frames(values, FLAT_ROLLOUTS)


def test_randomisation_p_value_over_six_assignments() -> None:
    agg = rows_by_key(did.analyse(*flat_panel(), FLAT_SETTINGS))["aggregate"]
    assert agg["estimate"] == pytest.approx(3.0, abs=TOLERANCE)
    assert agg["randomisation_assignments"] == 6
    assert agg["p_value"] == pytest.approx(1 / 3, abs=TOLERANCE)


def test_interval_by_test_inversion_by_hand() -> None:
    """Subtracting tau from the observed AI teams' weeks from rollout on (D = 1 for A and
    B in W2, W3) moves each assignment's estimate by tau x B_S, B = the estimate of D:
    {A,B} 1, {C,D} -1, the rest 0. So T_S(tau) = 3 - tau, 2, 0, 0, -2, -3 + tau, and
    p(tau) = #{S : |T_S| >= |3 - tau|} / 6. {A,B} and {C,D} always count (p >= 1/3), so at
    alpha 0.05 nothing is rejected: the interval is unbounded. At alpha 0.5 tau needs two
    more: |2| >= |3 - tau| (with {B,D}) for tau in [1, 5]: the interval is [1, 5]."""
    observations, teams = flat_panel()
    agg = rows_by_key(did.analyse(observations, teams, FLAT_SETTINGS))["aggregate"]
    assert agg["interval_is_bounded"] is False or not agg["interval_is_bounded"]
    assert pd.isna(agg["ci_lower_95"]) and pd.isna(agg["ci_upper_95"])
    half = did.Settings(baseline_weeks=2, impact_from_week=0, event_study_last_week=1, alpha=0.5)
    agg = rows_by_key(did.analyse(observations, teams, half))["aggregate"]
    assert agg["ci_lower_95"] == pytest.approx(1.0, abs=1e-9)
    assert agg["ci_upper_95"] == pytest.approx(5.0, abs=1e-9)
    assert agg["interval_is_bounded"]


def test_minimum_detectable_effect_by_hand() -> None:
    """Randomisation SE: the estimates of Y - 3 x D (the estimated effect removed) over the
    6 assignments are 0, 2, 0, 0, -2, 0: standard deviation sqrt(8 / 6); MDE = 2.8 x that."""
    agg = rows_by_key(did.analyse(*flat_panel(), FLAT_SETTINGS))["aggregate"]
    assert agg["randomisation_se"] == pytest.approx(math.sqrt(8 / 6), abs=TOLERANCE)
    assert agg["minimum_detectable_effect"] == pytest.approx(2.8 * math.sqrt(8 / 6), abs=TOLERANCE)


# --- against a naive loop implementation on random panels -------------------------------------


def naive_estimates(
    values: dict[str, list[float | None]],
    rollout: dict[str, int | None],
    settings: Any,
) -> dict[str, float | None]:
    """Straight from the definitions: per cohort and week, loop over teams."""
    n_weeks = len(next(iter(values.values())))
    cohorts = sorted({r for r in rollout.values() if r is not None})

    def window_mean(team: str, g: int) -> float | None:
        seen = [
            values[team][w]
            for w in range(g - settings.baseline_weeks, g)
            if 0 <= w < n_weeks and values[team][w] is not None
        ]
        return sum(seen) / len(seen) if seen else None

    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    for g in cohorts:
        for t in range(n_weeks):
            treated, comparison = [], []
            for team, r in rollout.items():
                base = window_mean(team, g)
                if values[team][t] is None or base is None:
                    continue
                change = values[team][t] - base
                if r == g:
                    treated.append(change)
                elif r is None or r > max(g, t):
                    comparison.append(change)
            if not treated or not comparison:
                continue
            att = sum(treated) / len(treated) - sum(comparison) / len(comparison)
            keys = (
                [f"event_week:{t - g}"]
                if -settings.baseline_weeks <= t - g <= settings.event_study_last_week
                else []
            )
            if t - g >= settings.impact_from_week:
                keys.append("aggregate")
            for key in keys:
                sums[key] = sums.get(key, 0.0) + len(treated) * att
                weights[key] = weights.get(key, 0.0) + len(treated)
    return {key: sums[key] / weights[key] for key in sums}


def random_panel(seed: int) -> tuple[dict[str, list[float | None]], dict[str, int | None]]:
    rng = np.random.default_rng(seed)
    rollouts: dict[str, int | None] = {"t1": 4, "t2": 4, "t3": 6, "t4": 8, "c1": None, "c2": None}
    values: dict[str, list[float | None]] = {}
    for team, r in rollouts.items():
        level = rng.normal(10, 3)
        series: list[float | None] = []
        for w in range(12):
            v = level + 0.2 * w + rng.normal(0, 1) + (1.5 if r is not None and w >= r else 0.0)
            series.append(None if rng.random() < 0.15 else float(round(v, 3)))
        values[team] = series
    return values, rollouts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_a_naive_loop_for_every_assignment(seed: int) -> None:
    values, rollouts = random_panel(seed)
    settings = did.Settings(baseline_weeks=3, impact_from_week=2, event_study_last_week=4)
    observations, teams = frames(values, rollouts)
    got = rows_by_key(did.analyse(observations, teams, settings))
    want = naive_estimates(values, rollouts, settings)
    for key, value in want.items():
        assert got[key]["estimate"] == pytest.approx(value, abs=TOLERANCE), key
    assert {k for k in got if not k.startswith("group_time:")} == set(want)

    # the randomisation distribution: every distinct relabelling of the teams
    labels = list(rollouts.values())
    names = list(rollouts)
    distinct = {perm for perm in itertools.permutations(labels)}
    assert got["aggregate"]["randomisation_assignments"] == len(distinct) == 6 * 5 * 4 * 3 // 2
    observed = abs(want["aggregate"])
    placebo = [
        naive_estimates(values, dict(zip(names, perm, strict=True)), settings).get("aggregate")
        for perm in distinct
    ]
    placebo = [p for p in placebo if p is not None]
    p_value = sum(abs(p) >= observed - 1e-9 for p in placebo) / len(placebo)
    assert got["aggregate"]["p_value"] == pytest.approx(p_value, abs=TOLERANCE)

    # the interval: p(tau) by brute force is >= 0.05 at its ends and < 0.05 just outside
    treated = {team for team, r in rollouts.items() if r is not None}

    def p_at(tau: float) -> float:
        shifted = {
            team: [
                None if v is None else v - (tau if team in treated and w >= rollouts[team] else 0.0)  # type: ignore[operator]
                for w, v in enumerate(series)
            ]
            for team, series in values.items()
        }
        obs = naive_estimates(shifted, rollouts, settings)["aggregate"]
        stats = [
            naive_estimates(shifted, dict(zip(names, perm, strict=True)), settings).get("aggregate")
            for perm in distinct
        ]
        stats = [s for s in stats if s is not None]
        return sum(abs(s) >= abs(obs) - 1e-9 for s in stats) / len(stats)

    lower, upper = got["aggregate"]["ci_lower_95"], got["aggregate"]["ci_upper_95"]
    if not pd.isna(lower):
        assert p_at(lower + 1e-7) >= 0.05
        assert p_at(lower - 1e-4) < 0.05
    if not pd.isna(upper):
        assert p_at(upper - 1e-7) >= 0.05
        assert p_at(upper + 1e-4) < 0.05


# --- pieces ---------------------------------------------------------------------------------


def test_settings_from_the_project_windows() -> None:
    settings = did.Settings.from_days(60, 60)
    assert (settings.baseline_weeks, settings.impact_from_week) == (8, 9)
    assert did.Settings.from_days(56, 56).impact_from_week == 8


def test_assignments_enumerate_or_sample() -> None:
    never = did.NEVER
    rollout = np.array([10, 11, 12, 13, 14, never, never, never])
    assigned, exact = did.assignments(rollout, did.Settings())
    assert exact and assigned.shape == (6720, 8)  # 8! / 3!
    assert tuple(assigned[0]) == tuple(rollout)
    assert len({tuple(row) for row in assigned}) == 6720
    shared = np.array([10, 10, 12, never])
    assert did.count_assignments(shared.tolist()) == 12  # 4! / (2! 1! 1!)
    sampled, exact = did.assignments(rollout, did.Settings(max_assignments=100, seed=7))
    assert not exact and sampled.shape == (100, 8)
    assert tuple(sampled[0]) == tuple(rollout)
    again, _ = did.assignments(rollout, did.Settings(max_assignments=100, seed=7))
    assert (sampled == again).all()


def test_invert_test_matches_a_grid() -> None:
    rng = np.random.default_rng(0)
    a = np.concatenate([[1.3], rng.normal(0, 0.6, 199)])
    b = np.concatenate([[1.0], rng.uniform(-0.6, 0.9, 199)])
    lower, upper = did.invert_test(a, b, 0.05)

    def p(tau: float) -> float:
        return float(np.mean(np.abs(a - tau * b) >= abs(a[0] - tau * b[0]) - 1e-12))

    grid = np.linspace(-10, 10, 20001)
    accepted = [tau for tau in grid if p(tau) >= 0.05]
    assert lower == pytest.approx(min(accepted), abs=1e-3)
    assert upper == pytest.approx(max(accepted), abs=1e-3)


def test_null_reasons() -> None:
    settings = TINY_SETTINGS
    only_treated = {k: TINY[k] for k in ("A",)}
    got = rows_by_key(did.analyse(*frames(only_treated, {"A": 2}), settings))
    assert got["aggregate"]["null_reason"] == "no control teams"
    only_controls = {k: TINY[k] for k in ("C", "D")}
    got = rows_by_key(did.analyse(*frames(only_controls, {"C": None, "D": None}), settings))
    assert got["aggregate"]["null_reason"] == "no treatment teams"
    assert pd.isna(got["aggregate"]["estimate"])
    no_window = {"A": [None, None, 11, 15, 16, 17], "C": TINY["C"]}
    got = rows_by_key(did.analyse(*frames(no_window, {"A": 2, "C": None}), settings))
    assert got["aggregate"]["null_reason"].startswith("too few observations")
    assert pd.isna(got["aggregate"]["p_value"])


def test_staggered_cohorts_without_controls_use_teams_not_yet_treated() -> None:
    """No control team: A (W2) is compared with B until B's rollout (W4)."""
    values = {"A": [10, 12, 11, 15, 16, 17], "B": [8, 8, 10, 12, 14, 15]}
    got = rows_by_key(did.analyse(*frames(values, {"A": 2, "B": 4}), TINY_SETTINGS))
    cell = got[f"group_time:{week(2).isoformat()}:{week(3).isoformat()}"]
    # A: 15 - 11 = 4; B: 12 - mean(8, 8) = 4 -> 0
    assert cell["estimate"] == pytest.approx(0.0, abs=TOLERANCE)
    assert got["aggregate"]["estimate"] == pytest.approx(0.0, abs=TOLERANCE)
    assert got["aggregate"]["control_teams"] == 0
    assert got["aggregate"]["not_yet_treated_teams"] == 1
