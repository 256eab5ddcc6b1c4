"""The difference-in-differences arithmetic of `macros/impact/difference_in_differences.sql`,
checked against numpy/scipy on small observation sets.

Nothing is built: the macro is rendered with plain Jinja (the one project macro it calls,
`type_double()`, is stubbed as DuckDB's `double`) and its SQL runs on an in-memory DuckDB.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import numpy as np
import pytest
from scipy import stats

MACRO_PATH = (
    Path(__file__).resolve().parents[2] / "macros" / "impact" / "difference_in_differences.sql"
)
Z_95 = 1.96
TOLERANCE = 1e-9

#: (team, cohort, phase) -> team-week values; two metrics, several teams per cell.
OBSERVATIONS: dict[str, dict[tuple[str, str, str], list[float]]] = {
    "task_effort_median_hours": {
        ("ai_a", "treatment", "baseline"): [21.5, 19.0, 23.25, 20.0],
        ("ai_b", "treatment", "baseline"): [18.0, 22.5, 24.0],
        ("ai_a", "treatment", "impact"): [15.5, 17.0, 14.25, 16.0, 18.5],
        ("ai_b", "treatment", "impact"): [16.5, 13.0],
        ("ctl_c", "control", "baseline"): [20.5, 21.0, 19.5],
        ("ctl_d", "control", "baseline"): [22.0, 18.5],
        ("ctl_c", "control", "impact"): [19.0, 20.25, 18.75, 21.5],
        ("ctl_d", "control", "impact"): [20.0, 17.5, 19.5],
        # ignored by the macro: another phase and an unassigned cohort
        ("ai_a", "treatment", "adoption"): [99.0, 98.0],
        ("lone", "unassigned", "impact"): [1.0, 2.0],
    },
    "change_failure_rate": {
        ("ai_a", "treatment", "baseline"): [0.1, 0.125, 0.0, 0.2],
        ("ai_a", "treatment", "impact"): [0.25, 0.1, 0.3],
        ("ctl_c", "control", "baseline"): [0.05, 0.1, 0.15],
        ("ctl_c", "control", "impact"): [0.1, 0.05, 0.125, 0.0, 0.2],
    },
}


def render_macro(**kwargs: Any) -> str:
    """The macro's SQL, rendered with plain Jinja exactly as dbt would on DuckDB."""
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals["type_double"] = lambda: "double"
    module = env.from_string(MACRO_PATH.read_text()).module
    return str(module.difference_in_differences("observations", **kwargs))


def load(
    con: duckdb.DuckDBPyConnection, observations: dict[str, dict[tuple[str, str, str], list[float]]]
) -> None:
    con.execute(
        "create or replace table observations "
        "(team_name varchar, week_index integer, metric_name varchar, cohort varchar, phase varchar, value double)"
    )
    rows = [
        (team, index, metric, cohort, phase, value)
        for metric, cells in observations.items()
        for (team, cohort, phase), values in cells.items()
        for index, value in enumerate(values)
    ]
    con.executemany("insert into observations values (?, ?, ?, ?, ?, ?)", rows)


def run_macro(
    observations: dict[str, dict[tuple[str, str, str], list[float]]],
) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(":memory:")
    try:
        load(con, observations)
        cursor = con.execute(render_macro(group_columns=["metric_name"]))
        columns = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}
    finally:
        con.close()


def cell_values(
    cells: dict[tuple[str, str, str], list[float]], cohort: str, phase: str
) -> np.ndarray:
    return np.array(
        [
            v
            for (_team, c, p), values in cells.items()
            if c == cohort and p == phase
            for v in values
        ],
        dtype=float,
    )


def expected(cells: dict[tuple[str, str, str], list[float]]) -> dict[str, float]:
    """DiD and Welch standard error computed independently with numpy and scipy."""
    tb, ti = cell_values(cells, "treatment", "baseline"), cell_values(cells, "treatment", "impact")
    cb, ci = cell_values(cells, "control", "baseline"), cell_values(cells, "control", "impact")
    did = (ti.mean() - tb.mean()) - (ci.mean() - cb.mean())
    # squared standard error of each cell mean = sample variance / n (scipy.stats.sem, ddof=1)
    sems2 = [float(stats.sem(x, ddof=1)) ** 2 for x in (tb, ti, cb, ci)]
    assert math.isclose(
        sum(sems2), sum(np.var(x, ddof=1) / len(x) for x in (tb, ti, cb, ci)), rel_tol=1e-12
    )
    se = math.sqrt(sum(sems2))
    df = sum(sems2) ** 2 / sum(
        s**2 / (len(x) - 1) for s, x in zip(sems2, (tb, ti, cb, ci), strict=True)
    )
    return {
        "did_estimate": did,
        "did_standard_error": se,
        "welch_degrees_of_freedom": df,
        "ci_lower_95": did - Z_95 * se,
        "ci_upper_95": did + Z_95 * se,
        "treatment_baseline_mean": tb.mean(),
        "control_impact_variance": float(np.var(ci, ddof=1)),
    }


@pytest.mark.parametrize("metric", sorted(OBSERVATIONS))
def test_macro_matches_numpy_and_scipy(metric: str) -> None:
    got = run_macro(OBSERVATIONS)[metric]
    want = expected(OBSERVATIONS[metric])
    for column, value in want.items():
        assert got[column] == pytest.approx(value, abs=TOLERANCE), column
    assert got["null_reason"] is None
    assert got["is_significant"] == (want["ci_lower_95"] > 0 or want["ci_upper_95"] < 0)


def test_cell_counts() -> None:
    got = run_macro(OBSERVATIONS)["task_effort_median_hours"]
    assert (got["treatment_baseline_teams"], got["treatment_baseline_team_weeks"]) == (2, 7)
    assert (got["treatment_impact_teams"], got["treatment_impact_team_weeks"]) == (2, 7)
    assert (got["control_baseline_teams"], got["control_baseline_team_weeks"]) == (2, 5)
    assert (got["control_impact_teams"], got["control_impact_team_weeks"]) == (2, 7)


def test_two_cell_case_is_scipys_welch_t_test() -> None:
    """With constant control cells (variance 0) the DiD standard error is the two-sample
    Welch standard error: estimate / se and the degrees of freedom equal scipy's."""
    treatment_baseline = [10.0, 12.5, 11.0, 9.5]
    treatment_impact = [8.0, 7.5, 9.25, 6.0, 8.5]
    cells = {
        ("ai_a", "treatment", "baseline"): treatment_baseline,
        ("ai_a", "treatment", "impact"): treatment_impact,
        ("ctl_c", "control", "baseline"): [4.0, 4.0, 4.0],
        ("ctl_c", "control", "impact"): [4.0, 4.0],
    }
    got = run_macro({"m": cells})["m"]
    welch = stats.ttest_ind(treatment_impact, treatment_baseline, equal_var=False)
    assert got["did_estimate"] / got["did_standard_error"] == pytest.approx(
        welch.statistic, abs=TOLERANCE
    )
    assert got["welch_degrees_of_freedom"] == pytest.approx(welch.df, abs=TOLERANCE)


def test_hand_computed_known_answer() -> None:
    """The dbt unit test's case: treatment +3, control +1 -> DiD 2; every cell has variance
    2 over 2 team-weeks, so se = sqrt(4 x 2 / 2) = 2 and the interval is [-1.92, 5.92]."""
    cells = {
        ("ai_a", "treatment", "baseline"): [10.0, 12.0],
        ("ai_a", "treatment", "impact"): [13.0, 15.0],
        ("ctl_c", "control", "baseline"): [20.0, 22.0],
        ("ctl_c", "control", "impact"): [21.0, 23.0],
    }
    got = run_macro({"m": cells})["m"]
    assert got["did_estimate"] == pytest.approx(2.0, abs=TOLERANCE)
    assert got["did_standard_error"] == pytest.approx(2.0, abs=TOLERANCE)
    assert got["ci_lower_95"] == pytest.approx(-1.92, abs=TOLERANCE)
    assert got["ci_upper_95"] == pytest.approx(5.92, abs=TOLERANCE)
    assert got["welch_degrees_of_freedom"] == pytest.approx(4.0, abs=TOLERANCE)
    assert got["is_significant"] is False


def test_null_reasons() -> None:
    got = run_macro(
        {
            "no_control": {
                ("ai_a", "treatment", "baseline"): [1.0, 2.0],
                ("ai_a", "treatment", "impact"): [3.0, 4.0],
            },
            "too_few": {
                ("ai_a", "treatment", "baseline"): [1.0],
                ("ai_a", "treatment", "impact"): [3.0, 4.0],
                ("ctl_c", "control", "baseline"): [1.0, 2.0],
                ("ctl_c", "control", "impact"): [2.0],
            },
        }
    )
    assert got["no_control"]["null_reason"] == "no control teams"
    assert got["no_control"]["treatment_change"] == pytest.approx(2.0, abs=TOLERANCE)
    assert (
        got["too_few"]["null_reason"] == "too few observations: treatment_baseline, control_impact"
    )
    for reason in got.values():
        assert reason["did_estimate"] is None
        assert reason["did_standard_error"] is None
        assert reason["is_significant"] is None
