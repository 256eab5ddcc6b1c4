"""The bootstrap behind the 90% intervals (models/intermediate/ai/int_ai_hours_saved_bootstrap.py),
on hand-computed cases: its weighted median is percentile_cont's, its replicate 0 is the
estimate of int_ai_task_hours_saved, a team whose data has no spread gets its estimate in every
replicate, and a cohort's replicates are weighted averages of its teams' savings per hour of
AI-assisted effort."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

MODEL = (
    Path(__file__).resolve().parents[1] / "models/intermediate/ai/int_ai_hours_saved_bootstrap.py"
)


@pytest.fixture(scope="module")
def boot() -> ModuleType:
    spec = importlib.util.spec_from_file_location("int_ai_hours_saved_bootstrap", MODEL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TEAMS = {
    # baseline window [2026-01-01, 2026-03-02), adoption [2026-03-02, 2026-05-01)
    "t": ("treatment", date(2026, 1, 1), date(2026, 3, 2), date(2026, 5, 1)),
    "a": ("treatment", date(2026, 1, 1), date(2026, 3, 2), date(2026, 5, 1)),
    "b": ("treatment", date(2026, 1, 1), date(2026, 3, 2), date(2026, 5, 1)),
    "c": ("treatment", date(2026, 1, 1), date(2026, 3, 2), date(2026, 5, 1)),
    "ctl": ("control", date(2026, 1, 1), date(2026, 3, 2), date(2026, 5, 1)),
}


def tasks(rows: list[tuple[str, str, bool, float, date]], rate: float = 100.0) -> pd.DataFrame:
    """(team, phase, is_ai_assisted, effort, done day) -> the bootstrap's input frame."""
    records = []
    for index, (team, phase, ai, effort, done) in enumerate(rows, start=1):
        cohort, baseline_start, reference, impact_start = TEAMS[team]
        records.append(
            {
                "issue_id": str(index).zfill(4),
                "team_name": team,
                "cohort": cohort,
                "task_class": "story:M",
                "phase": phase,
                "is_ai_assisted": ai,
                "task_effort_hours": float(effort),
                "done_date": pd.Timestamp(done),
                "month_start": pd.Timestamp(done.replace(day=1)),
                "baseline_start_date": pd.Timestamp(baseline_start),
                "reference_date": pd.Timestamp(reference),
                "impact_start_date": pd.Timestamp(impact_start),
                "loaded_hourly_cost_usd": rate if ai else np.nan,
            }
        )
    return pd.DataFrame(records)


def test_weighted_median_is_percentile_cont_of_the_repeated_values(boot: ModuleType) -> None:
    values = np.array([1.0, 2.0, 4.0, 8.0])
    counts = np.array(
        [
            [1, 1, 1, 1],  # 1, 2, 4, 8: (2 + 4) / 2
            [3, 0, 0, 1],  # 1, 1, 1, 8: 1
            [0, 2, 1, 0],  # 2, 2, 4: 2
            [0, 1, 0, 1],  # 2, 8: 5
            [0, 0, 0, 0],  # nothing: nan
        ]
    )
    result = boot.weighted_median_sorted(values, counts)
    assert result[:4].tolist() == [3.0, 1.0, 2.0, 5.0]
    assert np.isnan(result[4])


#: team t's three baseline tasks, 8, 10 and 18 h (the two tests below share them)
T_BASELINE = [
    ("t", "baseline", False, 8, date(2026, 1, 5)),
    ("t", "baseline", False, 10, date(2026, 1, 6)),
    ("t", "baseline", False, 18, date(2026, 1, 7)),
]


def test_replicate_zero_is_the_models_estimate(boot: ModuleType) -> None:
    """The dbt unit test control_teams_slower_in_the_same_windows_add_to_the_saving: t's
    baseline 8, 10, 18 give a counterfactual of 10 x 1.2 = 12 h; control 10 -> 12.5 (x 1.25):
    task 7 h saved 12 x 1.25 - 7 = 8 h, task 15 h saved 0 h. Measured (no control): 5 and -3."""
    frame = tasks(
        [
            *T_BASELINE,
            ("t", "adoption", True, 7, date(2026, 3, 10)),
            ("t", "adoption", True, 15, date(2026, 3, 11)),
            *[("ctl", "baseline", False, 10, date(2026, 1, 10 + i)) for i in range(3)],
            *[("ctl", "adoption", False, 12.5, date(2026, 3, 20 + i)) for i in range(3)],
        ]
    )
    for adjusted, hours in ((True, 8.0), (False, 2.0)):
        out = boot.bootstrap(frame, {"t": "treatment"}, 5, 3, 10, 1, adjusted)
        point = out[(out.replicate_id == 0) & (out.scope_type == "team")]
        assert point.hours_saved.tolist() == pytest.approx([hours])
        assert point.value_of_hours_saved_usd.tolist() == pytest.approx([hours * 100])
        assert point.ai_effort_hours.tolist() == [22.0]


def three_teams() -> pd.DataFrame:
    """Every baseline task takes 10 h (counterfactual 10 h, no spread); no control cohort.
    a: two AI tasks of 6 h (saved 8 h of 12 h effort), b: one of 8 h (2 of 8), c: two of
    5 h (10 of 10)."""
    rows: list[tuple[str, str, bool, float, date]] = []
    for team, efforts in (("a", [6, 6]), ("b", [8]), ("c", [5, 5])):
        rows += [(team, "baseline", False, 10, date(2026, 1, 5 + i)) for i in range(3)]
        rows += [(team, "adoption", True, e, date(2026, 3, 10 + i)) for i, e in enumerate(efforts)]
    return tasks(rows)


def test_teams_without_spread_keep_their_estimate_and_the_cohort_averages_their_rates(
    boot: ModuleType,
) -> None:
    cohorts = {"a": "treatment", "b": "treatment", "c": "treatment"}
    out = boot.bootstrap(three_teams(), cohorts, 5, 3, 50, 7, False)
    teams = out[out.scope_type == "team"]
    # nothing varies within a team: every replicate is the estimate (8, 2, 10 h)
    for team, hours in (("a", 8.0), ("b", 2.0), ("c", 10.0)):
        assert teams[teams.scope_name == team].hours_saved.tolist() == pytest.approx([hours] * 51)
    org = out[(out.scope_type == "org") & (out.replicate_id > 0)]
    assert set(org.bootstrap_scheme) == {"teams_then_tasks"}
    assert len(org) == 50
    # the org estimate is 20 h of 30 h AI effort; a replicate reweights the teams, so it is
    # 30 x a weighted mean of their rates: between b's 2/8 and c's 10/10 per effort hour
    point = out[(out.scope_type == "org") & (out.replicate_id == 0)].hours_saved.item()
    assert point == pytest.approx(20.0)
    assert org.hours_saved.between(30 * 0.25 - 1e-9, 30 * 1.0 + 1e-9).all()
    assert org.hours_saved.nunique() > 40
    cohort = out[(out.scope_type == "cohort") & (out.scope_name == "treatment")]
    assert cohort.hours_saved.tolist() == pytest.approx(
        out[out.scope_type == "org"].hours_saved.tolist()
    )


def test_same_seed_same_replicates_other_seed_others(boot: ModuleType) -> None:
    cohorts = {"a": "treatment", "b": "treatment", "c": "treatment"}
    first = boot.bootstrap(three_teams(), cohorts, 5, 3, 20, 11, False)
    again = boot.bootstrap(three_teams(), cohorts, 5, 3, 20, 11, False)
    other = boot.bootstrap(three_teams(), cohorts, 5, 3, 20, 12, False)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first.hours_saved, other.hours_saved)


def test_a_far_future_done_date_keeps_its_month(boot: ModuleType) -> None:
    """A task whose done date is a typo far in the future (3999-03-11, past the 2262 limit of
    nanosecond timestamps) stays in its own month, as it does in int_ai_task_hours_saved:
    its 15 h task saved -3 h (measured, no control; test above), the 7 h task 5 h."""
    frame = tasks(
        [
            *T_BASELINE,
            ("t", "adoption", True, 7, date(2026, 3, 10)),
            ("t", "adoption", True, 15, date(3999, 3, 11)),
        ]
    )
    out = boot.bootstrap(frame, {"t": "treatment"}, 5, 3, 10, 1, False)
    point = out[(out.replicate_id == 0) & (out.scope_type == "team")]
    assert [str(month)[:10] for month in point.month_start] == ["2026-03-01", "3999-03-01"]
    assert point.hours_saved.tolist() == pytest.approx([5.0, -3.0])
    assert sorted({str(month)[:10] for month in out.month_start}) == ["2026-03-01", "3999-03-01"]
