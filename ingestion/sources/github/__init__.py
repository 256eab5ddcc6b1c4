"""GitHub source: repositories, pull requests and their details, deployments, commits,
and the delivery signals of teams that do not use the Deployments API: GitHub Actions
runs of deploy/release workflows, releases, tags and incident-labelled issues.

Loads the tables of `raw_github` described in `ingestion/RAW_TABLES.md` from REST v3.
Per-PR lists (commits, reviews, files) and deployment statuses are fetched on a small
thread pool for the records that changed in this run only. With `pulls_api="graphql"`
the pull requests come from GraphQL v4 instead (`graphql.py`): a page of PRs with
their commits, reviews and files in one request, mapped to the same rows.

This module only wires dlt resources; the fetching lives in one module per resource
family: `repositories.py` (the repository list, default-branch commits), `pulls.py`,
`deployments.py`, `actions.py` (workflow runs), `releases.py` (releases, tags) and
`issues.py` (incident issues).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.common.records import TableSpec
from ingestion.common.resources import arrow_batches, as_rows, merge_hints, rebatch
from ingestion.sources.github import graphql, settings
from ingestion.sources.github.actions import WorkflowRuns
from ingestion.sources.github.deployments import Deployments
from ingestion.sources.github.expectations import SUITES
from ingestion.sources.github.helpers import Clients
from ingestion.sources.github.issues import IncidentIssues
from ingestion.sources.github.pulls import Pulls
from ingestion.sources.github.releases import Releases, Tags
from ingestion.sources.github.repositories import Repositories

NAME = settings.NAME

__all__ = ["NAME", "SUITES", "source"]

Rows = list[dict[str, Any]]


def _batches(spec: TableSpec, batches: Iterable[Rows]) -> Iterator[Any]:
    """Shaped rows as `pyarrow` tables with the spec's schema (`settings.ARROW_TABLES`)."""
    return arrow_batches(spec, batches, min_rows=settings.BATCH_ROWS, arrow=settings.ARROW_TABLES)


@dlt.source(name=NAME)
def source(
    org: str | None = None,
    repositories: list[str] | None = None,
    base_url: str = settings.DEFAULT_BASE_URL,
    token: str | None = dlt.secrets.value,
    per_page: int = settings.DEFAULT_PER_PAGE,
    environments: list[str] | None = None,
    workers: int = settings.DEFAULT_WORKERS,
    pulls_api: str = "rest",
    graphql_url: str | None = None,
    deployments_api: str = "rest",
    include_workflow_runs: bool = True,
    actions_workflow_pattern: str = settings.DEFAULT_ACTIONS_WORKFLOW_PATTERN,
    include_releases: bool = True,
    include_tags: bool = True,
    incident_labels: list[str] | None = None,
) -> Sequence[DltResource]:
    """GitHub organisation (or user account) `org`: all its repositories unless
    `repositories` names some (`owner/name`; then no listing is read and `org` may be
    left out).

    `token` comes from `sources.github.token` in `.dlt/secrets.toml`, else `GITHUB_TOKEN`.
    `base_url` is `https://HOST/api/v3` for GitHub Enterprise Server. `environments`
    limits deployments (and their statuses) to those environments. `pulls_api` is
    `rest` (default) or `graphql`: pull requests with their commits, reviews and files
    from GraphQL v4 at `graphql_url` (default: next to `base_url`,
    `https://api.github.com/graphql` or `https://HOST/api/graphql`), same tables and rows.
    `deployments_api` is `rest` (default) or `graphql`: deployments with their statuses
    from the same GraphQL endpoint, same tables and rows.
    For teams that do not use the Deployments API: `workflow_runs` (runs of the GitHub
    Actions workflows whose name or path matches `actions_workflow_pattern`, a
    case-insensitive regular expression), `releases`, `tags` (each with its `include_*`
    switch), and `incident_issues`, the issues carrying any of `incident_labels`
    (default `["incident"]`; an empty list turns the resource off).
    """
    if not org and not repositories:
        raise SourceError(
            NAME,
            "config 'org' (sources.github.org) is required unless 'repositories' "
            "(sources.github.repositories) names the repositories to read",
        )
    for option, value in (("pulls_api", pulls_api), ("deployments_api", deployments_api)):
        if value not in settings.PULLS_APIS:
            raise SourceError(
                NAME,
                f"config '{option}' (sources.github.{option}) must be one of "
                f"{', '.join(settings.PULLS_APIS)}, got {value!r}",
            )
    try:
        workflow_pattern = re.compile(actions_workflow_pattern, re.IGNORECASE)
    except re.error as exc:
        raise SourceError(
            NAME,
            "config 'actions_workflow_pattern' (sources.github.actions_workflow_pattern) is "
            f"not a valid regular expression: {actions_workflow_pattern!r} ({exc})",
        ) from None
    labels = list(settings.DEFAULT_INCIDENT_LABELS if incident_labels is None else incident_labels)
    clients = Clients(
        base_url, token or os.environ.get(settings.TOKEN_ENV_VAR) or None, workers=workers
    )
    endpoint = graphql_url or graphql.graphql_url_for(base_url)
    repos = Repositories(org, repositories, clients, per_page, Progress(NAME))
    pull_family = Pulls(repos, graphql_url=endpoint if pulls_api == "graphql" else None)
    deployment_family = Deployments(
        repos, environments, graphql_url=endpoint if deployments_api == "graphql" else None
    )
    workflow_family = WorkflowRuns(repos, workflow_pattern)
    release_family, tag_family = Releases(repos), Tags(repos)
    incident_family = IncidentIssues(repos, labels)

    def repositories_() -> Iterator[Any]:
        yield from _batches(settings.REPOSITORIES, repos.changed())

    def pull_requests() -> Iterator[Rows]:
        # pages of PRs joined: fewer, larger batches for the per-PR tables (arrow) too
        yield from rebatch(pull_family.pull_requests(), settings.BATCH_ROWS)

    def pull_request_commits(pulls: Rows) -> Iterator[Any]:
        spec = settings.PULL_REQUEST_COMMITS
        yield from _batches(spec, pull_family.per_pull(pulls, settings.PULL_COMMITS, spec))

    def pull_request_reviews(pulls: Rows) -> Iterator[Any]:
        spec = settings.PULL_REQUEST_REVIEWS
        yield from _batches(spec, pull_family.per_pull(pulls, settings.PULL_REVIEWS, spec))

    def pull_request_files(pulls: Rows) -> Iterator[Any]:
        spec = settings.PULL_REQUEST_FILES
        yield from _batches(spec, pull_family.per_pull(pulls, settings.PULL_FILES, spec))

    def pull_request_review_comments() -> Iterator[Any]:
        yield from _batches(settings.PULL_REQUEST_REVIEW_COMMENTS, pull_family.review_comments())

    def deployments_() -> Iterator[Any]:
        yield from _batches(settings.DEPLOYMENTS_TABLE, deployment_family.deployments())

    def deployment_statuses(deployments: Any) -> Iterator[Any]:
        rows = as_rows(deployments)
        yield from _batches(
            settings.DEPLOYMENT_STATUSES_TABLE, deployment_family.deployment_statuses(rows)
        )

    def commits() -> Iterator[Rows]:
        yield from repos.commits()

    def workflow_runs() -> Iterator[Any]:
        yield from _batches(settings.WORKFLOW_RUNS_TABLE, workflow_family.workflow_runs())

    def releases() -> Iterator[Any]:
        yield from _batches(settings.RELEASES_TABLE, release_family.releases())

    def tags() -> Iterator[Any]:
        yield from _batches(settings.TAGS_TABLE, tag_family.tags())

    def incident_issues() -> Iterator[Any]:
        yield from _batches(settings.INCIDENT_ISSUES_TABLE, incident_family.incident_issues())

    per_pull = settings.PER_PULL_MERGE_KEY
    repositories_resource = dlt.resource(repositories_, **merge_hints(settings.REPOSITORIES))
    pulls = dlt.resource(pull_requests, **merge_hints(settings.PULL_REQUESTS))
    deployments = dlt.resource(deployments_, **merge_hints(settings.DEPLOYMENTS_TABLE))
    delivery: list[DltResource] = []
    if include_workflow_runs:
        delivery.append(dlt.resource(workflow_runs, **merge_hints(settings.WORKFLOW_RUNS_TABLE)))
    if include_releases:
        delivery.append(dlt.resource(releases, **merge_hints(settings.RELEASES_TABLE)))
    if include_tags:
        # merge key: a repository's tag set replaces its earlier one (deleted tags go)
        delivery.append(
            dlt.resource(tags, **merge_hints(settings.TAGS_TABLE, settings.TAGS_MERGE_KEY))
        )
    if labels:
        delivery.append(
            dlt.resource(incident_issues, **merge_hints(settings.INCIDENT_ISSUES_TABLE))
        )
    return (
        repositories_resource,
        pulls,
        dlt.transformer(
            pull_request_commits,
            data_from=pulls,
            **merge_hints(settings.PULL_REQUEST_COMMITS, per_pull),
        ),
        dlt.transformer(
            pull_request_reviews, data_from=pulls, **merge_hints(settings.PULL_REQUEST_REVIEWS)
        ),
        dlt.transformer(
            pull_request_files,
            data_from=pulls,
            **merge_hints(settings.PULL_REQUEST_FILES, per_pull),
        ),
        dlt.resource(
            pull_request_review_comments, **merge_hints(settings.PULL_REQUEST_REVIEW_COMMENTS)
        ),
        deployments,
        dlt.transformer(
            deployment_statuses,
            data_from=deployments,
            **merge_hints(settings.DEPLOYMENT_STATUSES_TABLE),
        ),
        dlt.resource(commits, **merge_hints(settings.COMMITS_TABLE)),
        *delivery,
    )
