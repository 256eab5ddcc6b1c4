"""One number everywhere: for every scope (team, cohort, organisation) and quarter, the
marts, the scorecard and `mf query` publish the same headline metrics (tests/support/
agreement.py reads each surface by its own labels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.agreement import (
    HEADLINE_METRICS,
    disagreements,
    metricflow_runner,
    read_marts,
    read_metricflow,
    read_scorecard,
)


@pytest.fixture(scope="module")
def surfaces(demo_run: dict[str, object], tmp_path_factory: pytest.TempPathFactory):
    db = Path(str(demo_run["db"]))
    run = metricflow_runner(db, tmp_path_factory.mktemp("agreement"))
    return {
        "marts": read_marts(db),
        "scorecard": read_scorecard(db),
        "metricflow": read_metricflow(run),
    }


@pytest.mark.slow
def test_every_surface_labels_the_same_scopes_and_quarters(surfaces) -> None:
    keys = {name: set(surface) for name, surface in surfaces.items()}
    scorecard = keys["scorecard"]
    # demo: 8 teams + treatment + control + org, over the 5 quarters Oct 2025 .. Oct 2026
    assert {scope_type for scope_type, *_ in scorecard} == {"team", "cohort", "org"}
    assert {period for *_, period in scorecard} == {
        "2025-10-01",
        "2026-01-01",
        "2026-04-01",
        "2026-07-01",
        "2026-10-01",
    }
    assert len(scorecard) == 11 * 5
    assert keys["marts"] == keys["metricflow"] == scorecard


@pytest.mark.slow
def test_marts_scorecard_and_metricflow_agree_on_every_headline_metric(surfaces) -> None:
    problems = disagreements(surfaces)
    assert not problems, "\n".join(problems)
    # not vacuous: the treatment cohort's latest full quarter has every headline figure
    figures = surfaces["scorecard"][("cohort", "treatment", "quarter", "2026-07-01")]
    assert all(figures[metric] is not None for metric in HEADLINE_METRICS), figures


@pytest.mark.slow
def test_control_scopes_show_no_net_gain_on_any_surface(surfaces) -> None:
    for name, surface in surfaces.items():
        control = [key for key in surface if key[:2] == ("cohort", "control")]
        assert len(control) == 5, name
        for key in control:
            assert surface[key]["ai_cost"] == 0.0, (name, key)
            assert surface[key]["net_gain"] is None, (name, key)
            assert surface[key]["roi"] is None, (name, key)


@pytest.mark.slow
def test_team_month_cells_add_up_to_the_headline_where_none_is_suppressed(demo_run) -> None:
    """The money marts' own cells against fct_headline_intervals, which sums before the
    privacy rule: a team-quarter whose three months are all published sums to the headline
    figure; a quarter with a suppressed month does not (the cell is missing), and the
    headline is the number every surface shows."""
    import duckdb

    con = duckdb.connect(str(demo_run["db"]), read_only=True)
    try:
        rows = con.execute(
            """
            with quarters as (
                select team_name, cast(date_trunc('quarter', month_start) as date) as quarter_start,
                    count(*) as months, count(hours_saved) as published,
                    sum(hours_saved) as hours_saved, sum(net_productivity_gain_usd) as net_gain
                from marts.fct_net_productivity_team_monthly
                where cohort = 'treatment'
                group by all
            )
            select quarters.team_name, quarters.quarter_start, quarters.hours_saved,
                headline.hours_saved, quarters.net_gain, headline.net_productivity_gain_usd
            from quarters
            inner join marts.fct_headline_intervals as headline
                on headline.scope_type = 'team' and headline.scope_name = quarters.team_name
                and headline.period_type = 'quarter' and headline.period_start = quarters.quarter_start
            where quarters.published = quarters.months
            """
        ).fetchall()
    finally:
        con.close()
    assert len(rows) >= 8
    for team, quarter, hours, headline_hours, gain, headline_gain in rows:
        assert hours == pytest.approx(headline_hours, rel=1e-9), (team, quarter)
        assert float(gain) == pytest.approx(float(headline_gain), abs=0.005), (team, quarter)


def test_disagreements_name_scope_metric_and_every_surface() -> None:
    scope = ("cohort", "treatment", "quarter", "2026-04-01")
    other = ("team", "ai", "quarter", "2026-04-01")
    marts = {scope: {"roi": 2.0, "net_gain": None}, other: {"roi": 1.0}}
    report = {scope: {"roi": 2.1, "net_gain": 0.0}}
    problems = disagreements({"marts": marts, "report": report}, metrics=["roi", "net_gain"])
    assert problems == [
        "('cohort', 'treatment', 'quarter', '2026-04-01') roi: marts=2.0, report=2.1",
        "('cohort', 'treatment', 'quarter', '2026-04-01') net_gain: marts=None, report=0.0",
        "('team', 'ai', 'quarter', '2026-04-01'): not published by report",
    ]
    # within 0.005 (cents) agree; null agrees with null
    assert not disagreements(
        {
            "a": {scope: {"roi": 2.0, "net_gain": None}},
            "b": {scope: {"roi": 2.004, "net_gain": None}},
        },
        metrics=["roi", "net_gain"],
    )
