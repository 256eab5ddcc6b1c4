"""The multi-seed estimator study (ingestion/bench/estimator_study.py): its seed parser, its
comparison of one world's warehouse with the simulation's truth, and its summary, on
hand-made worlds (the study itself runs whole demo worlds and is not a test)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.bench.estimator_study import compare, parse_seeds, pooled_alternatives, summarise


def test_seeds_are_ranges_and_lists_in_order_each_once() -> None:
    assert parse_seeds("0-3") == [0, 1, 2, 3]
    assert parse_seeds("5, 1,5,42") == [5, 1, 42]
    assert parse_seeds("40-41,0") == [40, 41, 0]
    with pytest.raises(ValueError, match="runs backwards"):
        parse_seeds("9-3")
    with pytest.raises(ValueError, match="no seed"):
        parse_seeds(" , ")


def _world(
    folder: Path,
    truth: dict[str, Any],
    tasks: list[tuple],
    intervals: list[tuple],
    waterfall: dict[str, Any] | None = None,
) -> Path:
    """A world's folder: manifest.json with `truth` (and, with `waterfall`, the quality and
    leakage truths) and a warehouse with the tables the study reads."""
    (folder / "data").mkdir(parents=True)
    (folder / "warehouse").mkdir()
    manifest: dict[str, Any] = {"true_hours_saved": truth}
    if waterfall:
        manifest.update(waterfall["manifest"])
    (folder / "data" / "manifest.json").write_text(json.dumps(manifest))
    con = duckdb.connect(str(folder / "warehouse" / "ai_roi.duckdb"))
    con.execute("create schema intermediate; create schema marts")
    con.execute(
        "create table intermediate.int_ai_task_hours_saved (team_name varchar, phase varchar, "
        "task_effort_hours double, counterfactual_effort_hours double, "
        "control_effort_ratio double, measured_control_adjusted_hours_saved double)"
    )
    con.executemany(
        "insert into intermediate.int_ai_task_hours_saved values (?, ?, ?, ?, ?, ?)", tasks
    )
    con.execute(
        "create table marts.fct_headline_intervals (scope_type varchar, scope_name varchar, "
        "period_type varchar, hours_saved_lower_90 double, hours_saved_upper_90 double)"
    )
    con.executemany("insert into marts.fct_headline_intervals values (?, ?, ?, ?, ?)", intervals)
    if waterfall:
        con.execute(
            "create table marts.fct_net_gain_waterfall (scope_type varchar, scope_name varchar, "
            "period_type varchar, extra_failed_deployments double, "
            "extra_failed_deployments_lower_90 double, extra_failed_deployments_upper_90 double, "
            "failure_cost_usd decimal(18, 2), ai_total_cost_usd decimal(18, 2), "
            "realised_net_gain_usd decimal(18, 2), realised_net_gain_usd_lower_90 decimal(18, 2), "
            "realised_net_gain_usd_upper_90 decimal(18, 2))"
        )
        con.executemany(
            "insert into marts.fct_net_gain_waterfall values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            waterfall["rows"],
        )
        con.execute(
            "create table intermediate.int_leakage_team (team_name varchar, reinvestment_rate "
            "double, reinvestment_rate_half_width_90 double, leakage_status varchar)"
        )
        con.executemany(
            "insert into intermediate.int_leakage_team values (?, ?, ?, ?)", waterfall["leakage"]
        )
    con.close()
    return folder


def test_one_world_impact_errors_and_interval_verdicts(tmp_path: Path) -> None:
    truth = {
        "teams": {
            "red": {"impact": {"hours": 100.0}, "total": {"hours": 150.0}},
            "blue": {"impact": {"hours": 50.0}, "total": {"hours": 60.0}},
        },
        "org": {"impact": {"hours": 150.0}, "total": {"hours": 210.0}},
    }
    # (team, phase, effort, counterfactual, control ratio, adjusted = cf x ratio - effort)
    tasks = [
        ("red", "impact", 30.0, 100.0, 1.0, 70.0),
        ("red", "impact", 20.0, 50.0, 1.2, 40.0),  # red: 110 against 100 -> +10%
        ("red", "adoption", 1.0, 1000.0, 1.0, 999.0),  # not the impact phase
        ("blue", "impact", 55.0, 100.0, 1.0, 45.0),  # blue: 45 against 50 -> -10%
        ("blue", "impact", 9.0, 9.0, None, None),  # no control adjustment: left out
    ]
    intervals = [
        ("team", "red", "total", 120.0, 160.0),  # holds red's whole-history 150
        ("team", "blue", "total", None, None),  # suppressed: no verdict
        ("org", "all", "total", 100.0, 200.0),  # misses the org's 210
        ("org", "all", "quarter", 0.0, 1e9),  # another period type: ignored
    ]
    result = compare(_world(tmp_path / "w", truth, tasks, intervals))
    assert result["org"]["estimate"] == pytest.approx(155.0)
    assert result["org"]["error"] == pytest.approx(155 / 150 - 1)
    assert result["org"]["covered"] is False
    assert result["teams"]["red"]["error"] == pytest.approx(0.10)
    assert result["teams"]["red"]["covered"] is True
    assert result["teams"]["blue"]["error"] == pytest.approx(-0.10)
    assert result["teams"]["blue"]["covered"] is None
    # pooled: m = (30 + 20 + 1 + 55) / (100 + 60 + 1000 + 100) = 106 / 1260, applied to each
    # team's impact effort (red 50 h, blue 55 h)
    gain = 1260 / 106 - 1
    assert result["teams"]["red"]["pooled_error"] == pytest.approx(50 * gain / 100 - 1)
    assert result["teams"]["blue"]["pooled_error"] == pytest.approx(55 * gain / 50 - 1)
    assert result["org"]["pooled_error"] == pytest.approx(105 * gain / 150 - 1)


def test_summary_gives_bias_spread_and_coverage() -> None:
    results = {
        1: {
            "org": {"error": 0.10, "covered": True},
            "teams": {"red": {"error": 0.20, "covered": True}},
        },
        2: {
            "org": {"error": -0.04, "covered": False},
            "teams": {"red": {"error": -0.10, "covered": None}},
        },
    }
    lines = summarise(results)
    assert lines[0] == "seeds: 2"
    # mean +3%; sd of (0.10, -0.04) = 0.14 / sqrt(2) = 9.9%; its standard error 9.9% / sqrt(2)
    # = 7.0%; rms = sqrt((0.01 + 0.0016) / 2) = 7.6%; one of two within 5%
    sd = 0.14 / math.sqrt(2)
    assert lines[1] == (
        f"organisation, impact phase: mean error +3.0% (standard error {sd / math.sqrt(2):.1%}), "
        f"standard deviation {sd:.1%}, root mean square 7.6%; within 5%: 1 of 2"
    )
    assert lines[2] == (
        "a treatment team: mean error +5.0%, root mean square 15.8%; within 15%: 1 of 2"
    )
    assert lines[3] == (
        "90% intervals (whole history) holding the truth: organisation 1 of 2, published teams 1 of 1"
    )


def test_the_pooled_and_blended_multipliers_by_hand() -> None:
    # every task 25% shorter than its counterfactual: m = 0.75 everywhere, no spread, so the
    # blend is the organisation's; hours = impact effort x (1/0.75 - 1) = a third of it
    same = pooled_alternatives(
        [("a", "impact", 6.0, 8.0), ("a", "adoption", 3.0, 4.0), ("b", "impact", 9.0, 12.0)]
    )
    assert same["pooled"] == pytest.approx({"a": 2.0, "b": 3.0})
    assert same["blended"] == pytest.approx({"a": 2.0, "b": 3.0})
    # a halves effort, b saves nothing: m_org = 4 / 6 = 2/3 -> pooled hours 2 x 0.5 = 1 each.
    # logs ln 0.5, ln 0.5, 0, 0: sample variance (ln 2)^2 / 3, v = (ln 2)^2 / 6 per team,
    # weights 6 / (ln 2)^2, Q = 3, tau2 = (3 - 1) / w = (ln 2)^2 / 3, blend weight
    # tau2 / (tau2 + v) = 2/3: log m_a = ln(2/3) + 2/3 ln(0.5 / (2/3)), log m_b = ln(2/3) / 3
    split = pooled_alternatives(
        [
            ("a", "impact", 1.0, 2.0),
            ("a", "impact", 1.0, 2.0),
            ("b", "impact", 1.0, 1.0),
            ("b", "impact", 1.0, 1.0),
        ]
    )
    assert split["pooled"] == pytest.approx({"a": 1.0, "b": 1.0})
    m_a = (2 / 3) * 0.75 ** (2 / 3)
    m_b = (2 / 3) ** (1 / 3)
    assert split["blended"] == pytest.approx({"a": 2 * (1 / m_a - 1), "b": 2 * (1 / m_b - 1)})
    assert split["blended"]["a"] == pytest.approx(1.6342, abs=1e-4)


def test_quality_and_leakage_against_their_truths(tmp_path: Path) -> None:
    truth = {
        "teams": {
            "red": {"impact": {"hours": 100.0}, "total": {"hours": 100.0, "value_usd": 10000.0}},
            "blue": {"impact": {"hours": 100.0}, "total": {"hours": 100.0, "value_usd": 10000.0}},
        },
        "org": {"impact": {"hours": 200.0}, "total": {"hours": 200.0}},
    }
    tasks = [
        ("red", "impact", 75.0, 175.0, 1.0, 100.0),
        ("blue", "impact", 75.0, 175.0, 1.0, 100.0),
    ]
    waterfall = {
        "manifest": {
            "true_quality_regression": {
                "team": "red",
                "phases": {"total": {"extra_failed_deployments": 10, "cost_usd": 2000.0}},
            },
            "true_leakage": {
                "team": "blue",
                "teams": {
                    "red": {"impact": {"leakage_share": 0.0}},
                    "blue": {"impact": {"leakage_share": 0.5}},
                },
            },
        },
        "rows": [
            # 3 failures short (truth 10 inside 1 .. 13), cost -25%; realised net gain 6,500
            # (5,000 .. 8,000) against 10,000 x (1 - 0) - AI cost 1,000 - true quality 2,000
            # = 7,000: -7.1%, inside
            ("team", "red", "total", 7.0, 1.0, 13.0, 1500.0, 1000.0, 6500.0, 5000.0, 8000.0),
            ("team", "red", "quarter", 99.0, 98.0, 100.0, 99.0, 0.0, None, None, None),
            # no regression: 0 inside -2 .. 6; leakage not netted (no realised figure); a
            # control team (no figure) is left out
            ("team", "blue", "total", 2.0, -2.0, 6.0, 0.0, 1000.0, None, None, None),
            ("team", "grey", "total", None, None, None, 0.0, 0.0, None, None, None),
        ],
        "leakage": [
            ("red", 0.9, 0.2, "measured"),  # share 0.1, truth 0 inside +/- 0.2
            ("blue", 0.1, 0.3, "not measurable (interval too wide)"),  # 0.9: misses 0.5 +/- 0.3
            ("gone", None, None, "suppressed"),  # no rate: ignored
        ],
    }
    intervals = [("org", "all", "total", 0.0, 1e9)]
    result = compare(_world(tmp_path / "w", truth, tasks, intervals, waterfall))
    assert result["quality"] == {
        "team": "red",
        "true_extra_failed": 10,
        "extra_failed": 7.0,
        "extra_failed_lower": 1.0,
        "extra_failed_upper": 13.0,
        "true_cost": 2000.0,
        "cost": 1500.0,
        "no_regression": [{"team": "blue", "extra_failed": 2.0, "lower": -2.0, "upper": 6.0}],
    }
    assert result["realised"] == [
        {"team": "red", "truth": 7000.0, "estimate": 6500.0, "lower": 5000.0, "upper": 8000.0}
    ]
    assert [(x["team"], x["is_leakage_team"], x["true_share"]) for x in result["leakage"]] == [
        ("red", False, 0.0),
        ("blue", True, 0.5),
    ]
    assert [x["share"] for x in result["leakage"]] == pytest.approx([0.1, 0.9])
    lines = summarise({1: result})
    assert lines[-5:] == [
        "quality regression team (1 worlds): extra failed deployments, mean error -3.0 "
        "(true mean 10.0), standard deviation nan; its cost, mean error -25.0%; 90% interval "
        "held the truth in 1 of 1",
        "teams with no quality regression (true 0): extra failed deployments, mean +2.0 over 1 "
        "team cases; 90% interval held 0 in 1",
        "leakage share, the leakage team (true share 0.5): mean estimate 0.90 over 1 team "
        "cases; 90% interval held the truth in 0; netted ('measured') in 0",
        "leakage share, teams with no idle leakage (true 0): mean estimate 0.10 over 1 team "
        "cases; 90% interval held the truth in 1; netted ('measured') in 1, of which within "
        "0.25 of the truth 1",
        "realised net gain, teams whose leakage is netted: 1 team cases; mean error -7.1%; 90% "
        "interval held the truth in 1",
    ]
