"""Pull requests and their per-PR lists (commits, reviews, files), and review comments.

REST v3 by default: a page of PRs, then each PR's lists on the thread pool (for the PRs
changed in this run only). With `pulls_api="graphql"` a page of PRs comes from GraphQL v4
with its commits, reviews and files in one request (`graphql.py`), mapped to the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import dlt

from ingestion.common.records import TableSpec
from ingestion.sources.github import graphql, settings
from ingestion.sources.github.helpers import (
    RepoCursor,
    file_totals,
    label_names,
    pages_until_older,
    pull_number_from_url,
    with_repo,
)
from ingestion.sources.github.repositories import Family, Repositories

Rows = list[dict[str, Any]]


class Pulls(Family):
    """Pull requests, their per-PR lists and review comments."""

    def __init__(self, repos: Repositories, graphql_url: str | None = None) -> None:
        super().__init__(repos)
        #: set: pull requests (and their commits, reviews, files) come from GraphQL
        self.graphql_url = graphql_url
        #: per-PR lists already fetched with the PR page (REST: the files that sized it;
        #: GraphQL: all three), handed on to their resources: (table, repo, number) -> items
        self._stash: dict[tuple[str, str, int], Rows] = {}

    def pull_requests(self) -> Iterator[Rows]:
        """PRs newest-updated first per repository, stopping at the repository's cursor."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        for repo in self.repos.all():
            name = repo["full_name"]
            cursor = RepoCursor(cursors, name)
            if self.graphql_url:
                pages = graphql.pull_pages(self.clients.api, self.graphql_url, name, self.per_page)
                prepare = self._graphql_prepare(name)
            else:
                params = {
                    "state": "all",
                    "sort": "updated",
                    "direction": "desc",
                    "per_page": self.per_page,
                }
                pages = self.clients.api.paginate_link(settings.PULLS.format(repo=name), params)
                prepare = self._rest_prepare(name)
            for raws, rows in pages_until_older(
                pages, settings.PULL_REQUESTS, prepare, cursor, "updated_at"
            ):
                self.progress.add("pull_requests", len(rows))
                if rows:
                    if self.graphql_url:
                        self._stash_children(name, raws, rows)
                    self._add_sizes(name, raws, rows)
                    yield rows
            cursor.save()

    @staticmethod
    def _rest_prepare(name: str) -> Any:
        def prepare(item: Any) -> Any:
            if not isinstance(item, Mapping):
                return item
            return with_repo(item, name, labels=label_names(item.get("labels")))

        return prepare

    def _graphql_prepare(self, name: str) -> Any:
        def prepare(item: Any) -> Any:
            if not isinstance(item, Mapping):
                return item
            labels = item.get("labels")
            if labels is None:  # more labels than one GraphQL page: REST has them all
                path = settings.ISSUE_LABELS.format(repo=name, number=item.get("number"))
                labels = label_names(self.clients.fetch_all(path, {"per_page": self.per_page}))
            return with_repo(item, name, labels=labels)

        return prepare

    def _stash_children(self, repo: str, raws: Rows, rows: Rows) -> None:
        """Keep a GraphQL page's commits, reviews and files for their resources.

        A list GraphQL could not give whole (a connection past its first page, a bot's
        commits) is fetched from the REST per-PR list, for that PR only, on the pool.
        """
        todo: list[tuple[str, int]] = []
        for raw, row in zip(raws, rows, strict=True):
            for table, items in raw[graphql.CHILDREN].items():
                if items is None:
                    todo.append((table, row["number"]))
                else:
                    self._stash[(table, repo, row["number"])] = items
        fetched = self.clients.map(
            lambda job: self.clients.fetch_all(
                settings.PER_PULL_PATHS[job[0]].format(repo=repo, number=job[1]),
                {"per_page": self.per_page},
            ),
            todo,
        )
        for (table, number), items in zip(todo, fetched, strict=True):
            self._stash[(table, repo, number)] = items

    def _add_sizes(self, repo: str, raws: Rows, rows: Rows) -> None:
        """Sum additions/deletions/changed_files from the files when the list lacks them."""
        todo = [
            (raw, row)
            for raw, row in zip(raws, rows, strict=True)
            if any(raw.get(k) is None for k in ("additions", "deletions", "changed_files"))
        ]
        files_table = settings.PULL_REQUEST_FILES.table

        def files(pair: tuple[dict[str, Any], dict[str, Any]]) -> Rows:
            number = pair[1]["number"]
            stashed = self._stash.get((files_table, repo, number))
            return stashed if stashed is not None else self._fetch_files(repo, number)

        for (_raw, row), pr_files in zip(todo, self.clients.map(files, todo), strict=True):
            self._stash[(files_table, repo, row["number"])] = pr_files
            for key, value in file_totals(pr_files).items():
                if row.get(key) is None:
                    row[key] = value

    def _fetch_files(self, repo: str, number: int) -> Rows:
        path = settings.PULL_FILES.format(repo=repo, number=number)
        return self.clients.fetch_all(path, {"per_page": self.per_page})

    def per_pull(self, pulls: Rows, template: str, spec: TableSpec) -> Iterator[Rows]:
        """Fetch one per-PR list for a page of PRs on the thread pool and shape it."""

        resource = spec.table

        def fetch(pr: dict[str, Any]) -> Rows:
            repo, number = pr["repository_full_name"], pr["number"]
            stashed = self._stash.pop((resource, repo, number), None)
            if stashed is not None:
                return stashed
            path = template.format(repo=repo, number=number)
            return self.clients.fetch_all(path, {"per_page": self.per_page})

        rows: Rows = []
        for pr, items in zip(pulls, self.clients.map(fetch, pulls), strict=True):
            extra = {"pull_number": pr["number"]}
            rows.extend(
                spec.shape(with_repo(item, pr["repository_full_name"], **extra)) for item in items
            )
        self.progress.add(resource, len(rows))
        if rows:
            yield rows

    def review_comments(self) -> Iterator[Rows]:
        """Review comments of a repository updated since its cursor (`since`, oldest first)."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        spec = settings.PULL_REQUEST_REVIEW_COMMENTS
        for repo in self.repos.all():
            name = repo["full_name"]
            cursor = RepoCursor(cursors, name)
            params: dict[str, Any] = {
                "sort": "updated",
                "direction": "asc",
                "per_page": self.per_page,
            }
            if cursor.since:
                params["since"] = cursor.since
            path = settings.REVIEW_COMMENTS.format(repo=name)
            for page in self.clients.api.paginate_link(path, params):
                rows: Rows = []
                for item in page:
                    number = (
                        pull_number_from_url(item.get("pull_request_url"))
                        if isinstance(item, Mapping)
                        else None
                    )
                    row = spec.shape(with_repo(item, name, pull_number=number))
                    if cursor.is_new(row["updated_at"], row["id"]):
                        rows.append(row)
                    cursor.observe(row["updated_at"], row["id"])
                self.progress.add("pull_request_review_comments", len(rows))
                if rows:
                    yield rows
            cursor.save()
