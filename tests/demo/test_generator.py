"""The demo world generator: determinism, CLI parsing and hand-checkable invariants."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingestion.demo.generator import generate, main, parse_scale, scale_team_size
from ingestion.demo.simulation import PR
from ingestion.demo.world import Person

SMALL = {"teams": 3, "team_size": (5, 7), "months": 5}
AI_LABELS = {"ai-assisted", "copilot"}
AI_TRAILERS = ("Co-authored-by: Copilot", "Co-authored-by: Claude", "Made-with: Cursor")


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("demo")
    manifest = generate(root, seed=42, **SMALL)
    return root, manifest


def test_same_seed_gives_identical_bytes_and_a_different_seed_does_not(
    world: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    root, _ = world
    again = tmp_path / "again"
    generate(again, seed=42, **SMALL)
    assert tree_digest(root) == tree_digest(again)
    other = tmp_path / "other"
    generate(other, seed=7, **SMALL)
    first, second = tree_digest(root), tree_digest(other)
    assert first.keys() == second.keys()
    assert first != second


def test_end_date_is_a_parameter_not_today(tmp_path: Path) -> None:
    manifest = generate(
        tmp_path, seed=1, teams=2, team_size=(5, 5), months=4, end_date=date(2025, 6, 30)
    )
    assert manifest["history"] == {"start_date": "2025-03-01", "end_date": "2025-06-30"}
    latest = max(
        p["created_at"] for p in read_jsonl(tmp_path / "api/github/pulls/payments-service.jsonl")
    )
    assert latest < "2025-07-01"


def test_scale_parses_and_changes_team_and_engineer_counts(tmp_path: Path) -> None:
    assert parse_scale("200x10x24") == (200, 10, 24)
    assert scale_team_size(10) == (7, 13)
    with pytest.raises(ValueError):
        parse_scale("200x10")
    assert main(["--out", str(tmp_path / "a"), "--scale", "2x5x4"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--scale", "4x8x4"]) == 0
    small = json.loads((tmp_path / "a/manifest.json").read_text())
    large = json.loads((tmp_path / "b/manifest.json").read_text())
    assert small["parameters"] == {
        "teams": 2,
        "team_size": list(scale_team_size(5)),
        "months": 4,
        "end_date": "2026-10-31",
    }
    assert len(small["rollout"]) == 2 and len(large["rollout"]) == 4
    assert large["engineers"] > small["engineers"]
    # 4 teams, 2 of them control: one control team is hosted on GitLab, 3 on GitHub; with
    # 2 teams (1 control) every team is on GitHub
    assert len(list((tmp_path / "b/api/github/pulls").glob("*.jsonl"))) == 3
    assert len(list((tmp_path / "b/api/gitlab/merge_requests").glob("*.jsonl"))) == 1
    assert large["gitlab"]["team"] in large["cohorts"]["control"]
    assert small["gitlab"] is None
    assert len(list((tmp_path / "a/api/github/pulls").glob("*.jsonl"))) == 2


def test_cohorts_rollouts_and_manifest_effects(world: tuple[Path, dict[str, Any]]) -> None:
    root, manifest = world
    start = date.fromisoformat(manifest["history"]["start_date"])
    rollout = read_csv(root / "files/ai_rollout.csv")
    treatment = {r["team"] for r in rollout if r["cohort"] == "treatment"}
    control = {r["team"] for r in rollout if r["cohort"] == "control"}
    assert treatment and control and not treatment & control
    assert treatment == set(manifest["cohorts"]["treatment"])
    dates = [date.fromisoformat(r["rollout_date"]) for r in rollout if r["cohort"] == "treatment"]
    assert all(d >= start + timedelta(days=90) for d in dates)
    assert all(r["rollout_date"] == "" for r in rollout if r["cohort"] == "control")
    assert manifest["program_start"] == min(dates).isoformat()
    effects = manifest["effects"]
    assert effects["ai_task_effort_multiplier"] == 0.75
    assert effects["secular_effort_multiplier"] == 0.95
    assert effects["pr_size_multiplier_ai"] == 1.3
    assert effects["pickup_multiplier_treatment"] == 1.2
    assert effects["idle_seat_team_active_share"] == 0.2
    assert effects["tco_to_licence_ratio_target"] == 2.5
    assert effects["cfr_regression"]["before"] == 0.09 and effects["cfr_regression"]["after"] == 0.2
    assert effects["cfr_regression"]["team"] in treatment
    assert manifest["idle_seat_team"] in treatment
    assert manifest["row_counts"]["api/jira/issues.jsonl"] > 100
    for name, count in manifest["row_counts"].items():
        if name.endswith(".jsonl"):
            assert len((root / name).read_text().splitlines()) == count, name


def test_pull_requests_are_consistent_and_ai_evidence_is_only_in_treated_periods(
    world: tuple[Path, dict[str, Any]],
) -> None:
    root, manifest = world
    rollouts = {r["team"]: r["rollout_date"] for r in manifest["rollout"]}
    states: set[str] = set()
    ai_prs = 0
    for path in sorted((root / "api/github/pulls").glob("*.jsonl")):
        team = path.stem.removesuffix("-service")
        details = {d["number"]: d for d in read_jsonl(root / "api/github/pull_details" / path.name)}
        main_shas = {c["sha"] for c in read_jsonl(root / "api/github/commits" / path.name)}
        numbers = []
        for pr in read_jsonl(path):
            numbers.append(pr["number"])
            states.add(
                "draft" if pr["draft"] else pr["state"] + ("-merged" if pr["merged_at"] else "")
            )
            if pr["merged_at"]:
                assert pr["merged_at"] >= pr["created_at"]
                assert pr["merge_commit_sha"] in main_shas
            detail = details[pr["number"]]
            labels = {label["name"] for label in pr["labels"]}
            messages = " ".join(c["commit"]["message"] for c in detail["commits"])
            ai = (
                bool(labels & AI_LABELS)
                or any(t in messages for t in AI_TRAILERS)
                or (pr["user"]["login"] == "copilot-swe-agent")
            )
            if ai:
                ai_prs += 1
                assert rollouts[team] is not None, pr["title"]
                assert pr["created_at"][:10] >= rollouts[team], pr["title"]
            if pr["title"].split(":")[0].startswith(("PAY-", "CHK-", "SRCH-")):
                assert pr["head"]["ref"].split("/", 1)[1].startswith(pr["title"].split(":")[0])
        assert len(numbers) == len(set(numbers))
    assert ai_prs > 20
    assert {"open", "closed", "closed-merged", "draft"} <= states


def test_deployments_incidents_and_jira_shapes(world: tuple[Path, dict[str, Any]]) -> None:
    root, _ = world
    deployments = read_jsonl(root / "api/github/deployments/payments-service.jsonl")
    commits = {c["sha"] for c in read_jsonl(root / "api/github/commits/payments-service.jsonl")}
    assert {d["environment"] for d in deployments} == {"production", "staging"}
    assert all(d["sha"] in commits for d in deployments)
    statuses = read_jsonl(root / "api/github/deployment_statuses/payments-service.jsonl")
    final = [s["statuses"][0]["state"] for s in statuses]
    assert "success" in final
    incidents = read_jsonl(root / "api/pagerduty/incidents.jsonl")
    assert incidents and all(i["service"]["summary"].endswith("-service") for i in incidents)
    numbers = [i["incident_number"] for i in incidents]
    assert numbers == sorted(numbers)
    issues = read_jsonl(root / "api/jira/issues.jsonl")
    offsets = {issue["fields"]["created"][-5:] for issue in issues}
    assert len(offsets) >= 2  # offsets vary by team
    done = [i for i in issues if i["fields"]["status"]["statusCategory"]["key"] == "done"]
    assert done
    for issue in done[:50]:
        steps = [h["items"][0]["toString"] for h in issue["changelog"]["histories"]]
        assert steps[0] == "In Progress" and steps[-1] == "Done"


def test_copilot_org_reports_equal_the_sum_of_user_reports(
    world: tuple[Path, dict[str, Any]],
) -> None:
    root, manifest = world
    users = read_jsonl(root / "api/copilot/users-1-day.jsonl")
    orgs = read_jsonl(root / "api/copilot/organization-1-day.jsonl")
    legacy = read_jsonl(root / "api/copilot/metrics.jsonl")
    assert orgs and legacy
    assert min(o["day"] for o in orgs) == manifest["copilot_reports_start"]
    assert max(day["date"] for day in legacy) < manifest["copilot_reports_start"]
    for org in orgs:
        rows = [u for u in users if u["day"] == org["day"]]
        assert org["daily_active_users"] == len(rows)
        for key in (
            "code_generation_activity_count",
            "code_acceptance_activity_count",
            "loc_added_sum",
        ):
            assert org[key] == sum(u[key] for u in rows)
    shown = sum(o["code_generation_activity_count"] for o in orgs)
    accepted = sum(o["code_acceptance_activity_count"] for o in orgs)
    assert 0.25 < accepted / shown < 0.4
    seats = read_jsonl(root / "api/copilot/seats.jsonl")
    treatment = set(manifest["cohorts"]["treatment"])
    assert seats and all(s["assigning_team"]["slug"] in treatment for s in seats)


def test_finance_files_have_the_raw_files_columns(world: tuple[Path, dict[str, Any]]) -> None:
    root, _ = world
    expected = {
        "ai_costs": "invoice_id,month,vendor,tool,cost_type,amount,currency,team,seats,usage_units,training_hours",
        "labor_rates": "role,loaded_hourly_cost,currency,valid_from",
        "roster": "login,display_name,role,team,valid_from,valid_to,is_bot",
        "ai_rollout": "team,tool,cohort,rollout_date",
        "service_ownership": "service,service_type,team",
        "surveys": "response_id,response_date,team,friction_score,satisfaction_score,ai_trust_score,hours_saved_per_week",
        "kpis": "month,metric_name,product_area,value",
        "feature_launches": "feature_key,feature_name,launch_date,product_area",
        "ops_transactions": "transaction_date,team,process,transactions,failed_transactions,operating_cost",
    }
    for table, header in expected.items():
        lines = (root / "files" / f"{table}.csv").read_text().splitlines()
        assert lines[0] == header, table
        assert len(lines) > 1, table
    roster = read_csv(root / "files/roster.csv")
    assert any(r["is_bot"] == "true" and r["login"] == "ci-bot" for r in roster)
    assert any(r["valid_to"] for r in roster)  # somebody changed team
    costs = read_csv(root / "files/ai_costs.csv")
    assert {"licence", "usage", "training", "maintenance", "platform"} <= {
        c["cost_type"] for c in costs
    }
    usage = read_csv(root / "ai_usage/claude_code_usage.csv")
    assert usage and usage[0]["tool"] == "claude_code"


def test_pr_updated_at_is_the_last_event_before_the_cut() -> None:
    """`PR.updated_at(cut)`: the `updated_at` of GitHub's pull and GitLab's merge request."""
    reviewer = Person("rita", "Rita", "engineer", 7, "jira-7", "rita@example.com")
    at = datetime(2026, 3, 2, 9, 0)
    cut = datetime(2026, 3, 3)
    pr = PR(
        seq=1,
        kind="task",
        author={"login": "ann", "id": 1, "type": "User"},
        author_name="Ann",
        author_email="ann@example.com",
        title="t",
        body="",
        head_ref="feature/t",
        created=at,
        commit_times=[at + timedelta(hours=1), cut + timedelta(hours=1)],
        commit_messages=["a", "b"],
        reviews=[(at + timedelta(hours=3), reviewer, "APPROVED")],
        comments=[(at + timedelta(hours=2), {"login": "rita"}, None), (cut, {}, None)],
        merged=None,
        closed=None,
        ready=at + timedelta(hours=4),
        labels=[],
        files=[],
    )
    # events before the cut: created 09:00, commit 10:00, comment 11:00, review 12:00,
    # ready 13:00 (the commit at 01:00 and the comment at 00:00 of the cut day are not shown)
    assert pr.updated_at(cut) == datetime(2026, 3, 2, 13, 0)
    # ready after the cut (still a draft): the review at 12:00 is the last event
    pr.ready = cut + timedelta(hours=2)
    assert pr.updated_at(cut) == datetime(2026, 3, 2, 12, 0)
    # closing counts whenever it happened (a closed PR is closed before the cut)
    pr.closed = datetime(2026, 3, 2, 15, 30)
    assert pr.updated_at(cut) == datetime(2026, 3, 2, 15, 30)
