"""The repositories a run reads (an organisation's, a user account's or the named ones)
and their default-branch commits.

`Repositories` lists them once per run; every resource family (`pulls.py`,
`deployments.py`, `actions.py`, `releases.py`, `issues.py`) is a `Family` that reads the
same list and shares its clients, page size and progress counter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dlt

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.sources.github import settings
from ingestion.sources.github.helpers import (
    Clients,
    RepoCursor,
    is_empty_repository_error,
    parent_shas,
    with_repo,
)

Rows = list[dict[str, Any]]


class Repositories:
    """The repositories of one run (shaped), fetched once and shared by every resource."""

    def __init__(
        self,
        org: str | None,
        repositories: Sequence[str] | None,
        clients: Clients,
        per_page: int,
        progress: Progress,
    ) -> None:
        self.org = org
        self.wanted = [r.strip() for r in repositories or [] if r and r.strip()]
        self.clients = clients
        self.per_page = per_page
        self.progress = progress
        self._repos: Rows | None = None

    def all(self) -> Rows:
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

    def changed(self) -> Iterator[Rows]:
        """Repositories whose fields changed since the last run (digest per id in state)."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        changed = []
        for row in self.all():
            digest = hashlib.sha1(repr(sorted(row.items())).encode()).hexdigest()
            if digests.get(str(row["id"])) != digest:
                digests[str(row["id"])] = digest
                changed.append(row)
        self.progress.add("repositories", len(changed))
        if changed:
            yield changed

    def commits(self) -> Iterator[Rows]:
        """Commits of each default branch committed since the repository's cursor."""
        cursors = dlt.current.resource_state().setdefault("committer_date", {})
        spec = settings.COMMITS_TABLE
        for repo in self.all():
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


class Family:
    """A family of resources reading the run's repositories with its clients."""

    def __init__(self, repos: Repositories) -> None:
        self.repos = repos
        self.clients = repos.clients
        self.per_page = repos.per_page
        self.progress = repos.progress
