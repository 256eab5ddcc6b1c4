"""End to end on the demo organisation: the front door works, and the warehouse recovers
the generator's documented effects (ingestion/demo/README.md) within tolerance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.slow


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_demo_loads_every_source_and_reports_progress(demo_run: dict[str, Any]) -> None:
    log = "\n".join(demo_run["log"])
    for source in ("files", "github", "copilot", "ai_usage_files", "jira", "incidents"):
        assert f"==> ingest {source}" in log
        assert f"[{source}] validated" in log
    assert "==> dbt build" in log
    manifest_counts = demo_run["manifest"]["row_counts"]
    # every pull request the generator wrote is in the raw table
    assert query(demo_run["db"], "select count(*) from raw_github.pull_requests")[0][0] == sum(
        v for k, v in manifest_counts.items() if k.startswith("api/github/pulls")
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
