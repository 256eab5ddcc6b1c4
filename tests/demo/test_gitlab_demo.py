"""The demo's GitLab-hosted team: one control team's repository is a GitLab project,
rendered from the same simulation events as its GitHub rendering would be
(ingestion/demo/render/gitlab.py), served at /gitlab/api/v4 (routes/gitlab.py) and loaded
by the gitlab source; the slow test checks the marts against the generator's counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from ingestion.demo.generator import generate
from ingestion.demo.server import serve
from ingestion.demo_job import demo_source_configs
from ingestion.orchestrate import ingest
from ingestion.sources.gitlab.helpers import diff_stats

#: the smallest default-shaped world with two control teams (4 teams: 2 treatment, 2 control)
SMALL = {"seed": 42, "teams": 4, "team_size": (5, 6), "months": 4}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """(the world with its GitLab team, the same world all on GitHub, the first's manifest)."""
    root = tmp_path_factory.mktemp("gitlab_demo")
    manifest = generate(root / "gitlab", **SMALL)
    generate(root / "github", gitlab=False, **SMALL)
    return root / "gitlab", root / "github", manifest


def test_one_control_team_is_on_gitlab_and_recorded_in_the_manifest(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    gitlab, github, manifest = worlds
    entry = manifest["gitlab"]
    team = entry["team"]
    assert team in manifest["cohorts"]["control"] and len(manifest["cohorts"]["control"]) == 2
    # the team owning the late-deployment repository (the last in the shuffled order)
    assert entry["project"] == manifest["late_deployment_repo"]["repository"]
    assert entry["project"] == f"acme/{team}-service" and entry["group"] == "acme"
    platforms = {r["team"]: r["platform"] for r in manifest["rollout"]}
    assert platforms[team] == "gitlab"
    assert sorted(t for t, p in platforms.items() if p == "github") == sorted(
        t for t in platforms if t != team
    )
    # not double counted: its repository is not on GitHub
    repos = [r["full_name"] for r in read_jsonl(gitlab / "api/github/repos.jsonl")]
    assert entry["project"] not in repos and len(repos) == 3
    assert not (gitlab / f"api/github/pulls/{team}-service.jsonl").exists()
    # without GitLab every team is on GitHub and the manifest says so
    plain = json.loads((github / "manifest.json").read_text())
    assert plain["gitlab"] is None
    assert {r["platform"] for r in plain["rollout"]} == {"github"}


def test_every_other_file_is_identical_to_the_all_github_world(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    gitlab, github, manifest = worlds
    name = f"{manifest['gitlab']['team']}-service"
    skip = {"manifest.json", "api/github/repos.jsonl"}
    compared = 0
    for path in sorted(github.rglob("*")):
        rel = path.relative_to(github).as_posix()
        if not path.is_file() or rel in skip or rel.endswith(f"/{name}.jsonl"):
            continue
        assert (gitlab / rel).read_bytes() == path.read_bytes(), rel
        compared += 1
    assert compared > 20
    gh_repos = read_jsonl(github / "api/github/repos.jsonl")
    assert read_jsonl(gitlab / "api/github/repos.jsonl") == [
        r for r in gh_repos if r["name"] != name
    ]


def test_merge_requests_are_the_pull_requests_of_the_same_simulation(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    gitlab, github, manifest = worlds
    name = f"{manifest['gitlab']['team']}-service"
    pulls = {p["number"]: p for p in read_jsonl(github / f"api/github/pulls/{name}.jsonl")}
    details = {d["number"]: d for d in read_jsonl(github / f"api/github/pull_details/{name}.jsonl")}
    mrs = read_jsonl(gitlab / f"api/gitlab/merge_requests/{name}.jsonl")
    mr_details = {
        d["iid"]: d for d in read_jsonl(gitlab / f"api/gitlab/merge_request_details/{name}.jsonl")
    }
    assert sorted(mr["iid"] for mr in mrs) == sorted(pulls)
    counts = manifest["gitlab"]["counts"]
    assert counts["merge_requests"] == len(pulls)
    assert counts["merged_merge_requests"] == sum(1 for p in pulls.values() if p["merged_at"])
    for mr in mrs:
        pr = pulls[mr["iid"]]
        assert mr["id"] == pr["id"]
        expected_state = (
            "merged" if pr["merged_at"] else "closed" if pr["state"] == "closed" else "opened"
        )
        assert mr["state"] == expected_state
        assert mr["merged_at"] == (pr["merged_at"][:19] + ".000Z" if pr["merged_at"] else None)
        assert mr["created_at"][:19] == pr["created_at"][:19]
        landed = mr["squash_commit_sha"] or mr["merge_commit_sha"]
        assert landed == pr["merge_commit_sha"]
        assert mr["draft"] == pr["draft"]
        assert mr["sha"] == pr["head"]["sha"]
        # commits (GitLab lists them newest first), sizes, approvers
        detail, mr_detail = details[mr["iid"]], mr_details[mr["iid"]]
        assert [c["id"] for c in mr_detail["commits"]][::-1] == [
            c["sha"] for c in detail["commits"]
        ]
        for commit in mr_detail["commits"]:  # the source derives logins from these
            if mr["author"]["username"].startswith("project_"):
                assert commit["author_email"] == f"{mr['author']['username']}@noreply.gitlab.com"
            else:
                assert commit["author_email"].endswith(
                    f"-{pr['user']['login']}@users.noreply.gitlab.com"
                )
        counted = [diff_stats(f["diff"]) for f in mr_detail["diffs"]]
        assert counted == [(f["additions"], f["deletions"]) for f in detail["files"]]
        approvers = {r["user"]["login"] for r in detail["reviews"] if r["state"] == "APPROVED"}
        approved_by = mr_detail["approvals"]["approved_by"]
        assert {a["user"]["username"] for a in approved_by} == approvers
        system = [n for n in mr_detail["notes"] if n["system"]]
        assert len(system) == len(approved_by)  # one "approved this merge request" each


def test_deployments_and_main_commits_are_those_of_the_same_simulation(
    worlds: tuple[Path, Path, dict[str, Any]],
) -> None:
    gitlab, github, manifest = worlds
    name = f"{manifest['gitlab']['team']}-service"
    statuses = {
        s["deployment_id"]: s["statuses"]
        for s in read_jsonl(github / f"api/github/deployment_statuses/{name}.jsonl")
    }
    expected = {}
    for d in read_jsonl(github / f"api/github/deployments/{name}.jsonl"):
        latest = statuses[d["id"]][0]["state"] if statuses[d["id"]] else None  # newest first
        status = {"success": "success", "failure": "failed", "in_progress": "running"}
        expected[d["id"]] = (d["sha"], d["environment"], status.get(latest or "", "created"))
    deployments = read_jsonl(gitlab / f"api/gitlab/deployments/{name}.jsonl")
    assert {d["id"]: (d["sha"], d["environment"]["name"], d["status"]) for d in deployments} == (
        expected
    )
    production = [d for d in deployments if d["environment"]["tier"] == "production"]
    counts = manifest["gitlab"]["counts"]
    assert counts["production_deployments"] == len(production) > 0
    assert counts["successful_production_deployments"] == sum(
        1 for d in production if d["status"] == "success"
    )
    gh_commits = read_jsonl(github / f"api/github/commits/{name}.jsonl")
    gl_commits = read_jsonl(gitlab / f"api/gitlab/commits/{name}.jsonl")
    assert [(c["id"], c["parent_ids"], c["committed_date"][:19]) for c in gl_commits] == [
        (c["sha"], [p["sha"] for p in c["parents"]], c["commit"]["committer"]["date"][:19])
        for c in gh_commits
    ]
    # one annotated tag and release per calendar month with a successful production deploy
    tags = read_jsonl(gitlab / f"api/gitlab/tags/{name}.jsonl")
    months = {d["deployable"]["finished_at"][:7] for d in production if d["status"] == "success"}
    assert len(tags) == len(months) == counts["tags"] == counts["releases"]
    assert all(t["target"] != t["commit"]["id"] for t in tags)


def test_the_gitlab_source_loads_the_demo_project_incrementally(
    worlds: tuple[Path, Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gitlab, _, manifest = worlds
    monkeypatch.setenv("AI_ROI_PIPELINES_DIR", str(tmp_path / "pipelines"))
    db = tmp_path / "warehouse.duckdb"
    counts = manifest["gitlab"]["counts"]
    with serve(gitlab) as api:
        configs = demo_source_configs(api, gitlab, manifest)
        assert configs["gitlab"]["base_url"] == f"{api.base_url}/gitlab/api/v4"
        assert list(configs)[:3] == ["files", "github", "gitlab"]
        first, _ = ingest("gitlab", configs["gitlab"], db_path=db, printer=lambda _l: None)
        second, _ = ingest("gitlab", configs["gitlab"], db_path=db, printer=lambda _l: None)
        # the routes: a token is needed, unknown projects are 404, GitLab's page headers
        base = api.gitlab_url
        project = manifest["gitlab"]["project"].replace("/", "%2F")
        assert requests.get(f"{base}/projects/{project}", timeout=5).status_code == 401
        token = {"PRIVATE-TOKEN": "t"}
        assert requests.get(f"{base}/projects/1", headers=token, timeout=5).status_code == 404
        page = requests.get(
            f"{base}/projects/{project}/merge_requests",
            params={"per_page": 2, "page": 1},
            headers=token,
            timeout=5,
        )
        assert page.status_code == 200 and len(page.json()) == 2
        assert page.headers["X-Next-Page"] == "2"
        assert page.headers["X-Total"] == str(counts["merge_requests"])
        assert 'rel="next"' in page.headers["Link"]
    assert second.total_rows == 0
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = {
            table: con.execute(f"select count(*) from raw_gitlab.{table}").fetchone()[0]
            for table in (
                "projects",
                "merge_requests",
                "deployments",
                "commits",
                "tags",
                "releases",
            )
        }
    assert loaded == {
        "projects": 1,
        "merge_requests": counts["merge_requests"],
        # production only (the source reads production-tier environments)
        "deployments": counts["production_deployments"],
        "commits": counts["commits"],
        "tags": counts["tags"],
        "releases": counts["releases"],
    }
    assert first.total_rows > sum(loaded.values())  # plus per-MR lists and child tables


# -- the demo warehouse ---------------------------------------------------------------------
def _query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_status_lists_the_gitlab_tables_of_the_demo(
    demo_run: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingestion.cli import main

    monkeypatch.setenv("AI_ROI_DUCKDB_PATH", str(demo_run["db"]))
    assert main(["status"]) == 0
    counts = demo_run["manifest"]["gitlab"]["counts"]
    rows = {
        line.split()[0]: int(line.split()[1].replace(",", ""))
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("raw_gitlab.")
    }
    assert rows["raw_gitlab.merge_requests"] == counts["merge_requests"]
    assert rows["raw_gitlab.deployments"] == counts["production_deployments"]
    assert rows["raw_gitlab.releases"] == counts["releases"]


@pytest.mark.slow
def test_the_gitlab_teams_delivery_metrics_come_from_gitlab(demo_run: dict[str, Any]) -> None:
    """The GitLab team's merged merge requests and production deployments in the marts are
    those the generator wrote (manifest.gitlab.counts), all from GitLab rows; no team is
    missing from the delivery marts."""
    db, manifest = demo_run["db"], demo_run["manifest"]
    entry = manifest["gitlab"]
    team, project, counts = entry["team"], entry["project"], entry["counts"]
    loaded = _query(db, "select count(*) from raw_gitlab.merge_requests")[0][0]
    assert loaded == counts["merge_requests"]  # the demo job ran the gitlab source
    platforms = _query(
        db,
        "select platform, count(*), count(merged_at) from intermediate.int_pull_requests_unioned "
        "where repository_full_name = ? group by 1",
        [project],
    )
    assert platforms == [("gitlab", counts["merge_requests"], counts["merged_merge_requests"])]
    # production deployments: every one finished (success or failed), counted once
    outcomes = dict(
        _query(
            db,
            "select deployment_outcome, count(*) from intermediate.int_deployments_production "
            "where repository_full_name = ? group by 1",
            [project],
        )
    )
    assert outcomes == {
        "success": counts["successful_production_deployments"],
        "failed": counts["failed_production_deployments"],
    }
    weekly = _query(
        db,
        "select sum(production_deployments), sum(successful_deployments) "
        "from marts.fct_delivery_team_weekly where team_name = ?",
        [team],
    )[0]
    assert weekly == (counts["production_deployments"], counts["successful_production_deployments"])
    monthly = _query(
        db,
        "select sum(production_deployments) from marts.fct_delivery_team_monthly "
        "where team_name = ?",
        [team],
    )[0][0]
    assert monthly == counts["production_deployments"]
    # lineage: merged merge requests reach production through GitLab deployments
    deployed = _query(
        db,
        "select count(*) from restricted.fct_change_lineage where repository_full_name = ?",
        [project],
    )[0][0]
    assert 0 < deployed <= counts["merged_merge_requests"]
    # every team of the world is in the delivery marts and has baselines
    teams = sorted(r["team"] for r in manifest["rollout"])
    for mart in ("fct_delivery_team_weekly", "fct_delivery_team_monthly", "fct_team_baselines"):
        found = [
            r[0] for r in _query(db, f"select distinct team_name from marts.{mart} order by 1")
        ]
        assert [t for t in teams if t not in found] == [], mart
