"""The github source's HTTP floor: GET every page the source requests, with its client, no dlt.

`github_http_floor` walks the same endpoints in the same way as a first (full) run of
`ingestion.sources.github`: the organisation's repositories, then per repository the PR
list, each PR's commits, reviews and files, the review comments, the deployments with
each one's statuses, the default branch's commits, and the delivery lists (workflows with
the runs of those matching the deployment pattern, releases, tag refs, issues per incident
label). Per-PR and per-deployment lists
go through the source's own `Clients` (one `ApiClient` per thread, the same thread pool
and page size), and every body is decoded as JSON, as the source does. Nothing is
shaped, stashed or written, so `seconds` is what the API's request count alone costs
and the source's time minus it is what dlt and the record shaping add.

With `pulls_api="graphql"` the PR list and its per-PR lists are the source's GraphQL
pages instead (`graphql.pull_pages`, which maps each node as the source does), plus the
REST per-PR lists the source falls back to for the PRs GraphQL cannot give whole, and
the deployments with their statuses are the source's GraphQL deployment pages
(`graphql.deployment_pages`) plus the REST lists it falls back to.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ingestion.sources.github import graphql, settings
from ingestion.sources.github.helpers import Clients, paginate_wrapped


def github_http_floor(
    base_url: str,
    org: str,
    repositories: Sequence[str] | None = None,
    *,
    token: str | None = None,
    per_page: int = settings.DEFAULT_PER_PAGE,
    workers: int = settings.DEFAULT_WORKERS,
    pulls_api: str = "rest",
    workflow_pattern: str = settings.DEFAULT_ACTIONS_WORKFLOW_PATTERN,
    incident_labels: Sequence[str] = settings.DEFAULT_INCIDENT_LABELS,
) -> dict[str, Any]:
    """Fetch every page; return requests made, items received and seconds."""
    clients = Clients(base_url, token, workers=workers)
    counted: dict[int, Any] = {}  # the ApiClient of every thread, for their request counts
    lock = threading.Lock()
    started = time.monotonic()
    items = 0

    def pages(path: str, params: dict[str, Any]) -> list[Any]:
        api = clients.api
        with lock:
            counted[id(api)] = api
        out: list[Any] = []
        for page in api.paginate_link(path, params):
            out.extend(page)
        return out

    listed = pages(settings.ORG_REPOS.format(org=org), {"per_page": per_page})
    names = [str(r["full_name"]) for r in listed if isinstance(r, Mapping)]
    if repositories:
        wanted = {name.lower() for name in repositories}
        names = [name for name in names if name.lower() in wanted]
    branches = {str(r["full_name"]): r.get("default_branch") for r in listed}
    items += len(listed)
    per = {"per_page": per_page}
    graphql_url = graphql.graphql_url_for(base_url)
    for repo in names:
        if pulls_api == "graphql":
            api = clients.api
            with lock:
                counted[id(api)] = api
            fallbacks: list[tuple[str, int]] = []
            for page in graphql.pull_pages(api, graphql_url, repo, per_page):
                items += len(page)
                for pr in page:
                    for table, found in pr[graphql.CHILDREN].items():
                        if found is None:
                            fallbacks.append((settings.PER_PULL_PATHS[table], pr["number"]))
                        else:
                            items += len(found)

            def fallback_list(job: tuple[str, int], r: str = repo) -> list[Any]:
                return pages(job[0].format(repo=r, number=job[1]), per)

            lists = clients.map(fallback_list, fallbacks)
            items += sum(len(found) for found in lists)
        else:
            pulls = pages(
                settings.PULLS.format(repo=repo),
                {"state": "all", "sort": "updated", "direction": "desc", **per},
            )
            items += len(pulls)
            numbers = [p["number"] for p in pulls]
            for template in (settings.PULL_COMMITS, settings.PULL_REVIEWS, settings.PULL_FILES):

                def pull_list(n: int, t: str = template, r: str = repo) -> list[Any]:
                    return pages(t.format(repo=r, number=n), per)

                lists = clients.map(pull_list, numbers)
                items += sum(len(found) for found in lists)
        comments = pages(
            settings.REVIEW_COMMENTS.format(repo=repo),
            {"sort": "updated", "direction": "asc", **per},
        )
        if pulls_api == "graphql":
            deployments = [
                d
                for page in graphql.deployment_pages(clients.api, graphql_url, repo, per_page, None)
                for d in page
            ]

            # the REST items and status lists the source falls back to
            def deployment(i: int, r: str = repo) -> Any:
                return clients.api.get_json(settings.DEPLOYMENT.format(repo=r, deployment_id=i))

            clients.map(deployment, [d["id"] for d in deployments if d[graphql.NEEDS_REST]])
            statuses = [d[graphql.STATUSES] for d in deployments if d[graphql.STATUSES] is not None]

            def statuses_of_id(i: int, r: str = repo) -> list[Any]:
                return pages(settings.DEPLOYMENT_STATUSES.format(repo=r, deployment_id=i), per)

            statuses += clients.map(
                statuses_of_id, [d["id"] for d in deployments if d[graphql.STATUSES] is None]
            )
        else:
            deployments = pages(settings.DEPLOYMENTS.format(repo=repo), per)

            def statuses_of(d: dict[str, Any], r: str = repo) -> list[Any]:
                return pages(
                    settings.DEPLOYMENT_STATUSES.format(repo=r, deployment_id=d["id"]), per
                )

            statuses = clients.map(statuses_of, deployments)
        params: dict[str, Any] = dict(per)
        if branches.get(repo):
            params["sha"] = branches[repo]
        commits = pages(settings.COMMITS.format(repo=repo), params)
        items += len(comments) + len(deployments) + sum(map(len, statuses)) + len(commits)
        items += delivery_lists(clients, repo, per, workflow_pattern, incident_labels, pages)
    seconds = time.monotonic() - started
    requests = sum(api.requests_made for api in counted.values())
    return {
        "seconds": seconds,
        "requests": requests,
        "items": items,
        "requests_per_s": requests / seconds if seconds else None,
        "repositories": len(names),
    }


def delivery_lists(
    clients: Clients,
    repo: str,
    per: dict[str, Any],
    workflow_pattern: str,
    incident_labels: Sequence[str],
    pages: Any,
) -> int:
    """The source's first-run delivery requests for one repository; items received."""
    api = clients.api
    pattern = re.compile(workflow_pattern, re.IGNORECASE)
    workflows = [
        wf
        for page in paginate_wrapped(api, settings.WORKFLOWS.format(repo=repo), per, "workflows")
        for wf in page
    ]
    matching = [
        wf
        for wf in workflows
        if pattern.search(str(wf.get("name") or "")) or pattern.search(str(wf.get("path") or ""))
    ]
    runs = [
        run
        for wf in matching
        for page in paginate_wrapped(
            api,
            settings.WORKFLOW_RUNS.format(repo=repo, workflow_id=wf["id"]),
            per,
            "workflow_runs",
        )
        for run in page
    ]
    releases = pages(settings.RELEASES.format(repo=repo), per)
    tags = pages(settings.TAG_REFS.format(repo=repo), per)
    issues = [
        item
        for label in incident_labels
        for item in pages(
            settings.ISSUES.format(repo=repo), {"labels": label, "state": "all", **per}
        )
    ]
    return len(workflows) + len(runs) + len(releases) + len(tags) + len(issues)
