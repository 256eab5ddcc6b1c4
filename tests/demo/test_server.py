"""The demo API server: vendor pagination, filters, report downloads and fault injection."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from ingestion.demo import server as server_module
from ingestion.demo.generator import generate
from ingestion.demo.server import ServerHandle, parse_time, serve


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo_api")
    generate(root, seed=3, teams=3, team_size=(5, 6), months=5)
    return root


@pytest.fixture(scope="module")
def api(data_dir: Path) -> Iterator[ServerHandle]:
    with serve(data_dir) as handle:
        yield handle


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def follow(url: str, params: dict[str, Any] | None = None) -> tuple[list[Any], int]:
    items: list[Any] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        response = requests.get(next_url, params=params, timeout=10)
        response.raise_for_status()
        assert (
            "X-RateLimit-Remaining" in response.headers and "X-RateLimit-Reset" in response.headers
        )
        items.extend(response.json())
        pages += 1
        next_url = response.links.get("next", {}).get("url")
        params = None
    return items, pages


def test_urls(api: ServerHandle) -> None:
    assert api.base_url.startswith("http://127.0.0.1:")
    assert api.github_url == api.base_url + "/github"
    assert api.jira_url == api.base_url + "/jira"
    assert api.pagerduty_url == api.base_url + "/pagerduty"


def test_pull_pagination_returns_every_pr_exactly_once(api: ServerHandle, data_dir: Path) -> None:
    expected = {
        p["number"] for p in read_jsonl(data_dir / "api/github/pulls/payments-service.jsonl")
    }
    url = f"{api.github_url}/repos/acme/payments-service/pulls"
    params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": 50}
    items, pages = follow(url, params)
    numbers = [p["number"] for p in items]
    assert len(numbers) == len(set(numbers)) == len(expected)
    assert set(numbers) == expected
    assert pages == -(-len(expected) // 50)
    updated = [p["updated_at"] for p in items]
    assert updated == sorted(updated, reverse=True)
    first = requests.get(url, params={**params, "page": 1}, timeout=10)
    assert 'rel="next"' in first.headers["Link"] and 'rel="last"' in first.headers["Link"]
    open_only, _ = follow(url, {"per_page": 100})
    assert open_only and all(p["state"] == "open" for p in open_only)


def test_pull_children_and_repo_endpoints(api: ServerHandle, data_dir: Path) -> None:
    repos, _ = follow(f"{api.github_url}/orgs/acme/repos", {"per_page": 2})
    assert [r["full_name"] for r in repos] == sorted(r["full_name"] for r in repos)
    assert len(repos) == 3
    pr = read_jsonl(data_dir / "api/github/pulls/search-service.jsonl")[5]
    base = f"{api.github_url}/repos/acme/search-service/pulls/{pr['number']}"
    commits, _ = follow(base + "/commits")
    assert commits and all("sha" in c and c["parents"] for c in commits)
    files, _ = follow(base + "/files")
    assert files and {"filename", "status", "additions", "deletions", "changes"} <= set(files[0])
    reviews, _ = follow(base + "/reviews")
    assert isinstance(reviews, list)
    comments, _ = follow(
        f"{api.github_url}/repos/acme/search-service/pulls/comments",
        {"since": "2026-09-01T00:00:00Z", "sort": "updated", "direction": "asc", "per_page": 100},
    )
    assert comments and all(c["updated_at"] >= "2026-09-01T00:00:00Z" for c in comments)
    deployments, _ = follow(
        f"{api.github_url}/repos/acme/search-service/deployments",
        {"environment": "production", "per_page": 100},
    )
    assert deployments and all(d["environment"] == "production" for d in deployments)
    statuses, _ = follow(
        f"{api.github_url}/repos/acme/search-service/deployments/{deployments[0]['id']}/statuses"
    )
    assert statuses[-1]["state"] == "in_progress"
    main, _ = follow(
        f"{api.github_url}/repos/acme/search-service/commits",
        {"sha": "main", "since": "2026-10-01T00:00:00Z", "per_page": 100},
    )
    assert main and all(c["commit"]["committer"]["date"] >= "2026-10-01" for c in main)
    assert (
        requests.get(f"{api.github_url}/repos/acme/nope-service/pulls", timeout=10).status_code
        == 404
    )


def test_copilot_seats_metrics_and_reports(api: ServerHandle, data_dir: Path) -> None:
    manifest = json.loads((data_dir / "manifest.json").read_text())
    seats = requests.get(
        f"{api.github_url}/orgs/acme/copilot/billing/seats", params={"per_page": 3}, timeout=10
    )
    body = seats.json()
    assert (
        body["total_seats"] > 3
        and len(body["seats"]) == 3
        and 'rel="next"' in seats.headers["Link"]
    )
    legacy, _ = follow(f"{api.github_url}/orgs/acme/copilot/metrics", {"per_page": 5})
    assert legacy and all(day["date"] < manifest["copilot_reports_start"] for day in legacy)
    day = manifest["copilot_reports_start"]
    for report in ("organization-1-day", "users-1-day"):
        response = requests.get(
            f"{api.github_url}/orgs/acme/copilot/metrics/reports/{report}",
            params={"day": day},
            timeout=10,
        )
        assert response.status_code == 200
        links = response.json()["download_links"]
        assert response.json()["report_day"] == day and links
        download = requests.get(links[0], timeout=10)
        assert download.status_code == 200
        rows = [json.loads(line) for line in download.text.splitlines()]
        assert all(r["day"] == day for r in rows)
        if report == "organization-1-day":
            assert len(rows) == 1 and "totals_by_feature" in rows[0]
    missing = requests.get(
        f"{api.github_url}/orgs/acme/copilot/metrics/reports/users-1-day",
        params={"day": manifest["history"]["start_date"]},
        timeout=10,
    )
    assert missing.status_code == 404


def test_jira_token_paging_with_updated_filter(api: ServerHandle, data_dir: Path) -> None:
    url = f"{api.jira_url}/rest/api/3/search/jql"
    jql = 'updated >= "2026-09-15 00:00" ORDER BY updated ASC'
    params: dict[str, Any] = {
        "jql": jql,
        "maxResults": 40,
        "expand": "changelog",
        "fields": "summary,status,updated",
    }
    keys: list[str] = []
    pages = 0
    while True:
        body = requests.get(url, params=params, timeout=10).json()
        pages += 1
        keys.extend(issue["key"] for issue in body["issues"])
        assert all(
            "changelog" in issue and set(issue["fields"]) <= {"summary", "status", "updated"}
            for issue in body["issues"]
        )
        if body["isLast"]:
            assert "nextPageToken" not in body
            break
        params["nextPageToken"] = body["nextPageToken"]
    assert pages > 1 and len(keys) == len(set(keys))
    total = read_jsonl(data_dir / "api/jira/issues.jsonl")
    assert 0 < len(keys) < len(total)
    statuses = requests.get(f"{api.jira_url}/rest/api/3/status", timeout=10).json()
    assert {s["statusCategory"]["key"] for s in statuses} == {"new", "indeterminate", "done"}


def test_pagerduty_offset_paging(api: ServerHandle, data_dir: Path) -> None:
    expected = read_jsonl(data_dir / "api/pagerduty/incidents.jsonl")
    seen: list[str] = []
    offset = 0
    while True:
        body = requests.get(
            f"{api.pagerduty_url}/incidents",
            params={"date_range": "all", "limit": 7, "offset": offset},
            timeout=10,
        ).json()
        assert body["limit"] == 7 and body["offset"] == offset and body["total"] == len(expected)
        seen.extend(i["id"] for i in body["incidents"])
        if not body["more"]:
            break
        offset += len(body["incidents"])
    assert sorted(seen) == sorted(i["id"] for i in expected)
    since = sorted(i["created_at"] for i in expected)[len(expected) // 2]
    body = requests.get(
        f"{api.pagerduty_url}/incidents",
        params={"since": since, "until": "2030-01-01T00:00:00Z", "limit": 100},
        timeout=10,
    ).json()
    assert body["incidents"] and all(i["created_at"] >= since for i in body["incidents"])
    resolved = requests.get(
        f"{api.pagerduty_url}/incidents",
        params={"statuses[]": "resolved", "date_range": "all", "limit": 100},
        timeout=10,
    ).json()
    assert all(i["status"] == "resolved" for i in resolved["incidents"])


def test_rate_limit_fault_answers_403_once_then_200(data_dir: Path) -> None:
    with serve(data_dir, faults={"rate_limit_once": ["/github/orgs/acme/repos"]}) as api:
        url = f"{api.github_url}/orgs/acme/repos"
        first = requests.get(url, timeout=10)
        assert first.status_code == 403
        assert first.headers["Retry-After"] == "0" and first.headers["X-RateLimit-Remaining"] == "0"
        second = requests.get(url, timeout=10)
        assert second.status_code == 200 and len(second.json()) == 3
        assert api.hits["/github/orgs/acme/repos"] == 2


def test_jira_search_serves_every_issue_from_disk_in_updated_order(
    api: ServerHandle, data_dir: Path
) -> None:
    url = f"{api.jira_url}/rest/api/3/search/jql"
    params: dict[str, Any] = {
        "jql": "project is not EMPTY ORDER BY updated ASC",
        "maxResults": 50,
        "expand": "changelog",
    }
    served: list[dict[str, Any]] = []
    while True:
        body = requests.get(url, params=params, timeout=10).json()
        served.extend(body["issues"])
        if body["isLast"]:
            break
        params["nextPageToken"] = body["nextPageToken"]
    expected = sorted(
        read_jsonl(data_dir / "api/jira/issues.jsonl"),
        key=lambda i: (parse_time(i["fields"]["updated"]), int(i["id"])),
    )
    assert len(expected) > 50
    assert served == expected  # the whole records, changelog included, in (updated, id) order


def test_copilot_user_report_download_is_that_day_of_the_file(
    api: ServerHandle, data_dir: Path
) -> None:
    rows = read_jsonl(data_dir / "api/copilot/users-1-day.jsonl")
    day = sorted({r["day"] for r in rows})[1]
    download = requests.get(
        f"{api.base_url}/downloads/copilot/users-1-day/{day}.ndjson", timeout=10
    )
    served = [json.loads(line) for line in download.text.splitlines()]
    assert served == [r for r in rows if r["day"] == day] and served


def test_repository_data_is_cached_for_a_few_repositories_only(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "REPO_CACHE_SIZE", 2)
    names = sorted(r["name"] for r in read_jsonl(data_dir / "api/github/repos.jsonl"))
    assert len(names) == 3
    with serve(data_dir) as api:
        first = requests.get(
            f"{api.github_url}/repos/acme/{names[0]}/pulls", params={"state": "all"}, timeout=10
        ).json()
        for name in names[1:]:
            requests.get(f"{api.github_url}/repos/acme/{name}/pulls", timeout=10)
        assert list(api.world._repo_data) == [f"acme/{n}" for n in names[1:]]
        again = requests.get(
            f"{api.github_url}/repos/acme/{names[0]}/pulls", params={"state": "all"}, timeout=10
        ).json()
        assert again == first and first  # reloaded from disk after eviction, same answer
        assert list(api.world._repo_data) == [f"acme/{names[2]}", f"acme/{names[0]}"]


def _graphql(api: ServerHandle, body: Any) -> dict[str, Any]:
    response = requests.post(f"{api.github_url}/graphql", json=body, timeout=10)
    assert response.status_code == 200  # GitHub answers GraphQL errors with 200 and `errors`
    return response.json()


def test_graphql_pull_requests_pages_every_pr_once_with_its_details(
    api: ServerHandle, data_dir: Path
) -> None:
    from ingestion.sources.github.graphql import PULLS_QUERY

    pulls = read_jsonl(data_dir / "api/github/pulls/payments-service.jsonl")
    details = {
        d["number"]: d
        for d in read_jsonl(data_dir / "api/github/pull_details/payments-service.jsonl")
    }
    variables: dict[str, Any] = {"owner": "acme", "name": "payments-service", "first": 40}
    nodes: list[dict[str, Any]] = []
    while True:
        page = _graphql(api, {"query": PULLS_QUERY, "variables": variables})
        connection = page["data"]["repository"]["pullRequests"]
        nodes.extend(connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = connection["pageInfo"]["endCursor"]
    assert sorted(n["number"] for n in nodes) == sorted(p["number"] for p in pulls)
    updated = [n["updatedAt"] for n in nodes]
    assert updated == sorted(updated, reverse=True)
    node = nodes[3]
    pr = next(p for p in pulls if p["number"] == node["number"])
    detail = details[node["number"]]
    assert node["fullDatabaseId"] == str(pr["id"])
    assert node["changedFiles"] == len(detail["files"])
    assert [f["path"] for f in node["files"]["nodes"]] == [f["filename"] for f in detail["files"]]
    assert [c["commit"]["oid"] for c in node["commits"]["nodes"]] == [
        c["sha"] for c in detail["commits"]
    ]
    assert [r["fullDatabaseId"] for r in node["reviews"]["nodes"]] == [
        str(r["id"]) for r in detail["reviews"]
    ]
    # a nested connection smaller than the list says so (the source then falls back to REST)
    small = PULLS_QUERY.replace("files(first: 100)", "files(first: 1)")
    many = next(n for n in nodes if n["changedFiles"] > 1)
    variables = {"owner": "acme", "name": "payments-service", "first": 100}
    page = _graphql(api, {"query": small, "variables": variables})
    again = next(
        n
        for n in page["data"]["repository"]["pullRequests"]["nodes"]
        if n["number"] == many["number"]
    )
    assert len(again["files"]["nodes"]) == 1 and again["files"]["pageInfo"]["hasNextPage"]


def test_graphql_deployments_page_every_deployment_once_with_its_statuses(
    api: ServerHandle, data_dir: Path
) -> None:
    from ingestion.sources.github.graphql import database_id, deployments_query

    deployments = read_jsonl(data_dir / "api/github/deployments/payments-service.jsonl")
    statuses = {
        s["deployment_id"]: s["statuses"]
        for s in read_jsonl(data_dir / "api/github/deployment_statuses/payments-service.jsonl")
    }
    variables: dict[str, Any] = {"owner": "acme", "name": "payments-service", "first": 7}
    nodes: list[dict[str, Any]] = []
    while True:
        page = _graphql(api, {"query": deployments_query(None), "variables": variables})
        connection = page["data"]["repository"]["deployments"]
        nodes.extend(connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = connection["pageInfo"]["endCursor"]
    ids = [database_id(n["id"], "Deployment", "DE") for n in nodes]
    assert sorted(ids) == sorted(d["id"] for d in deployments)  # type: ignore[type-var]
    created = [n["createdAt"] for n in nodes]
    assert created == sorted(created, reverse=True)
    node, dep_id = nodes[2], ids[2]
    assert [database_id(s["id"], "DeploymentStatus", "DES") for s in node["statuses"]["nodes"]] == [
        s["id"] for s in statuses[dep_id]
    ]
    assert {s["state"] for n in nodes for s in n["statuses"]["nodes"]} <= {
        "SUCCESS",
        "FAILURE",
        "ERROR",
        "INACTIVE",
        "PENDING",
        "QUEUED",
        "IN_PROGRESS",
    }
    # the environments filter
    one = deployments[0]["environment"]
    filtered = _graphql(
        api,
        {
            "query": deployments_query(one),
            "variables": {
                "owner": "acme",
                "name": "payments-service",
                "first": 100,
                "environments": [one],
            },
        },
    )["data"]["repository"]["deployments"]["nodes"]
    assert filtered and {n["environment"] for n in filtered} == {one}


def test_graphql_errors_follow_github(api: ServerHandle) -> None:
    from ingestion.sources.github.graphql import PULLS_QUERY

    ok = {"owner": "acme", "name": "payments-service", "first": 10}
    assert "errors" in _graphql(api, {"variables": ok})
    assert "errors" in _graphql(api, {"query": "{ viewer { login } }"})
    bad_first = _graphql(api, {"query": PULLS_QUERY, "variables": {**ok, "first": "ten"}})
    assert "$first" in bad_first["errors"][0]["message"]
    too_many = _graphql(api, {"query": PULLS_QUERY, "variables": {**ok, "first": 101}})
    assert too_many["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    missing = _graphql(api, {"query": PULLS_QUERY, "variables": {**ok, "name": "nope"}})
    assert missing["data"] == {"repository": None}
    assert missing["errors"][0]["type"] == "NOT_FOUND"
    assert missing["errors"][0]["path"] == ["repository"]
    cursor = _graphql(api, {"query": PULLS_QUERY, "variables": {**ok, "after": "bm9wZQ=="}})
    assert "valid cursor" in cursor["errors"][0]["message"]
    not_json = requests.post(f"{api.github_url}/graphql", data=b"{", timeout=10)
    assert not_json.status_code == 400


# -- delivery signals without the Deployments API (optional world attributes) ----------------
def test_delivery_routes_are_empty_for_a_world_without_them(api: ServerHandle) -> None:
    base = f"{api.github_url}/repos/acme/search-service"
    workflows = requests.get(f"{base}/actions/workflows", timeout=10)
    assert workflows.json() == {"total_count": 0, "workflows": []}
    for path in ("releases", "git/matching-refs/tags", "issues"):
        response = requests.get(f"{base}/{path}", timeout=10)
        assert (response.status_code, response.json()) == (200, []), path
    assert requests.get(f"{base}/actions/workflows/1/runs", timeout=10).status_code == 404
    assert requests.get(f"{base}/git/tags/{'a' * 40}", timeout=10).status_code == 404
    assert (
        requests.get(f"{api.github_url}/repos/acme/nope-service/releases", timeout=10).status_code
        == 404
    )
    repos, _ = follow(f"{api.github_url}/users/acme/repos")  # GitHub answers for orgs too
    assert sorted(r["full_name"] for r in repos) == sorted(
        r["full_name"] for r in read_jsonl(api.world.root / "api/github/repos.jsonl")
    )
    assert requests.get(f"{api.github_url}/users/nobody/repos", timeout=10).status_code == 404


def test_delivery_routes_serve_the_worlds_data_to_the_github_source(
    data_dir: Path, tmp_path: Path
) -> None:
    from ingestion.common.pipeline import run_source
    from ingestion.sources.github import source
    from tests.sources.github import payloads as p

    repo = "acme/search-service"
    deploy = p.workflow(11, "Deploy", ".github/workflows/deploy.yml")
    lint = p.workflow(12, "Lint", ".github/workflows/lint.yml")
    runs = [
        p.workflow_run(3002, deploy, "2026-02-12T10:00:00Z"),
        p.workflow_run(3001, deploy, "2026-02-01T10:00:00Z", conclusion="failure"),
        p.workflow_run(4001, lint, "2026-02-12T09:00:00Z"),
    ]
    commit = read_jsonl(data_dir / "api/github/commits/search-service.jsonl")[0]
    with serve(data_dir) as handle:
        world = handle.world
        world.workflows = {repo: [lint, deploy]}
        world.workflow_runs = {repo: runs}
        world.releases = {repo: [p.release(701, "v1.0.0"), p.release(702, "v1.1.0", draft=True)]}
        world.tags = {
            repo: [
                p.tag_ref("v1.0.0", "b1" * 20, "tag"),
                p.tag_ref("v0.1", commit["sha"], "commit"),
            ]
        }
        world.tag_objects = {
            repo: {
                "b1" * 20: p.tag_object("b1" * 20, "v1.0.0", "2026-02-10T12:00:00Z", commit["sha"])
            }
        }
        world.github_issues = {
            repo: [
                p.issue(9001, 41, "2026-02-10T10:00:00Z", ["incident"]),
                p.issue(9002, 42, "2026-02-10T11:00:00Z", ["bug"]),
                p.issue(9003, 43, "2026-02-10T12:00:00Z", ["Incident"], is_pull=True),
            ]
        }
        base = f"{handle.github_url}/repos/{repo}"
        filtered = requests.get(
            f"{base}/actions/workflows/11/runs", params={"created": ">=2026-02-10"}, timeout=10
        ).json()
        assert [r["id"] for r in filtered["workflow_runs"]] == [3002]
        labelled = requests.get(
            f"{base}/issues", params={"labels": "INCIDENT", "state": "all"}, timeout=10
        ).json()
        assert [i["id"] for i in labelled] == [9003, 9001]  # newest first by default

        summary = run_source(
            "github",
            source(repositories=[repo], base_url=handle.github_url, token="demo-token"),
            db_path=tmp_path / "w.duckdb",
            state_dir=tmp_path / "pipelines",
            printer=lambda _line: None,
        )

    assert {
        t: summary.row_counts[t] for t in ("workflow_runs", "releases", "tags", "incident_issues")
    } == {
        "workflow_runs": 2,
        "releases": 2,
        "tags": 2,
        "incident_issues": 1,
    }
