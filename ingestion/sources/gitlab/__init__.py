"""GitLab source (REST v4, gitlab.com or self-managed): projects, merge requests with their
commits, approvals, notes and per-file diff stats, deployments, pipelines, tags, releases,
incident-labelled issues and default-branch commits.

Loads the tables of `raw_gitlab` described in `ingestion/RAW_TABLES.md` and in this
package's README. Per-MR lists are fetched on a small thread pool for the merge requests
that changed in this run only.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.common.records import TableSpec
from ingestion.common.resources import arrow_batches, merge_hints, rebatch
from ingestion.sources.gitlab import settings
from ingestion.sources.gitlab.expectations import SUITES
from ingestion.sources.gitlab.helpers import (
    Clients,
    Cursor,
    approval_event,
    commit_record,
    deployment_record,
    diff_record,
    file_totals,
    is_missing,
    label_names,
    label_rows,
    parent_rows,
    project_id,
    row_digest,
    standing_approvals,
    tag_record,
    with_project,
)

NAME = settings.NAME

__all__ = ["NAME", "SUITES", "source"]

Rows = list[dict[str, Any]]


class _GitlabRun:
    """The fetching logic of one source instance (one run): the shared project list and
    the per-MR lists fetched with each page of merge requests."""

    def __init__(
        self,
        groups: Sequence[str],
        projects: Sequence[str],
        clients: Clients,
        per_page: int,
        environments: Sequence[str],
        progress: Progress,
        pipeline_pattern: re.Pattern[str],
        incident_labels: Sequence[str],
    ) -> None:
        self.groups = list(groups)
        self.wanted = list(projects)
        self.clients = clients
        self.per_page = per_page
        self.environments = {e.lower() for e in environments}
        self.progress = progress
        self.pipeline_pattern = pipeline_pattern
        self.incident_labels = list(incident_labels)
        self._projects: Rows | None = None
        #: per-MR lists fetched with their merge request: (table, project, iid) -> rows
        self._stash: dict[tuple[str, str, int], Rows] = {}

    # -- projects ---------------------------------------------------------------------------
    def project_rows(self) -> Rows:
        """The projects this run reads (shaped, by path), fetched once and shared."""
        if self._projects is None:
            listed: list[Any] = self.clients.map(
                lambda name: self.clients.api.get_json(
                    settings.PROJECT.format(project=project_id(name))
                ),
                self.wanted,
            )
            params = {
                "include_subgroups": "true",
                "with_shared": "false",
                "per_page": self.per_page,
            }
            for group in self.groups:
                path = settings.GROUP_PROJECTS.format(group=project_id(group))
                listed.extend(self.clients.fetch_all(path, params))
            rows: dict[int, dict[str, Any]] = {}
            for item in listed:
                row = settings.PROJECTS_TABLE.shape(item)
                rows[row["id"]] = row
            self._projects = sorted(rows.values(), key=lambda r: r["path_with_namespace"])
        return self._projects

    def projects(self) -> Iterator[Rows]:
        """Projects whose fields changed since the last run (digest per id in state)."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        changed = []
        for row in self.project_rows():
            digest = row_digest(row)
            if digests.get(str(row["id"])) != digest:
                digests[str(row["id"])] = digest
                changed.append(row)
        self.progress.add("projects", len(changed))
        if changed:
            yield changed

    # -- merge requests ---------------------------------------------------------------------
    def merge_requests(self) -> Iterator[Rows]:
        """Merge requests updated since each project's cursor (`updated_after`, newest
        first), each with its commits, approvals, notes and diffs fetched on the pool."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        spec = settings.MERGE_REQUESTS_TABLE
        for project in self.project_rows():
            name = project["path_with_namespace"]
            cursor = Cursor(cursors, name)
            params: dict[str, Any] = {
                "state": "all",
                "order_by": "updated_at",
                "sort": "desc",
                "per_page": self.per_page,
            }
            if cursor.since:
                params["updated_after"] = cursor.since
            path = settings.MERGE_REQUESTS.format(project=project_id(project["id"]))
            seen: set[int] = set()
            for page in self.clients.api.paginate(path, params):
                rows: Rows = []
                for item in page:
                    raw = item
                    if isinstance(item, Mapping):
                        raw = with_project(item, name, labels=label_rows(item.get("labels")))
                    row = spec.shape(raw)
                    if cursor.is_new(row["updated_at"], row["id"]) and row["id"] not in seen:
                        seen.add(row["id"])  # listed twice when updated while paging
                        rows.append(row)
                    cursor.observe(row["updated_at"], row["id"])
                self._fetch_children(project, rows)
                self.progress.add("merge_requests", len(rows))
                if rows:
                    yield rows
            cursor.save()

    def _fetch_children(self, project: dict[str, Any], rows: Rows) -> None:
        """Fetch the four per-MR lists of a page of merge requests on the pool, stash them
        for their resources and size each merge request from its diff files."""
        name = project["path_with_namespace"]
        pid = project_id(project["id"])
        fetched = self.clients.map(lambda row: self._children(name, pid, row["iid"]), rows)
        for row, children in zip(rows, fetched, strict=True):
            for table, items in children.items():
                self._stash[(table, name, row["iid"])] = items
            totals = file_totals(children[settings.MERGE_REQUEST_FILES_TABLE.table])
            row.update(totals)

    def _children(self, name: str, pid: str, iid: int) -> dict[str, Rows]:
        params = {"per_page": self.per_page}
        api = self.clients
        commits = [
            settings.MERGE_REQUEST_COMMITS_TABLE.shape(
                commit_record(item, name, merge_request_iid=iid)
            )
            for item in api.fetch_all(settings.MR_COMMITS.format(project=pid, iid=iid), params)
        ]
        notes: Rows = []
        events: list[tuple[Any, ...]] = []
        note_params = {**params, "sort": "asc", "order_by": "created_at"}
        for item in api.fetch_all(settings.MR_NOTES.format(project=pid, iid=iid), note_params):
            note = settings.NOTE_ITEM.shape(item)
            if note["system"]:
                event = approval_event(item, note)
                if event is not None:
                    events.append(event)
                continue
            notes.append(
                settings.MERGE_REQUEST_NOTES_TABLE.shape(
                    with_project(item, name, merge_request_iid=iid)
                )
            )
        files = [
            settings.MERGE_REQUEST_FILES_TABLE.shape(diff_record(item, name, iid))
            for item in api.fetch_all(settings.MR_DIFFS.format(project=pid, iid=iid), params)
        ]
        return {
            settings.MERGE_REQUEST_COMMITS_TABLE.table: commits,
            settings.MERGE_REQUEST_APPROVALS_TABLE.table: self._approvals(name, pid, iid, events),
            settings.MERGE_REQUEST_NOTES_TABLE.table: notes,
            settings.MERGE_REQUEST_FILES_TABLE.table: files,
        }

    def _approvals(self, name: str, pid: str, iid: int, events: list[tuple[Any, ...]]) -> Rows:
        """Who approves the merge request now, with when: `/approvals` (`approved_at` from
        GitLab 17.x; older versions have none: the latest approval system note's time). An
        instance without the endpoint for this token (403/404): the system notes alone."""
        spec = settings.MERGE_REQUEST_APPROVALS_TABLE
        standing = standing_approvals(events)
        path = settings.MR_APPROVALS.format(project=pid, iid=iid)
        try:
            body = self.clients.api.get_json(path)
        except SourceError as exc:
            if not is_missing(exc):
                raise
            body = {"approved_by": [{"user": {"username": u}} for u in sorted(standing)]}
        approved_by = body.get("approved_by") if isinstance(body, Mapping) else None
        if not isinstance(approved_by, list):
            raise SourceError(
                NAME,
                f"GET {path}: expected an object with a list 'approved_by' (table "
                f"'{spec.table}', merge request {name}!{iid})",
            )
        rows: Rows = []
        for entry in approved_by:
            raw = with_project(entry, name, merge_request_iid=iid)
            if isinstance(entry, Mapping) and entry.get("approved_at") is None:
                user = entry.get("user")
                username = user.get("username") if isinstance(user, Mapping) else None
                raw["approved_at"] = standing.get(username) if username else None
            rows.append(spec.shape(raw))
        return rows

    def per_mr(self, merge_requests: Rows, spec: TableSpec) -> Iterator[Rows]:
        """One per-MR table's rows for a batch of merge requests (stashed by the parent)."""
        rows: Rows = []
        for mr in merge_requests:
            key = (spec.table, mr["repository_full_name"], mr["iid"])
            rows.extend(self._stash.pop(key, []))
        self.progress.add(spec.table, len(rows))
        if rows:
            yield rows

    # -- deployments ------------------------------------------------------------------------
    def _environments(self, project: dict[str, Any]) -> list[str | None]:
        """The environments whose deployments are read: every one when `environments` is
        empty ([None]: no filter), else those named in it or of the production tier."""
        if not self.environments:
            return [None]
        path = settings.ENVIRONMENTS.format(project=project_id(project["id"]))
        try:
            items = self.clients.fetch_all(path, {"per_page": self.per_page})
        except SourceError as exc:
            if not is_missing(exc):
                raise
            return [name for name in sorted(self.environments)]
        picked = set()
        for item in items:
            env = settings.ENVIRONMENT_ITEM.shape(item)
            tier = (env["tier"] or "").lower()
            if env["name"].lower() in self.environments or tier == settings.PRODUCTION_TIER:
                picked.add(env["name"])
        return sorted(picked)

    def deployments(self) -> Iterator[Rows]:
        """Deployments updated since the cursor of each (project, environment)
        (`updated_after` with `order_by=updated_at`): new ones and status changes."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        spec = settings.DEPLOYMENTS_TABLE
        for project in self.project_rows():
            name = project["path_with_namespace"]
            path = settings.DEPLOYMENTS.format(project=project_id(project["id"]))
            for environment in self._environments(project):
                cursor = Cursor(cursors, f"{name}|{environment or '*'}")
                params: dict[str, Any] = {
                    "order_by": "updated_at",
                    "sort": "desc",
                    "per_page": self.per_page,
                }
                if environment:
                    params["environment"] = environment
                if cursor.since:
                    params["updated_after"] = cursor.since
                yield from self._changed(path, params, spec, cursor, "deployments", name)
                cursor.save()

    def _changed(
        self,
        path: str,
        params: dict[str, Any],
        spec: TableSpec,
        cursor: Cursor,
        resource: str,
        name: str,
        keep: Any = None,
    ) -> Iterator[Rows]:
        """The items of an `updated_after` listing that are new to the cursor (and kept by
        `keep`, when given), page by page; every listed item moves the cursor."""
        prepare = deployment_record if spec is settings.DEPLOYMENTS_TABLE else with_project
        loaded: set[Any] = set()
        for page in self.clients.api.paginate(path, params):
            rows: Rows = []
            for item in page:
                row = spec.shape(prepare(item, name))
                key = row["id"]
                new = cursor.is_new(row["updated_at"], key) and key not in loaded
                if new and (keep is None or keep(row)):
                    loaded.add(key)
                    rows.append(row)
                cursor.observe(row["updated_at"], key)
            self.progress.add(resource, len(rows))
            if rows:
                yield rows

    # -- pipelines --------------------------------------------------------------------------
    def pipelines(self) -> Iterator[Rows]:
        """Pipelines updated since each project's cursor whose ref or name matches
        `pipeline_pattern` (a running pipeline is read again when it finishes)."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})

        def matches(row: dict[str, Any]) -> bool:
            return any(self.pipeline_pattern.search(row[f] or "") for f in ("ref", "name"))

        for project in self.project_rows():
            name = project["path_with_namespace"]
            cursor = Cursor(cursors, name)
            params: dict[str, Any] = {
                "order_by": "updated_at",
                "sort": "desc",
                "per_page": self.per_page,
            }
            if cursor.since:
                params["updated_after"] = cursor.since
            path = settings.PIPELINES.format(project=project_id(project["id"]))
            yield from self._changed(
                path, params, settings.PIPELINES_TABLE, cursor, "pipelines", name, matches
            )
            cursor.save()

    # -- tags and releases ------------------------------------------------------------------
    def tags(self) -> Iterator[Rows]:
        """Each project's whole tag set (one listing, the commit inline), loaded only when
        it changed (digest per project); the merge key then replaces the project's rows."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        spec = settings.TAGS_TABLE
        for project in self.project_rows():
            name = project["path_with_namespace"]
            path = settings.TAGS.format(project=project_id(project["id"]))
            rows: Rows = []
            for item in self.clients.fetch_all(path, {"per_page": self.per_page}):
                record = tag_record(item, name)
                if record is not None:  # a tag of a tree or blob: not a release of code
                    rows.append(spec.shape(record))
            rows.sort(key=lambda r: r["name"])
            digest = hashlib.sha1(repr([sorted(r.items()) for r in rows]).encode()).hexdigest()
            if digests.get(name) == digest:
                self.progress.add("tags", 0)
                continue
            digests[name] = digest
            self.progress.add("tags", len(rows))
            if rows:
                yield rows

    def releases(self) -> Iterator[Rows]:
        """Every release of each project, loaded only when its fields changed (digest)."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        spec = settings.RELEASES_TABLE
        for project in self.project_rows():
            name = project["path_with_namespace"]
            path = settings.RELEASES.format(project=project_id(project["id"]))
            rows: Rows = []
            for item in self.clients.fetch_all(path, {"per_page": self.per_page}):
                row = spec.shape(with_project(item, name))
                key = f"{name}|{row['tag_name']}"
                digest = row_digest(row)
                if digests.get(key) != digest:
                    digests[key] = digest
                    rows.append(row)
            self.progress.add("releases", len(rows))
            if rows:
                yield rows

    # -- incidents as labelled issues -------------------------------------------------------
    def incident_issues(self) -> Iterator[Rows]:
        """Issues carrying any of `incident_labels`, updated since the cursor of each
        (project, label); an issue listed by two labels once; never the author or body."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        spec = settings.INCIDENT_ISSUES_TABLE
        for project in self.project_rows():
            name = project["path_with_namespace"]
            path = settings.ISSUES.format(project=project_id(project["id"]))
            loaded: set[int] = set()
            # checked again on arrival: only issues that carry an incident label are kept
            wanted = {label.lower() for label in self.incident_labels}
            for label in self.incident_labels:
                cursor = Cursor(cursors, f"{name}|{label}")
                params: dict[str, Any] = {
                    "labels": label,
                    "order_by": "updated_at",
                    "sort": "desc",
                    "per_page": self.per_page,
                }
                if cursor.since:
                    params["updated_after"] = cursor.since
                try:
                    for page in self.clients.api.paginate(path, params):
                        rows: Rows = []
                        for item in page:
                            raw = item
                            if isinstance(item, Mapping):
                                raw = with_project(
                                    item, name, label_names=label_names(item.get("labels"))
                                )
                            row = spec.shape(raw)
                            labelled = wanted & set((row["label_names"] or "").split(","))
                            if (
                                labelled
                                and cursor.is_new(row["updated_at"], row["id"])
                                and row["id"] not in loaded
                            ):
                                loaded.add(row["id"])
                                rows.append(row)
                            cursor.observe(row["updated_at"], row["id"])
                        self.progress.add("incident_issues", len(rows))
                        if rows:
                            yield rows
                except SourceError as exc:
                    if not is_missing(exc):  # issues turned off for the project
                        raise
                cursor.save()

    # -- default-branch commits -------------------------------------------------------------
    def commits(self) -> Iterator[Rows]:
        """Commits of each default branch committed since the project's cursor (`since`)."""
        cursors = dlt.current.resource_state().setdefault("committed_date", {})
        spec = settings.COMMITS_TABLE
        for project in self.project_rows():
            name, branch = project["path_with_namespace"], project.get("default_branch")
            if not branch:  # an empty repository has no default branch
                continue
            cursor = Cursor(cursors, name)
            params: dict[str, Any] = {"ref_name": branch, "per_page": self.per_page}
            if cursor.since:
                params["since"] = cursor.since
            path = settings.COMMITS.format(project=project_id(project["id"]))
            try:
                for page in self.clients.api.paginate(path, params):
                    rows: Rows = []
                    for item in page:
                        parents = item.get("parent_ids") if isinstance(item, Mapping) else None
                        row = spec.shape(commit_record(item, name, parents=parent_rows(parents)))
                        if cursor.is_new(row["committed_date"], row["sha"]):
                            rows.append(row)
                        cursor.observe(row["committed_date"], row["sha"])
                    self.progress.add("commits", len(rows))
                    if rows:
                        yield rows
            except SourceError as exc:
                if exc.status != 404:  # repository not there (empty or disabled)
                    raise
            cursor.save()


def _batches(spec: TableSpec, batches: Iterable[Rows]) -> Iterator[Any]:
    """Shaped rows as `pyarrow` tables with the spec's schema (flat tables only)."""
    return arrow_batches(spec, batches, min_rows=settings.BATCH_ROWS, arrow=settings.ARROW_TABLES)


def _names(value: Any, option: str) -> list[str]:
    """A list setting given as a list, or as one comma-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        raise SourceError(
            NAME, f"config '{option}' (sources.gitlab.{option}) must be a list of names"
        )
    return [str(v).strip().strip("/") for v in value if v is not None and str(v).strip()]


@dlt.source(name=NAME)
def source(
    groups: list[str] | None = None,
    projects: list[str] | None = None,
    base_url: str = settings.DEFAULT_BASE_URL,
    private_token: str | None = dlt.secrets.value,
    per_page: int = settings.DEFAULT_PER_PAGE,
    environments: list[str] | None = None,
    workers: int = settings.DEFAULT_WORKERS,
    pipeline_pattern: str = settings.DEFAULT_PIPELINE_PATTERN,
    incident_labels: list[str] | None = None,
    include_pipelines: bool = True,
    include_releases: bool = True,
    include_tags: bool = True,
) -> Sequence[DltResource]:
    """GitLab groups (`groups`, full paths such as `acme` or `acme/platform`; their
    projects with those of their subgroups) and/or projects (`projects`, paths such as
    `acme/api`, or numeric ids).

    `private_token` comes from `sources.gitlab.private_token` in `.dlt/secrets.toml`,
    else `GITLAB_TOKEN`; it is sent as `PRIVATE-TOKEN`. `base_url` is
    `https://HOST/api/v4` for a self-managed instance. Deployments are read for the
    environments named in `environments` (default `production`, `prod`; case-insensitive)
    and for any environment of the production tier; `[]` reads every environment.
    Pipelines are loaded when their ref or name matches `pipeline_pattern` (a
    case-insensitive regular expression). Issues carrying any of `incident_labels`
    (default `["incident"]`; `[]` turns the resource off) are `incident_issues`.
    """
    group_names = _names(groups, "groups")
    project_names = _names(projects, "projects")
    if not group_names and not project_names:
        raise SourceError(
            NAME,
            "config 'groups' (sources.gitlab.groups) or 'projects' (sources.gitlab.projects) "
            "is required: the groups whose projects to read, or the projects",
        )
    try:
        pattern = re.compile(pipeline_pattern, re.IGNORECASE)
    except re.error as exc:
        raise SourceError(
            NAME,
            "config 'pipeline_pattern' (sources.gitlab.pipeline_pattern) is not a valid "
            f"regular expression: {pipeline_pattern!r} ({exc})",
        ) from None
    envs = list(
        settings.DEFAULT_ENVIRONMENTS
        if environments is None
        else _names(environments, "environments")
    )
    labels = (
        list(settings.DEFAULT_INCIDENT_LABELS)
        if incident_labels is None
        else _names(incident_labels, "incident_labels")
    )
    token = private_token or os.environ.get(settings.TOKEN_ENV_VAR) or None
    run = _GitlabRun(
        group_names,
        project_names,
        Clients(base_url, token, workers=workers),
        per_page,
        envs,
        Progress(NAME),
        pattern,
        labels,
    )

    def projects_() -> Iterator[Any]:
        yield from _batches(settings.PROJECTS_TABLE, run.projects())

    def merge_requests() -> Iterator[Rows]:
        yield from rebatch(run.merge_requests(), settings.BATCH_ROWS)

    def per_mr(spec: TableSpec) -> Any:
        def transform(mrs: Rows) -> Iterator[Any]:
            yield from _batches(spec, run.per_mr(mrs, spec))

        transform.__name__ = spec.table
        return transform

    def deployments() -> Iterator[Any]:
        yield from _batches(settings.DEPLOYMENTS_TABLE, run.deployments())

    def pipelines() -> Iterator[Any]:
        yield from _batches(settings.PIPELINES_TABLE, run.pipelines())

    def tags() -> Iterator[Any]:
        yield from _batches(settings.TAGS_TABLE, run.tags())

    def releases() -> Iterator[Any]:
        yield from _batches(settings.RELEASES_TABLE, run.releases())

    def incident_issues() -> Iterator[Any]:
        yield from _batches(settings.INCIDENT_ISSUES_TABLE, run.incident_issues())

    def commits() -> Iterator[Rows]:
        yield from rebatch(run.commits(), settings.BATCH_ROWS)

    mrs = dlt.resource(merge_requests, **merge_hints(settings.MERGE_REQUESTS_TABLE))
    children = [
        dlt.transformer(per_mr(spec), data_from=mrs, **merge_hints(spec, settings.PER_MR_MERGE_KEY))
        for spec in (
            settings.MERGE_REQUEST_COMMITS_TABLE,
            settings.MERGE_REQUEST_APPROVALS_TABLE,
            settings.MERGE_REQUEST_NOTES_TABLE,
            settings.MERGE_REQUEST_FILES_TABLE,
        )
    ]
    delivery: list[DltResource] = []
    if include_pipelines:
        delivery.append(dlt.resource(pipelines, **merge_hints(settings.PIPELINES_TABLE)))
    if include_releases:
        delivery.append(dlt.resource(releases, **merge_hints(settings.RELEASES_TABLE)))
    if include_tags:
        delivery.append(
            dlt.resource(tags, **merge_hints(settings.TAGS_TABLE, settings.TAGS_MERGE_KEY))
        )
    if labels:
        delivery.append(
            dlt.resource(incident_issues, **merge_hints(settings.INCIDENT_ISSUES_TABLE))
        )
    return (
        dlt.resource(projects_, **merge_hints(settings.PROJECTS_TABLE)),
        mrs,
        *children,
        dlt.resource(deployments, **merge_hints(settings.DEPLOYMENTS_TABLE)),
        dlt.resource(commits, **merge_hints(settings.COMMITS_TABLE)),
        *delivery,
    )
