"""Deployments and their statuses (REST v3, or GraphQL v4 with `deployments_api="graphql"`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dlt

from ingestion.sources.github import graphql, settings
from ingestion.sources.github.helpers import latest_status, with_repo
from ingestion.sources.github.repositories import Family, Repositories

Rows = list[dict[str, Any]]


class Deployments(Family):
    """New and still-open deployments, and their statuses."""

    def __init__(
        self,
        repos: Repositories,
        environments: Sequence[str] | None = None,
        graphql_url: str | None = None,
    ) -> None:
        super().__init__(repos)
        self.environments = [e for e in environments or [] if e]
        #: set: deployments (with their statuses) come from GraphQL
        self.graphql_url = graphql_url
        #: statuses fetched to track open deployments, handed on to `deployment_statuses`
        self._statuses: dict[tuple[str, int], Rows] = {}

    def deployments(self) -> Iterator[Rows]:
        """New deployments, plus earlier ones whose latest status was not terminal.

        State per repository (and environment filter): the highest deployment id seen and
        the ids still open. Deployments are listed newest first, so paging stops once a
        page reaches ids that are neither new nor open. With `deployments_api="graphql"`
        the list comes from GraphQL with each deployment's statuses (same rows, same state).
        """
        state = dlt.current.resource_state().setdefault("repositories", {})
        environments: list[str | None] = list(self.environments) or [None]  # None: all
        for repo in self.repos.all():
            for environment in environments:
                key = f"{repo['full_name']}|{environment or '*'}"
                rows, inline = self._deployment_candidates(
                    repo["full_name"], environment, state.get(key) or {}
                )

                def statuses_of(row: dict[str, Any], inline: dict[int, Rows] = inline) -> Rows:
                    given = inline.get(row["id"])
                    return given if given is not None else self._fetch_statuses(row)

                statuses = self.clients.map(statuses_of, rows)
                open_ids: list[int] = []
                for row, items in zip(rows, statuses, strict=True):
                    self._statuses[(row["repository_full_name"], row["id"])] = items
                    latest = latest_status(items)
                    if latest is None or latest["state"] not in settings.TERMINAL_DEPLOYMENT_STATES:
                        open_ids.append(row["id"])
                previous_max = int((state.get(key) or {}).get("max_id") or 0)
                state[key] = {
                    "max_id": max([previous_max, *(r["id"] for r in rows)]),
                    "open": sorted(open_ids),
                }
                self.progress.add("deployments", len(rows))
                if rows:
                    yield rows

    def _deployment_candidates(
        self, repo: str, environment: str | None, known: dict[str, Any]
    ) -> tuple[Rows, dict[int, Rows]]:
        """(new and still-open deployments, their statuses where GraphQL gave them whole)."""
        max_id = int(known.get("max_id") or 0)
        still_open = {int(i) for i in known.get("open") or []}
        floor = min([max_id, *still_open])
        spec = settings.DEPLOYMENTS_TABLE
        pages: Iterator[list[Any]]
        if self.graphql_url:
            pages = graphql.deployment_pages(
                self.clients.api, self.graphql_url, repo, self.per_page, environment
            )
        else:
            params: dict[str, Any] = {"per_page": self.per_page}
            if environment:
                params["environment"] = environment
            pages = self.clients.api.paginate_link(settings.DEPLOYMENTS.format(repo=repo), params)
        rows: Rows = []
        graphql_items: dict[int, Mapping[str, Any]] = {}
        for page in pages:
            shaped = []
            for item in page:
                row = spec.shape(with_repo(item, repo))
                shaped.append(row)
                if isinstance(item, Mapping) and graphql.STATUSES in item:
                    graphql_items[row["id"]] = item
            rows.extend(r for r in shaped if r["id"] > max_id or r["id"] in still_open)
            if floor and shaped and min(r["id"] for r in shaped) <= floor:
                break
        if not graphql_items:
            return rows, {}
        # a deployment GraphQL could not give whole (no `ref`): its REST item, on the pool
        todo = [i for i, row in enumerate(rows) if graphql_items[row["id"]][graphql.NEEDS_REST]]
        fetched = self.clients.map(
            lambda i: self.clients.api.get_json(
                settings.DEPLOYMENT.format(repo=repo, deployment_id=rows[i]["id"])
            ),
            todo,
        )
        for i, item in zip(todo, fetched, strict=True):
            rows[i] = spec.shape(with_repo(item, repo))
        status_spec = settings.DEPLOYMENT_STATUSES_TABLE
        inline: dict[int, Rows] = {}
        for row in rows:
            given = graphql_items[row["id"]][graphql.STATUSES]
            if given is not None:
                inline[row["id"]] = [
                    status_spec.shape(with_repo(s, repo, deployment_id=row["id"])) for s in given
                ]
        return rows, inline

    def _fetch_statuses(self, deployment: dict[str, Any]) -> Rows:
        repo, deployment_id = deployment["repository_full_name"], deployment["id"]
        path = settings.DEPLOYMENT_STATUSES.format(repo=repo, deployment_id=deployment_id)
        items = self.clients.fetch_all(path, {"per_page": self.per_page})
        spec = settings.DEPLOYMENT_STATUSES_TABLE
        return [spec.shape(with_repo(item, repo, deployment_id=deployment_id)) for item in items]

    def deployment_statuses(self, deployments: Rows) -> Iterator[Rows]:
        def statuses(row: dict[str, Any]) -> Rows:
            stashed = self._statuses.pop((row["repository_full_name"], row["id"]), None)
            return stashed if stashed is not None else self._fetch_statuses(row)

        rows = [status for items in self.clients.map(statuses, deployments) for status in items]
        self.progress.add("deployment_statuses", len(rows))
        if rows:
            yield rows
