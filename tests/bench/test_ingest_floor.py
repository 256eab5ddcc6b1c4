"""The benchmark's ingestion helpers: the github HTTP floor and the server in a child process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from ingestion.bench.api_process import served_in_subprocess
from ingestion.bench.http_floor import github_http_floor
from ingestion.common.pipeline import run_source
from ingestion.demo.generator import generate
from ingestion.demo.server import serve
from ingestion.sources.github import source as github_source


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench_floor")
    generate(root, seed=5, teams=2, team_size=(4, 5), months=4)
    return root


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def test_http_floor_fetches_exactly_the_pages_and_items_the_source_does(
    data_dir: Path, warehouse: Path
) -> None:
    gh = data_dir / "api" / "github"
    repo = sorted(r["full_name"] for r in read_jsonl(gh / "repos.jsonl"))[0]
    name = repo.split("/")[1]
    with serve(data_dir) as api:
        floor = github_http_floor(api.github_url, "acme", [repo], token="demo-token")
        floor_requests = api.request_count
        run_source(
            "github",
            github_source(
                org="acme", repositories=[repo], base_url=api.github_url, token="demo-token"
            ),
            printer=lambda _: None,
        )
        source_requests = api.request_count - floor_requests
    pulls = read_jsonl(gh / "pulls" / f"{name}.jsonl")
    details = read_jsonl(gh / "pull_details" / f"{name}.jsonl")
    deployments = read_jsonl(gh / "deployments" / f"{name}.jsonl")
    statuses = read_jsonl(gh / "deployment_statuses" / f"{name}.jsonl")
    per_pr = sum(len(d["commits"]) + len(d["reviews"]) + len(d["files"]) for d in details)
    assert len(pulls) > 100  # more than one page of PRs
    assert floor["requests"] == floor_requests == source_requests
    # at least one request per PR and list, one per deployment's statuses
    assert floor["requests"] >= 3 * len(pulls) + len(deployments)
    # every commit is on the default branch in the demo, so all of them are listed
    assert floor["items"] == (
        len(read_jsonl(gh / "repos.jsonl"))
        + len(pulls)
        + per_pr
        + len(read_jsonl(gh / "review_comments" / f"{name}.jsonl"))
        + len(deployments)
        + sum(len(s["statuses"]) for s in statuses)
        + len(read_jsonl(gh / "commits" / f"{name}.jsonl"))
    )
    assert floor["repositories"] == 1


def test_graphql_http_floor_makes_the_requests_the_graphql_source_does(
    data_dir: Path, warehouse: Path
) -> None:
    gh = data_dir / "api" / "github"
    repo = sorted(r["full_name"] for r in read_jsonl(gh / "repos.jsonl"))[0]
    with serve(data_dir) as api:
        rest = github_http_floor(api.github_url, "acme", [repo], token="demo-token")
        start = api.request_count
        floor = github_http_floor(
            api.github_url, "acme", [repo], token="demo-token", pulls_api="graphql"
        )
        floor_requests = api.request_count - start
        run_source(
            "github",
            github_source(
                org="acme",
                repositories=[repo],
                base_url=api.github_url,
                token="demo-token",
                pulls_api="graphql",
                deployments_api="graphql",
            ),
            printer=lambda _: None,
        )
        source_requests = api.request_count - start - floor_requests
        graphql_posts = api.hits["/github/graphql"]
    assert floor["requests"] == floor_requests == source_requests
    assert floor["items"] == rest["items"]  # the same rows, far fewer requests
    assert floor["requests"] < rest["requests"] / 2
    pulls = len(read_jsonl(gh / "pulls" / f"{repo.split('/')[1]}.jsonl"))
    deployments = len(read_jsonl(gh / "deployments" / f"{repo.split('/')[1]}.jsonl"))
    # the floor's pages, then the source's: PRs and deployments by GraphQL
    assert graphql_posts == 2 * (-(-pulls // 100) + -(-deployments // 100))


def test_server_in_a_child_process_serves_and_reports_its_peak_memory(data_dir: Path) -> None:
    with served_in_subprocess(data_dir) as api:
        assert api.peak_rss_mb is None
        repos = requests.get(f"{api.github_url}/orgs/acme/repos", timeout=10).json()
        assert sorted(r["full_name"] for r in repos) == sorted(
            r["full_name"] for r in read_jsonl(data_dir / "api/github/repos.jsonl")
        )
        issues = requests.get(
            f"{api.jira_url}/rest/api/3/search/jql", params={"maxResults": 5}, timeout=10
        ).json()["issues"]
        assert len(issues) == 5
    assert api.peak_rss_mb is not None and 10 < api.peak_rss_mb < 1024
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{api.github_url}/orgs/acme/repos", timeout=2)
