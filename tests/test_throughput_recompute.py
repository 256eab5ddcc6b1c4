"""The team-throughput marts agree with an independent recomputation, in plain Python
from the raw tables of the demo, of deployment frequency, change failure rate and lead
time for changes (docs/metrics.md Layer 2). The Python walks the commit graph its own way
(breadth-first from each deployment, in finishing order), so the bounded SQL walk and the
link rules are checked against a second implementation, not against themselves."""

from __future__ import annotations

import re
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.slow

PRODUCTION = {"production", "prod"}


def rows(db: Path, sql: str) -> list[dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


def naive_utc(ts: datetime | None) -> datetime | None:
    """DuckDB hands back timestamptz as aware datetimes; compare them as naive UTC."""
    return None if ts is None else ts.astimezone(UTC).replace(tzinfo=None)


def week_of(ts: datetime) -> str:
    return (ts.date() - timedelta(days=ts.weekday())).isoformat()


@pytest.fixture(scope="module")
def recomputed(demo_run: dict[str, Any]) -> dict[str, Any]:
    db = demo_run["db"]
    owner = {
        r["service"]: r["team"]
        for r in rows(db, "select service, service_type, team from raw_files.service_ownership")
        if r["service_type"] == "repository"
    }
    pd_owner = {
        r["service"]: r["team"]
        for r in rows(db, "select service, service_type, team from raw_files.service_ownership")
        if r["service_type"] == "pagerduty_service"
    }
    deployments = {
        r["id"]: r
        for r in rows(
            db,
            "select id, repository_full_name, sha, lower(environment) as environment, created_at from raw_github.deployments",
        )
        if r["environment"] in PRODUCTION
    }
    latest: dict[int, dict[str, Any]] = {}
    for s in rows(
        db, "select id, deployment_id, state, created_at from raw_github.deployment_statuses"
    ):
        current = latest.get(s["deployment_id"])
        if current is None or (s["created_at"], s["id"]) > (current["created_at"], current["id"]):
            latest[s["deployment_id"]] = s
    finished = {}
    for dep_id, dep in deployments.items():
        status = latest.get(dep_id)
        if status and status["state"] in ("success", "failure", "error"):
            finished[dep_id] = {
                **dep,
                "finished_at": naive_utc(status["created_at"]),
                "success": status["state"] == "success",
                "team": owner.get(dep["repository_full_name"]),
            }

    # --- incidents -> deployments (explicit reference, else latest success within 72 h)
    failed = {d for d, dep in finished.items() if not dep["success"]}
    for inc in rows(
        db,
        "select id, service__summary, created_at, deployment_reference, commit_reference from raw_incidents.incidents",
    ):
        team = pd_owner.get(inc["service__summary"])
        started = naive_utc(inc["created_at"])
        target = None
        if (
            inc["deployment_reference"]
            and inc["deployment_reference"].isdigit()
            and int(inc["deployment_reference"]) in finished
        ):
            target = int(inc["deployment_reference"])
        elif inc["commit_reference"] and len(inc["commit_reference"]) >= 7:
            matches = [
                d
                for d, dep in finished.items()
                if dep["team"] == team and dep["sha"].startswith(inc["commit_reference"].lower())
            ]
            target = (
                max(matches, key=lambda d: (finished[d]["finished_at"], d)) if matches else None
            )
        if target is None:
            candidates = [
                d
                for d, dep in finished.items()
                if dep["success"]
                and dep["team"] == team
                and started - timedelta(hours=72) <= dep["finished_at"] <= started
            ]
            target = (
                max(candidates, key=lambda d: (finished[d]["finished_at"], d))
                if candidates
                else None
            )
        if target is not None:
            failed.add(target)

    # --- PR -> deployment: exact SHA, else the first deployment whose commit graph reaches it
    parents: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in rows(
        db,
        "select c.repository_full_name as repo, c.sha, p.sha as parent from raw_github.commits c join raw_github.commits__parents p on p._dlt_parent_id = c._dlt_id",
    ):
        parents[(c["repo"], c["sha"])].append(c["parent"])
    first_deploy_of_commit: dict[tuple[str, str], int] = {}
    successes = sorted(
        (d for d in finished.values() if d["success"]), key=lambda d: (d["finished_at"], d["id"])
    )
    for dep in successes:
        queue = deque([dep["sha"]])
        while queue:
            sha = queue.popleft()
            key = (dep["repository_full_name"], sha)
            if key in first_deploy_of_commit:
                continue
            first_deploy_of_commit[key] = dep["id"]
            queue.extend(parents.get(key, []))
    data_start = {}
    for dep in deployments.values():
        repo = dep["repository_full_name"]
        start = naive_utc(dep["created_at"]) - timedelta(days=30)
        data_start[repo] = min(data_start.get(repo, start), start)
    first_commit = {}
    for c in rows(
        db,
        "select repository_full_name as repo, pull_number, min(commit__author__date) as first_at from raw_github.pull_request_commits group by 1, 2",
    ):
        first_commit[(c["repo"], c["pull_number"])] = naive_utc(c["first_at"])
    lead_times: dict[tuple[str, str], list[float]] = defaultdict(list)
    for pr in rows(
        db,
        "select repository_full_name as repo, number, merged_at, merge_commit_sha, head__sha from raw_github.pull_requests where merged_at is not null",
    ):
        merged = naive_utc(pr["merged_at"])
        if pr["repo"] not in data_start or merged < data_start[pr["repo"]]:
            continue
        exact = [
            d
            for d in successes
            if d["repository_full_name"] == pr["repo"]
            and d["sha"] in (pr["merge_commit_sha"], pr["head__sha"])
            and d["finished_at"] >= merged
        ]
        dep_id = (
            exact[0]["id"]
            if exact
            else first_deploy_of_commit.get((pr["repo"], pr["merge_commit_sha"]))
        )
        start = first_commit.get((pr["repo"], pr["number"]))
        if dep_id is None or start is None:
            continue
        dep = finished[dep_id]
        hours = (dep["finished_at"] - start).total_seconds() / 3600
        if hours >= 0:
            lead_times[(dep["team"], week_of(dep["finished_at"]))].append(hours)

    frequency: dict[tuple[str, str], int] = defaultdict(int)
    production: dict[tuple[str, str], int] = defaultdict(int)
    failures: dict[tuple[str, str], int] = defaultdict(int)
    for dep_id, dep in finished.items():
        key = (dep["team"], week_of(dep["finished_at"]))
        production[key] += 1
        frequency[key] += int(dep["success"])
        failures[key] += int(dep_id in failed)
    return {
        "frequency": frequency,
        "production": production,
        "failures": failures,
        "lead_time": {k: median(v) for k, v in lead_times.items()},
    }


@pytest.fixture(scope="module")
def weekly(demo_run: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The mart's rows of the teams whose repositories are on GitHub (the recomputation reads
    raw_github; the demo's GitLab-hosted team is checked against the generator's counts in
    tests/demo/test_gitlab_demo.py)."""
    return {
        (r["team_name"], r["week_start"].isoformat()): r
        for r in rows(
            demo_run["db"],
            """
            select * from marts.fct_delivery_team_weekly
            where team_name in (
                select ownership.team
                from raw_files.service_ownership as ownership
                inner join (select distinct repository_full_name from raw_github.pull_requests) as repos
                    on ownership.service = repos.repository_full_name
                where ownership.service_type = 'repository'
            )
            """,
        )
    }


def test_deployment_frequency_matches(
    recomputed: dict[str, Any], weekly: dict[Any, dict[str, Any]]
) -> None:
    assert sum(recomputed["frequency"].values()) > 1000
    for key, count in recomputed["frequency"].items():
        assert weekly[key]["successful_deployments"] == count, key
    assert sum(r["successful_deployments"] for r in weekly.values()) == sum(
        recomputed["frequency"].values()
    )


def test_change_failure_rate_matches(
    recomputed: dict[str, Any], weekly: dict[Any, dict[str, Any]]
) -> None:
    assert sum(recomputed["failures"].values()) > 50
    for key, total in recomputed["production"].items():
        expected = recomputed["failures"][key] / total
        assert weekly[key]["production_deployments"] == total, key
        assert weekly[key]["change_failure_rate"] == pytest.approx(expected, abs=1e-9), key


def test_lead_time_matches(recomputed: dict[str, Any], weekly: dict[Any, dict[str, Any]]) -> None:
    assert len(recomputed["lead_time"]) > 100
    for key, value in recomputed["lead_time"].items():
        assert weekly[key]["lead_time_median_hours"] == pytest.approx(value, abs=1e-6), key


def test_week_keys_are_iso_mondays(weekly: dict[Any, dict[str, Any]]) -> None:
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", week) for _, week in weekly)
    assert all(datetime.fromisoformat(week).weekday() == 0 for _, week in weekly)
