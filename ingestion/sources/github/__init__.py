"""GitHub source: repositories, pull requests and their details, deployments, commits,
and the delivery signals of teams that do not use the Deployments API: GitHub Actions
runs of deploy/release workflows, releases, tags and incident-labelled issues.

Loads the tables of `raw_github` described in `ingestion/RAW_TABLES.md` from REST v3.
Per-PR lists (commits, reviews, files) and deployment statuses are fetched on a small
thread pool for the records that changed in this run only. With `pulls_api="graphql"`
the pull requests come from GraphQL v4 instead (`graphql.py`): a page of PRs with
their commits, reviews and files in one request, mapped to the same rows.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.common.records import TableSpec, parse_timestamp
from ingestion.sources.github import graphql, settings
from ingestion.sources.github.expectations import SUITES
from ingestion.sources.github.helpers import (
    Clients,
    RepoCursor,
    file_totals,
    is_empty_repository_error,
    is_pull_request,
    issue_label_names,
    label_names,
    latest_status,
    pages_until_older,
    paginate_wrapped,
    parent_shas,
    pull_number_from_url,
    row_digest,
    tag_name,
    with_repo,
)

NAME = settings.NAME

__all__ = ["NAME", "SUITES", "source"]

Rows = list[dict[str, Any]]


class _GithubRun:
    """The fetching logic of one source instance (one run): shared repo list and stashes."""

    def __init__(
        self,
        org: str | None,
        repositories: Sequence[str] | None,
        clients: Clients,
        per_page: int,
        environments: Sequence[str] | None,
        progress: Progress,
        graphql_url: str | None = None,
        deployments_graphql_url: str | None = None,
        workflow_pattern: re.Pattern[str] | None = None,
        incident_labels: Sequence[str] = settings.DEFAULT_INCIDENT_LABELS,
    ) -> None:
        self.org = org
        self.wanted = [r.strip() for r in repositories or [] if r and r.strip()]
        self.clients = clients
        self.per_page = per_page
        self.environments = [e for e in environments or [] if e]
        self.progress = progress
        #: set: pull requests (and their commits, reviews, files) come from GraphQL
        self.graphql_url = graphql_url
        #: set: deployments (with their statuses) come from GraphQL
        self.deployments_graphql_url = deployments_graphql_url
        #: workflows whose runs `workflow_runs` reads (matched on name or file path)
        self.workflow_pattern = workflow_pattern or re.compile(
            settings.DEFAULT_ACTIONS_WORKFLOW_PATTERN, re.IGNORECASE
        )
        #: issues with any of these labels are `incident_issues`
        self.incident_labels = [label for label in incident_labels if label]
        self._repos: Rows | None = None
        #: per-PR lists already fetched with the PR page (REST: the files that sized it;
        #: GraphQL: all three), handed on to their resources: (table, repo, number) -> items
        self._stash: dict[tuple[str, str, int], Rows] = {}
        #: statuses fetched to track open deployments, handed on to `deployment_statuses`
        self._statuses: dict[tuple[str, int], Rows] = {}

    # -- repositories -----------------------------------------------------------------------
    def repos(self) -> Rows:
        """The repositories this run reads (shaped), fetched once and shared by every resource."""
        if self._repos is None:
            if self.wanted:  # named: no listing, each fetched by name (on the pool)
                listed = self.clients.map(
                    lambda name: self.clients.api.get_json(settings.REPO.format(repo=name)),
                    self.wanted,
                )
            else:
                listed = self._owner_repos()
            self._repos = [settings.REPOSITORIES.shape(r) for r in listed]
        return self._repos

    def _owner_repos(self) -> list[Any]:
        """The owner's repositories: an organisation's, or a user account's when GitHub
        answers 404 for `orgs/{owner}/repos` (the owner is not an organisation)."""
        listed: list[Any] = []
        params = {"per_page": self.per_page}
        try:
            for page in self.clients.api.paginate_link(
                settings.ORG_REPOS.format(org=self.org), params
            ):
                listed.extend(page)
        except SourceError as exc:
            if exc.status != 404 or listed:
                raise
            path = settings.USER_REPOS.format(owner=self.org)
            for page in self.clients.api.paginate_link(path, {**params, "type": "owner"}):
                listed.extend(page)
        return listed

    def repositories(self) -> Iterator[Rows]:
        """Repositories whose fields changed since the last run (digest per id in state)."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        changed = []
        for row in self.repos():
            digest = hashlib.sha1(repr(sorted(row.items())).encode()).hexdigest()
            if digests.get(str(row["id"])) != digest:
                digests[str(row["id"])] = digest
                changed.append(row)
        self.progress.add("repositories", len(changed))
        if changed:
            yield changed

    # -- pull requests ----------------------------------------------------------------------
    def pull_requests(self) -> Iterator[Rows]:
        """PRs newest-updated first per repository, stopping at the repository's cursor."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        for repo in self.repos():
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
        for repo in self.repos():
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

    # -- deployments ------------------------------------------------------------------------
    def deployments(self) -> Iterator[Rows]:
        """New deployments, plus earlier ones whose latest status was not terminal.

        State per repository (and environment filter): the highest deployment id seen and
        the ids still open. Deployments are listed newest first, so paging stops once a
        page reaches ids that are neither new nor open. With `deployments_api="graphql"`
        the list comes from GraphQL with each deployment's statuses (same rows, same state).
        """
        state = dlt.current.resource_state().setdefault("repositories", {})
        for repo in self.repos():
            for environment in self.environments or [None]:
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
        if self.deployments_graphql_url:
            pages = graphql.deployment_pages(
                self.clients.api, self.deployments_graphql_url, repo, self.per_page, environment
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

    # -- default-branch commits -------------------------------------------------------------
    def commits(self) -> Iterator[Rows]:
        """Commits of each default branch committed since the repository's cursor."""
        cursors = dlt.current.resource_state().setdefault("committer_date", {})
        spec = settings.COMMITS_TABLE
        for repo in self.repos():
            name, branch = repo["full_name"], repo.get("default_branch")
            cursor = RepoCursor(cursors, name)
            params: dict[str, Any] = {"per_page": self.per_page}
            if branch:
                params["sha"] = branch
            if cursor.since:
                params["since"] = cursor.since
            pages = self.clients.api.paginate_link(settings.COMMITS.format(repo=name), params)
            try:
                for page in pages:
                    rows: Rows = []
                    for item in page:
                        raw = item
                        if isinstance(item, Mapping):
                            raw = with_repo(item, name, parents=parent_shas(item.get("parents")))
                        row = spec.shape(raw)
                        date = row["commit__committer__date"]
                        if date is None or cursor.is_new(date, row["sha"]):
                            rows.append(row)
                        if date is not None:
                            cursor.observe(date, row["sha"])
                    self.progress.add("commits", len(rows))
                    if rows:
                        yield rows
            except SourceError as exc:
                if not is_empty_repository_error(exc):
                    raise
            cursor.save()

    # -- GitHub Actions runs of deploy/release workflows ------------------------------------
    def workflow_runs(self) -> Iterator[Rows]:
        """Runs of the workflows matching `workflow_pattern`, new or changed since last run.

        State per repository and workflow: each listed run's creation time, row digest and
        status, for the runs from the listing floor on. The floor is the newest run's
        creation minus `WORKFLOW_RUNS_LOOKBACK_DAYS`, or the earliest run not `completed`
        if that is earlier; the next run lists from the floor's day (`created=>=`), so a
        run still in progress is re-read until it completes, and a run whose digest did
        not change is not loaded again.
        """
        state = dlt.current.resource_state().setdefault("repositories", {})
        spec = settings.WORKFLOW_RUNS_TABLE
        for repo in self.repos():
            name = repo["full_name"]
            workflows = self._matching_workflows(name)
            known = state.setdefault(name, {})
            listed = self.clients.map(
                lambda wf, name=name, known=known: self._fetch_runs(
                    name, wf, known.get(str(wf["workflow_id"])) or {}
                ),
                workflows,
            )
            rows: Rows = []
            for workflow, items in zip(workflows, listed, strict=True):
                wid = str(workflow["workflow_id"])
                before = (known.get(wid) or {}).get("runs") or {}
                runs: dict[str, list[Any]] = {}
                changed: dict[int, dict[str, Any]] = {}
                for item in items:
                    raw = item
                    if isinstance(item, Mapping):
                        raw = with_repo(
                            item,
                            name,
                            name=workflow["name"] or item.get("name"),
                            path=workflow["path"] or item.get("path"),
                            workflow_id=item.get("workflow_id") or workflow["workflow_id"],
                        )
                    row = spec.shape(raw)
                    digest = row_digest(row)
                    key = str(row["id"])
                    runs[key] = [row["created_at"].isoformat(), digest, row["status"]]
                    if (before.get(key) or [None, None])[1] != digest:
                        changed[row["id"]] = row
                known[wid] = {"runs": _runs_in_window(runs)}
                rows.extend(changed.values())
            self.progress.add("workflow_runs", len(rows))
            if rows:
                yield rows

    def _matching_workflows(self, repo: str) -> Rows:
        """The repository's workflows whose name or path matches the pattern (shaped)."""
        matching: Rows = []
        path = settings.WORKFLOWS.format(repo=repo)
        for page in paginate_wrapped(
            self.clients.api, path, {"per_page": self.per_page}, "workflows"
        ):
            for item in page:
                workflow = settings.ACTIONS_WORKFLOW.shape(item)
                if any(
                    self.workflow_pattern.search(workflow[field] or "")
                    for field in ("name", "path")
                ):
                    matching.append(workflow)
        return matching

    def _fetch_runs(self, repo: str, workflow: dict[str, Any], known: dict[str, Any]) -> Rows:
        """A workflow's runs created from the state's floor day on (all of them at first)."""
        params: dict[str, Any] = {"per_page": self.per_page}
        floor = _runs_floor(known.get("runs") or {})
        if floor is not None:
            params["created"] = f">={floor.isoformat()}"
        path = settings.WORKFLOW_RUNS.format(repo=repo, workflow_id=workflow["workflow_id"])
        items: Rows = []
        for page in paginate_wrapped(self.clients.api, path, params, "workflow_runs"):
            items.extend(page)
        return items

    # -- releases ---------------------------------------------------------------------------
    def releases(self) -> Iterator[Rows]:
        """Every release of each repository, loaded only when its fields changed (digest)."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        spec = settings.RELEASES_TABLE
        for repo in self.repos():
            name = repo["full_name"]
            rows: Rows = []
            path = settings.RELEASES.format(repo=name)
            for page in self.clients.api.paginate_link(path, {"per_page": self.per_page}):
                for item in page:
                    row = spec.shape(with_repo(item, name))
                    digest = row_digest(row)
                    if digests.get(str(row["id"])) != digest:
                        digests[str(row["id"])] = digest
                        rows.append(row)
            self.progress.add("releases", len(rows))
            if rows:
                yield rows

    # -- tags -------------------------------------------------------------------------------
    def tags(self) -> Iterator[Rows]:
        """Each repository's whole tag set, loaded only when it changed.

        State per repository: each tag's ref object SHA with what it resolved to (peeled
        target commit, date, annotated or not), so only a new or moved tag costs a request
        (its tag object, or its commit for a lightweight tag); and a digest of the set.
        """
        state = dlt.current.resource_state()
        resolved: dict[str, Any] = state.setdefault("resolved", {})
        digests: dict[str, str] = state.setdefault("digests", {})
        spec = settings.TAGS_TABLE
        for repo in self.repos():
            name = repo["full_name"]
            try:
                refs = [
                    settings.TAG_REF.shape(item)
                    for page in self.clients.api.paginate_link(settings.TAG_REFS.format(repo=name))
                    for item in page
                ]
            except SourceError as exc:
                if not is_empty_repository_error(exc):
                    raise
                continue
            known: dict[str, list[Any]] = resolved.get(name) or {}
            todo = [
                ref
                for ref in refs
                if (known.get(tag_name(ref["ref"])) or [None])[0] != ref["object__sha"]
            ]
            found = dict(
                zip(
                    (ref["ref"] for ref in todo),
                    self.clients.map(lambda ref, name=name: self._resolve_tag(name, ref), todo),
                    strict=True,
                )
            )
            rows: Rows = []
            current: dict[str, list[Any]] = {}
            for ref in refs:
                tag = tag_name(ref["ref"])
                target, tagged_at, annotated = (
                    found[ref["ref"]] if ref["ref"] in found else known[tag][1:]
                )
                if annotated is None:  # a tag of a tree or blob: not a release of code
                    current[tag] = [ref["object__sha"], None, None, None]
                    continue
                row = spec.shape(
                    {
                        "repository_full_name": name,
                        "name": tag,
                        "target_sha": target,
                        "tagged_at": tagged_at,
                        "is_annotated": annotated,
                    }
                )
                rows.append(row)
                when = row["tagged_at"].isoformat() if row["tagged_at"] else None
                current[tag] = [ref["object__sha"], row["target_sha"], when, row["is_annotated"]]
            resolved[name] = current
            digest = hashlib.sha1(
                repr(sorted((tag, *values) for tag, values in current.items())).encode()
            ).hexdigest()
            if digests.get(name) == digest:
                self.progress.add("tags", 0)
                continue
            digests[name] = digest
            self.progress.add("tags", len(rows))
            if rows:
                yield rows

    def _resolve_tag(self, repo: str, ref: dict[str, Any]) -> list[Any]:
        """[target commit SHA, tagged_at, annotated] of one tag ref.

        Annotated (`object.type == "tag"`): the tag object's tagger date, its object peeled
        to the commit. Lightweight (`commit`): the commit's committer date. A tag of a tree
        or a blob (as the git source, skipped): [None, None, None].
        """
        sha, kind = ref["object__sha"], ref["object__type"]
        api = self.clients.api
        if kind == "tag":
            tag = api.get_json(settings.TAG_OBJECT.format(repo=repo, sha=sha))
            tagged_at = _dig(tag, "tagger", "date")
            target = _dig(tag, "object", "sha")
            for _ in range(settings.MAX_TAG_PEEL):  # a tag of a tag: peel to the commit
                if _dig(tag, "object", "type") != "tag" or not isinstance(target, str):
                    break
                tag = api.get_json(settings.TAG_OBJECT.format(repo=repo, sha=target))
                target = _dig(tag, "object", "sha")
            if _dig(tag, "object", "type") in settings.NOT_COMMITS:
                return [None, None, None]
            return [target, tagged_at, True]
        if kind in settings.NOT_COMMITS:
            return [None, None, None]
        commit = api.get_json(settings.COMMIT.format(repo=repo, sha=sha))
        return [sha, _dig(commit, "commit", "committer", "date"), False]

    # -- incidents as labelled issues -------------------------------------------------------
    def incident_issues(self) -> Iterator[Rows]:
        """Issues carrying any of `incident_labels`, updated since the cursor of each
        (repository, label): pull requests dropped, an issue listed by two labels once."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        spec = settings.INCIDENT_ISSUES_TABLE
        for repo in self.repos():
            name = repo["full_name"]
            loaded: set[int] = set()
            for label in self.incident_labels:
                cursor = RepoCursor(cursors, f"{name}|{label}")
                params: dict[str, Any] = {"labels": label, "state": "all"}
                if cursor.since:
                    params["since"] = cursor.since
                params.update(per_page=self.per_page, sort="updated", direction="asc")
                pages = self.clients.api.paginate_link(settings.ISSUES.format(repo=name), params)
                try:
                    for page in pages:
                        rows: Rows = []
                        for item in page:
                            if is_pull_request(item):
                                continue
                            raw = item
                            if isinstance(item, Mapping):  # never the author or the body
                                labels = issue_label_names(item.get("labels"))
                                raw = with_repo(item, name, label_names=labels)
                            row = spec.shape(raw)
                            if cursor.is_new(row["updated_at"], row["id"]) and (
                                row["id"] not in loaded
                            ):
                                loaded.add(row["id"])
                                rows.append(row)
                            cursor.observe(row["updated_at"], row["id"])
                        self.progress.add("incident_issues", len(rows))
                        if rows:
                            yield rows
                except SourceError as exc:
                    if exc.status != 410:  # 410 Gone: issues are disabled for the repository
                        raise
                cursor.save()


def _dig(value: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _runs_floor(runs: Mapping[str, Sequence[Any]]) -> date | None:
    """The day from which a workflow's runs are listed again (None: list them all).

    The newest known run's creation minus the lookback, or the earliest run not yet
    completed if that is earlier.
    """
    if not runs:
        return None
    created = [(parse_timestamp(values[0]), values[2]) for values in runs.values()]
    lookback = timedelta(days=settings.WORKFLOW_RUNS_LOOKBACK_DAYS)
    newest = max(when for when, _ in created) - lookback
    still_open = [when for when, status in created if status != settings.WORKFLOW_RUN_DONE]
    return min([newest, *still_open]).date()


def _runs_in_window(runs: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The listed runs the next listing will see again (from its floor day on)."""
    floor = _runs_floor(runs)
    return {
        key: values
        for key, values in runs.items()
        if floor is None or parse_timestamp(values[0]).date() >= floor
    }


def _batches(spec: TableSpec, batches: Iterator[Rows]) -> Iterator[Any]:
    """Shaped rows as `pyarrow` tables with the spec's schema (`settings.ARROW_TABLES`).

    dlt writes an arrow table straight to parquet and skips its JSON normaliser; a table
    with nested lists (dlt child tables) stays dict rows.
    """
    for rows in _rebatch(batches, settings.BATCH_ROWS):
        yield spec.to_arrow(rows) if settings.ARROW_TABLES and not spec.nested else rows


def _rebatch(batches: Iterator[Rows], min_rows: int) -> Iterator[Rows]:
    """Consecutive batches joined until each has at least `min_rows` rows (the last may not).

    dlt computes and merges the table schema once per arrow item, a few ms each.
    """
    pending: Rows = []
    for rows in batches:
        pending.extend(rows)
        if len(pending) >= min_rows:
            yield pending
            pending = []
    if pending:
        yield pending


def _rows(batch: Any) -> Rows:
    """A parent resource's batch as dict rows (arrow tables included), for a transformer."""
    return batch if isinstance(batch, list) else batch.to_pylist()


def _merge_hints(spec: TableSpec, merge_key: Sequence[str] | None = None) -> dict[str, Any]:
    hints: dict[str, Any] = {
        "name": spec.table,
        "primary_key": list(spec.primary_key),
        "write_disposition": "merge",
        "columns": spec.column_hints(),
        # parquet load files: DuckDB ingests them several times faster than INSERT statements
        "file_format": "parquet",
    }
    if merge_key:
        hints["merge_key"] = list(merge_key)
    return hints


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
    run = _GithubRun(
        org,
        repositories,
        clients,
        per_page,
        environments,
        Progress(NAME),
        graphql_url=endpoint if pulls_api == "graphql" else None,
        deployments_graphql_url=endpoint if deployments_api == "graphql" else None,
        workflow_pattern=workflow_pattern,
        incident_labels=labels,
    )

    def repositories_() -> Iterator[Any]:
        yield from _batches(settings.REPOSITORIES, run.repositories())

    def pull_requests() -> Iterator[Rows]:
        # pages of PRs joined: fewer, larger batches for the per-PR tables (arrow) too
        yield from _rebatch(run.pull_requests(), settings.BATCH_ROWS)

    def pull_request_commits(pulls: Rows) -> Iterator[Any]:
        spec = settings.PULL_REQUEST_COMMITS
        yield from _batches(spec, run.per_pull(pulls, settings.PULL_COMMITS, spec))

    def pull_request_reviews(pulls: Rows) -> Iterator[Any]:
        spec = settings.PULL_REQUEST_REVIEWS
        yield from _batches(spec, run.per_pull(pulls, settings.PULL_REVIEWS, spec))

    def pull_request_files(pulls: Rows) -> Iterator[Any]:
        spec = settings.PULL_REQUEST_FILES
        yield from _batches(spec, run.per_pull(pulls, settings.PULL_FILES, spec))

    def pull_request_review_comments() -> Iterator[Any]:
        yield from _batches(settings.PULL_REQUEST_REVIEW_COMMENTS, run.review_comments())

    def deployments_() -> Iterator[Any]:
        yield from _batches(settings.DEPLOYMENTS_TABLE, run.deployments())

    def deployment_statuses(deployments: Any) -> Iterator[Any]:
        rows = _rows(deployments)
        yield from _batches(settings.DEPLOYMENT_STATUSES_TABLE, run.deployment_statuses(rows))

    def commits() -> Iterator[Rows]:
        yield from run.commits()

    def workflow_runs() -> Iterator[Any]:
        yield from _batches(settings.WORKFLOW_RUNS_TABLE, run.workflow_runs())

    def releases() -> Iterator[Any]:
        yield from _batches(settings.RELEASES_TABLE, run.releases())

    def tags() -> Iterator[Any]:
        yield from _batches(settings.TAGS_TABLE, run.tags())

    def incident_issues() -> Iterator[Any]:
        yield from _batches(settings.INCIDENT_ISSUES_TABLE, run.incident_issues())

    per_pull = settings.PER_PULL_MERGE_KEY
    repositories_resource = dlt.resource(repositories_, **_merge_hints(settings.REPOSITORIES))
    pulls = dlt.resource(pull_requests, **_merge_hints(settings.PULL_REQUESTS))
    deployments = dlt.resource(deployments_, **_merge_hints(settings.DEPLOYMENTS_TABLE))
    delivery: list[DltResource] = []
    if include_workflow_runs:
        delivery.append(dlt.resource(workflow_runs, **_merge_hints(settings.WORKFLOW_RUNS_TABLE)))
    if include_releases:
        delivery.append(dlt.resource(releases, **_merge_hints(settings.RELEASES_TABLE)))
    if include_tags:
        # merge key: a repository's tag set replaces its earlier one (deleted tags go)
        delivery.append(
            dlt.resource(tags, **_merge_hints(settings.TAGS_TABLE, settings.TAGS_MERGE_KEY))
        )
    if labels:
        delivery.append(
            dlt.resource(incident_issues, **_merge_hints(settings.INCIDENT_ISSUES_TABLE))
        )
    return (
        repositories_resource,
        pulls,
        dlt.transformer(
            pull_request_commits,
            data_from=pulls,
            **_merge_hints(settings.PULL_REQUEST_COMMITS, per_pull),
        ),
        dlt.transformer(
            pull_request_reviews, data_from=pulls, **_merge_hints(settings.PULL_REQUEST_REVIEWS)
        ),
        dlt.transformer(
            pull_request_files,
            data_from=pulls,
            **_merge_hints(settings.PULL_REQUEST_FILES, per_pull),
        ),
        dlt.resource(
            pull_request_review_comments, **_merge_hints(settings.PULL_REQUEST_REVIEW_COMMENTS)
        ),
        deployments,
        dlt.transformer(
            deployment_statuses,
            data_from=deployments,
            **_merge_hints(settings.DEPLOYMENT_STATUSES_TABLE),
        ),
        dlt.resource(commits, **_merge_hints(settings.COMMITS_TABLE)),
        *delivery,
    )
