"""The demo's delivery-styles profile (ingestion/demo/delivery_styles.py): one repository
deploys by GitHub Actions runs, one by tags, one team records incidents as labelled GitHub
issues; the unit tests count by hand on a small world, the end-to-end test compares the
marts with the plain demo of the same seed."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.demo import delivery_styles as ds
from ingestion.demo.delivery_styles import apply_delivery_styles
from ingestion.demo.generator import generate
from ingestion.demo.server import DemoWorld, serve

#: the smallest world in which three teams can take the three styles: two repositories
#: with both failed and successful production deployments, and a third team with incidents
SMALL = {"seed": 2, "teams": 3, "team_size": (5, 6), "months": 4}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def production(root: Path, name: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(deployment, latest status) of a repository's production deployments, oldest first."""
    gh = root / "api" / "github"
    statuses = {
        s["deployment_id"]: s["statuses"]
        for s in read_jsonl(gh / "deployment_statuses" / f"{name}.jsonl")
    }
    rows = []
    for deployment in read_jsonl(gh / "deployments" / f"{name}.jsonl"):
        if deployment["environment"] == "production":
            listed = statuses.get(deployment["id"]) or []
            latest = max(listed, key=lambda s: (s["created_at"], s["id"]), default=None)
            rows.append((deployment, latest))
    return sorted(rows, key=lambda pair: (pair[0]["created_at"], pair[0]["id"]))


def delivery(root: Path, name: str) -> dict[str, Any]:
    return json.loads((root / "api" / "github" / "delivery" / f"{name}.json").read_text())


def make_worlds(root: Path, mutate: Any = None) -> tuple[Path, Path, dict[str, Any]]:
    plain, mixed = root / "plain", root / "mixed"
    generate(plain, **SMALL)
    if mutate is not None:
        mutate(plain)
    shutil.copytree(plain, mixed)
    return plain, mixed, apply_delivery_styles(mixed, "mixed")


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """(the generated world, the same after the `mixed` profile, its manifest entry)."""
    return make_worlds(tmp_path_factory.mktemp("delivery_styles"))


def test_the_choice_is_deterministic_and_recorded_in_the_manifest(
    worlds: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    plain, mixed, entry = worlds
    # Every team of this small world carries special roles: payments 1 (the late deployment
    # repository), search 2 (Claude Code, Cursor), checkout 3 (idle seats, low trust,
    # quality regression), so that is the order. payments has no failed deployment, so
    # Actions go to search, tags to checkout, and payments records incidents as issues.
    assert [item["repository"] for item in entry["actions"]] == ["acme/search-service"]
    assert [item["repository"] for item in entry["tags"]] == ["acme/checkout-service"]
    assert [item["team"] for item in entry["issue_incidents"]] == ["payments"]
    assert [item["repository"] for item in entry["issue_incidents"]] == ["acme/payments-service"]
    manifest = json.loads((mixed / "manifest.json").read_text())
    assert manifest["delivery_styles"] == entry and entry["profile"] == "mixed"
    counts = manifest["row_counts"]
    assert counts["api/github/deployments/search-service.jsonl"] == 0
    assert counts["api/github/deployment_statuses/checkout-service.jsonl"] == 0
    assert counts["api/pagerduty/incidents.jsonl"] == len(
        read_jsonl(mixed / "api/pagerduty/incidents.jsonl")
    )
    assert sorted(p.name for p in (mixed / "api/github/delivery").iterdir()) == [
        "checkout-service.json",
        "payments-service.json",
        "search-service.json",
    ]
    # same world, same choice and same bytes
    _, again, _ = make_worlds(tmp_path)
    for rel in ("manifest.json", "api/github/delivery/search-service.json"):
        assert (again / rel).read_bytes() == (mixed / rel).read_bytes()
    with pytest.raises(ValueError, match="already has delivery styles"):
        apply_delivery_styles(mixed, "mixed")
    with pytest.raises(ValueError, match="unknown delivery-styles profile"):
        apply_delivery_styles(plain, "tags-everywhere")


def test_actions_repository_has_one_deploy_run_per_production_deployment(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    plain, mixed, entry = worlds
    deployments = production(plain, "search-service")
    outcomes = Counter(latest["state"] for _, latest in deployments if latest)
    assert outcomes["failure"] > 0 and outcomes["success"] > 0  # the world gives both
    content = delivery(mixed, "search-service")
    assert content["repository"] == "acme/search-service"
    deploy, ci = content["workflows"]
    assert (deploy["name"], deploy["path"]) == (
        "Deploy to production",
        ".github/workflows/deploy.yml",
    )
    assert (ci["name"], ci["path"]) == ("CI", ".github/workflows/ci.yml")
    runs = content["workflow_runs"]
    deploy_runs = [r for r in runs if r["workflow_id"] == deploy["id"]]
    ci_runs = [r for r in runs if r["workflow_id"] == ci["id"]]
    cancelled = [r for r in deploy_runs if r["conclusion"] == "cancelled"]
    counted = [r for r in deploy_runs if r["conclusion"] != "cancelled"]
    # runs = deployments; conclusions mirror the statuses; the rest are not deployments
    assert len(counted) == len(deployments)
    assert Counter(r["conclusion"] for r in counted) == outcomes
    assert len(cancelled) == 1 and len(ci_runs) == ds.CI_RUNS
    by_id = {r["id"]: r for r in counted}
    for deployment, latest in deployments:
        run = by_id[ds.RUN_ID_BASE + deployment["id"]]
        assert run["head_sha"] == deployment["sha"]
        assert run["created_at"] == deployment["created_at"]
        assert run["status"] == "completed"
        assert run["conclusion"] == latest["state"]
        assert run["updated_at"] == latest["created_at"]
        assert run["head_branch"] == "main" and run["run_attempt"] == 1
    # the cancelled run is a superseded run of a commit a successful run deployed
    assert cancelled[0]["head_sha"] in {
        r["head_sha"] for r in counted if r["conclusion"] == "success"
    }
    assert [r["run_number"] for r in deploy_runs] == list(range(1, len(deploy_runs) + 1))
    assert entry["actions"][0] == {
        "repository": "acme/search-service",
        "team": "search",
        "workflow": "Deploy to production",
        "deploy_runs": len(deployments),
        "success": outcomes["success"],
        "failure": outcomes["failure"],
        "in_progress": 0,
        "cancelled_runs": 1,
        "ci_runs": ds.CI_RUNS,
        "removed_api_deployments": len(
            read_jsonl(plain / "api/github/deployments/search-service.jsonl")
        ),
    }
    # the API deployments (staging ones too) and their statuses are gone
    assert read_jsonl(mixed / "api/github/deployments/search-service.jsonl") == []
    assert read_jsonl(mixed / "api/github/deployment_statuses/search-service.jsonl") == []


def test_error_and_unfinished_deployments_become_failed_and_in_progress_runs(
    tmp_path: Path,
) -> None:
    """The generator writes only success and failure: turn one failure into `error`, cut the
    terminal status of a success (still in progress) and every status of another."""
    changed: dict[str, int] = {}

    def mutate(root: Path) -> None:
        path = root / "api/github/deployment_statuses/search-service.jsonl"
        rows = read_jsonl(path)
        pairs = production(root, "search-service")
        failure = next(d["id"] for d, latest in pairs if latest["state"] == "failure")
        successes = [d["id"] for d, latest in pairs if latest["state"] == "success"]
        changed.update(error=failure, running=successes[1], bare=successes[2])
        for row in rows:
            if row["deployment_id"] == failure:
                row["statuses"][0]["state"] = "error"
            elif row["deployment_id"] == changed["running"]:
                row["statuses"] = [s for s in row["statuses"] if s["state"] == "in_progress"]
            elif row["deployment_id"] == changed["bare"]:
                row["statuses"] = []
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))

    plain, mixed, entry = make_worlds(tmp_path, mutate)
    deployments = {d["id"]: (d, latest) for d, latest in production(plain, "search-service")}
    runs = {r["id"]: r for r in delivery(mixed, "search-service")["workflow_runs"]}
    error = runs[ds.RUN_ID_BASE + changed["error"]]
    assert (error["status"], error["conclusion"]) == ("completed", "failure")
    assert error["updated_at"] == deployments[changed["error"]][1]["created_at"]
    running = runs[ds.RUN_ID_BASE + changed["running"]]
    assert (running["status"], running["conclusion"]) == ("in_progress", None)
    assert running["updated_at"] == deployments[changed["running"]][1]["created_at"]
    bare = runs[ds.RUN_ID_BASE + changed["bare"]]
    assert (bare["status"], bare["conclusion"]) == ("in_progress", None)
    assert bare["updated_at"] == bare["created_at"] == deployments[changed["bare"]][0]["created_at"]
    assert entry["actions"][0]["in_progress"] == 2


def test_tags_repository_has_one_annotated_tag_per_successful_deployment(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    plain, mixed, entry = worlds
    deployments = production(plain, "checkout-service")
    successes = sorted(
        (
            (d["sha"], latest["created_at"])
            for d, latest in deployments
            if latest["state"] == "success"
        ),
        key=lambda pair: pair[1],
    )
    failures = [latest["created_at"] for _, latest in deployments if latest["state"] == "failure"]
    assert successes and failures
    content = delivery(mixed, "checkout-service")
    refs, objects = content["tags"], content["tag_objects"]
    assert len(refs) == len(objects) == len(successes)
    assert all(ref["object"]["type"] == "tag" for ref in refs)  # annotated, every one
    tags = sorted(
        (objects[ref["object"]["sha"]] for ref in refs), key=lambda tag: tag["tagger"]["date"]
    )
    assert [(t["object"]["sha"], t["tagger"]["date"]) for t in tags] == successes
    assert [t["tag"] for t in tags] == [f"v1.{n}.0" for n in range(len(successes))]
    assert {r["ref"] for r in refs} == {f"refs/tags/{t['tag']}" for t in tags}
    # a failed deployment leaves no tag at its finish time
    assert not set(failures) & {t["tagger"]["date"] for t in tags}
    assert content["releases"] == []
    assert entry["tags"][0]["tags"] == len(successes)
    assert entry["tags"][0]["failed_deployments_untagged"] == len(failures)
    assert read_jsonl(mixed / "api/github/deployments/checkout-service.jsonl") == []
    assert read_jsonl(mixed / "api/github/deployment_statuses/checkout-service.jsonl") == []


def test_issue_incidents_team_has_one_incident_issue_per_pagerduty_incident(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    plain, mixed, entry = worlds
    before = read_jsonl(plain / "api/pagerduty/incidents.jsonl")
    after = read_jsonl(mixed / "api/pagerduty/incidents.jsonl")
    moved = [i for i in before if i["service"]["summary"] == "payments-service"]
    assert moved
    assert after == [i for i in before if i["service"]["summary"] != "payments-service"]
    issues = delivery(mixed, "payments-service")["github_issues"]
    labels = {i["id"]: {label["name"] for label in i["labels"]} for i in issues}
    incident_issues = [
        i for i in issues if "incident" in labels[i["id"]] and "pull_request" not in i
    ]
    bugs = [i for i in issues if "incident" not in labels[i["id"]]]
    pulls = [i for i in issues if "pull_request" in i]
    assert len(incident_issues) == len(moved)
    assert sorted(
        (i["title"], i["created_at"], i["closed_at"], i["state"]) for i in incident_issues
    ) == sorted(
        (
            i["title"],
            i["created_at"],
            i["resolved_at"],
            "closed" if i["status"] == "resolved" else "open",
        )
        for i in moved
    )
    assert len(bugs) == ds.BUG_ISSUES and all(labels[i["id"]] == {"bug"} for i in bugs)
    assert len(pulls) == 1 and "incident" in labels[pulls[0]["id"]]
    assert len({i["id"] for i in issues}) == len({i["number"] for i in issues}) == len(issues)
    max_pull = max(
        p["number"] for p in read_jsonl(plain / "api/github/pulls/payments-service.jsonl")
    )
    assert min(i["number"] for i in incident_issues + bugs) == max_pull + 1
    assert entry["issue_incidents"][0]["incident_issues"] == len(moved)


def test_the_server_and_the_github_source_serve_and_load_the_styles(
    worlds: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    from ingestion.common.pipeline import run_source
    from ingestion.sources.github import source

    plain, mixed, _ = worlds
    empty = DemoWorld(plain)
    assert (empty.workflows, empty.workflow_runs, empty.tags, empty.github_issues) == (
        {},
        {},
        {},
        {},
    )
    empty.close()
    deployments = production(plain, "search-service")
    successes = sum(1 for _, s in production(plain, "checkout-service") if s["state"] == "success")
    incidents = sum(
        1
        for i in read_jsonl(plain / "api/pagerduty/incidents.jsonl")
        if i["service"]["summary"] == "payments-service"
    )
    with serve(mixed) as handle:
        repos = ["acme/checkout-service", "acme/payments-service", "acme/search-service"]
        resources = source(
            repositories=repos, base_url=handle.github_url, token="demo-token"
        ).with_resources("workflow_runs", "releases", "tags", "incident_issues")
        run_source(
            "github",
            resources,
            db_path=tmp_path / "w.duckdb",
            state_dir=tmp_path / "pipelines",
            printer=lambda _line: None,
        )
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return con.execute(sql).fetchall()

        # only the deploy workflow's runs are read (the CI workflow does not match)
        assert rows(
            "select repository_full_name, name, conclusion, count(*) "
            "from raw_github.workflow_runs group by all order by all"
        ) == sorted(
            [
                ("acme/search-service", "Deploy to production", "cancelled", 1),
                *(
                    ("acme/search-service", "Deploy to production", state, count)
                    for state, count in Counter(s["state"] for _, s in deployments).items()
                ),
            ]
        )
        assert rows(
            "select repository_full_name, count(*), count(*) filter (where is_annotated) "
            "from raw_github.tags group by all"
        ) == [("acme/checkout-service", successes, successes)]
        # pull requests and bug-only issues are not loaded
        assert rows(
            "select repository_full_name, count(*) from raw_github.incident_issues group by all"
        ) == [("acme/payments-service", incidents)]
    finally:
        con.close()


def test_cli_demo_takes_the_delivery_styles_flag() -> None:
    from ingestion.cli import _parser

    assert _parser().parse_args(["demo"]).delivery_styles is None
    args = _parser().parse_args(["demo", "--delivery-styles", "mixed"])
    assert args.delivery_styles == "mixed"
    with pytest.raises(SystemExit):
        _parser().parse_args(["demo", "--delivery-styles", "everything"])


# -- end to end: the mixed demo against the plain demo ---------------------------------------
def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _weekly(db: Path, team: str, columns: str) -> list[tuple[Any, ...]]:
    return _query(
        db,
        f"select week_start, {columns} from marts.fct_delivery_team_weekly "
        f"where team_name = '{team}' order by week_start",
    )


@pytest.mark.slow
def test_mixed_demo_keeps_each_teams_delivery_numbers(
    demo_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mixed demo (same seed) against the plain one (the session's `demo_run`).

    What legitimately differs, asserted below: a tags repository has no failed deployments
    (a tag is cut for a successful deploy only), so its team's failed_deployments drop by
    exactly the plain demo's failed-status deployments of each week. Also, incidents naming
    a Deployments API id (`Caused by deploy <id>`) no longer link explicitly when that
    repository deploys by Actions or tags (deployment ids become `actions_run:<id>` and
    `tag:<repo>@<name>`) and issue-incidents carry no reference at all: they link by the
    attribution window instead. In seed 42 two checkout incidents link that way to the same
    deployment as before and one to a later deployment of the same ISO week, so checkout's
    failed deployments do not move; the issue team's change failure numbers are not compared.
    """
    from ingestion.demo_job import run_demo

    db = tmp_path / "warehouse" / "ai_roi.duckdb"
    monkeypatch.setenv("AI_ROI_DUCKDB_PATH", str(db))
    monkeypatch.setenv("AI_ROI_PIPELINES_DIR", str(tmp_path / "warehouse" / ".dlt_pipelines"))
    lines: list[str] = []
    manifest = run_demo(
        seed=demo_run["manifest"]["seed"],
        data_dir=tmp_path / "data",
        db_path=db,
        printer=lines.append,
        show_scorecard=False,
        delivery_styles="mixed",
    )
    plain = demo_run["db"]
    styles = manifest["delivery_styles"]
    actions, tags = styles["actions"][0], styles["tags"][0]
    issues = styles["issue_incidents"][0]
    # seed 42: the three teams without a documented special role, by name
    assert (actions["repository"], tags["repository"], issues["team"]) == (
        "acme/checkout-service",
        "acme/growth-service",
        "search",
    )
    assert "  acme/checkout-service (checkout) deploys by actions" in lines

    # each repository's deployments come from its one source, as many as before
    by_source = """
        select repository_full_name, deployment_source, deployment_outcome, count(*)
        from intermediate.int_deployments_production
        where repository_full_name in ('acme/checkout-service', 'acme/growth-service')
        group by all order by all"""
    before = {(r[0], r[2]): r[3] for r in _query(plain, by_source)}
    assert _query(db, by_source) == [
        ("acme/checkout-service", "actions", "failed", before["acme/checkout-service", "failed"]),
        ("acme/checkout-service", "actions", "success", before["acme/checkout-service", "success"]),
        ("acme/growth-service", "tags", "success", before["acme/growth-service", "success"]),
    ]
    incidents = (
        "select incident_source, count(*) from intermediate.int_incidents_unioned "
        "where team_name = 'search' group by all"
    )
    assert _query(db, incidents) == [("github_issue", _query(plain, incidents)[0][1])]

    # Actions team: deployments, failures and both lead times identical week by week
    columns = (
        "successful_deployments, failed_deployments, lead_time_median_hours, "
        "commit_lead_time_median_hours"
    )
    assert _weekly(db, "checkout", columns) == _weekly(plain, "checkout", columns)
    # tags team: deployments and lead time identical; failures drop by the failed statuses
    columns = "successful_deployments, lead_time_median_hours"
    assert _weekly(db, "growth", columns) == _weekly(plain, "growth", columns)
    failed_status = dict(
        _query(
            plain,
            "select cast(date_trunc('week', finished_at) as date), count(*) "
            "from intermediate.int_deployments_production "
            "where owner_team_name = 'growth' and deployment_outcome = 'failed' group by 1",
        )
    )
    assert sum(failed_status.values()) == tags["failed_deployments_untagged"] > 0
    assert _weekly(db, "growth", "failed_deployments") == [
        (week, failed - failed_status.get(week, 0))
        for week, failed in _weekly(plain, "growth", "failed_deployments")
    ]
    # issue-incidents team: incidents resolved and time to restore identical
    columns = "incidents_resolved, time_to_restore_median_hours"
    assert _weekly(db, "search", columns) == _weekly(plain, "search", columns)
    # the other teams do not move at all
    others = (
        "select * from marts.fct_delivery_team_weekly "
        "where team_name not in ('checkout', 'growth', 'search') order by team_name, week_start"
    )
    assert _query(db, others) == _query(plain, others)
