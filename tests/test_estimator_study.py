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

from ingestion.bench.estimator_study import compare, parse_seeds, summarise


def test_seeds_are_ranges_and_lists_in_order_each_once() -> None:
    assert parse_seeds("0-3") == [0, 1, 2, 3]
    assert parse_seeds("5, 1,5,42") == [5, 1, 42]
    assert parse_seeds("40-41,0") == [40, 41, 0]
    with pytest.raises(ValueError, match="runs backwards"):
        parse_seeds("9-3")
    with pytest.raises(ValueError, match="no seed"):
        parse_seeds(" , ")


def _world(folder: Path, truth: dict[str, Any], tasks: list[tuple], intervals: list[tuple]) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "warehouse").mkdir()
    (folder / "data" / "manifest.json").write_text(json.dumps({"true_hours_saved": truth}))
    con = duckdb.connect(str(folder / "warehouse" / "ai_roi.duckdb"))
    con.execute("create schema intermediate; create schema marts")
    con.execute(
        "create table intermediate.int_ai_task_hours_saved "
        "(team_name varchar, phase varchar, measured_control_adjusted_hours_saved double)"
    )
    con.executemany("insert into intermediate.int_ai_task_hours_saved values (?, ?, ?)", tasks)
    con.execute(
        "create table marts.fct_headline_intervals (scope_type varchar, scope_name varchar, "
        "period_type varchar, hours_saved_lower_90 double, hours_saved_upper_90 double)"
    )
    con.executemany("insert into marts.fct_headline_intervals values (?, ?, ?, ?, ?)", intervals)
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
    tasks = [
        ("red", "impact", 70.0),
        ("red", "impact", 40.0),  # red: 110 against 100 -> +10%
        ("red", "adoption", 999.0),  # not the impact phase
        ("blue", "impact", 45.0),  # blue: 45 against 50 -> -10%
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
