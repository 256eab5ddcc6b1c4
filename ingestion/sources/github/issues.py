"""Incidents recorded as labelled issues (issues carrying any of `incident_labels`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dlt

from ingestion.common.errors import SourceError
from ingestion.sources.github import settings
from ingestion.sources.github.helpers import (
    RepoCursor,
    is_pull_request,
    issue_label_names,
    with_repo,
)
from ingestion.sources.github.repositories import Family, Repositories

Rows = list[dict[str, Any]]


class IncidentIssues(Family):
    """Issues carrying any of the incident labels, updated since each label's cursor."""

    def __init__(
        self,
        repos: Repositories,
        incident_labels: Sequence[str] = settings.DEFAULT_INCIDENT_LABELS,
    ) -> None:
        super().__init__(repos)
        #: issues with any of these labels are `incident_issues`
        self.incident_labels = [label for label in incident_labels if label]

    def incident_issues(self) -> Iterator[Rows]:
        """Issues carrying any of `incident_labels`, updated since the cursor of each
        (repository, label): pull requests dropped, an issue listed by two labels once."""
        cursors = dlt.current.resource_state().setdefault("updated_at", {})
        spec = settings.INCIDENT_ISSUES_TABLE
        for repo in self.repos.all():
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
