"""Jira Cloud (REST v3) -> `raw_jira`: issues and their status transitions.

Issues are read with `search/jql` (token pagination), newest updates only: the cursor is
the largest `updated` loaded so far (dlt incremental), re-read with a small lookback
because JQL dates are in the Jira user's time zone. Each issue's changelog comes embedded
(`expand=changelog`); when Jira truncated it, the full changelog is paged from
`/issue/{key}/changelog`. Status categories come from `/rest/api/3/status`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import dlt

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.common.records import parse_timestamp

from . import helpers
from .expectations import SUITES
from .settings import (
    DEFAULT_JQL,
    DEFAULT_LOOKBACK_HOURS,
    DEFAULT_START_DATE,
    DEFAULT_STORY_POINTS_FIELD,
    ENV_API_TOKEN,
    ENV_EMAIL,
    ISSUES,
    PAGE_SIZE,
    TRANSITIONS,
)

NAME = "jira"

__all__ = ["NAME", "SUITES", "source"]


@dlt.source(name=NAME)
def source(
    site_url: str = dlt.config.value,
    email: dlt.TSecretStrValue | None = None,
    api_token: dlt.TSecretStrValue | None = None,
    jql: str = DEFAULT_JQL,
    story_points_field: str = DEFAULT_STORY_POINTS_FIELD,
    epic_field: str | None = None,
    start_date: str = DEFAULT_START_DATE,
    lookback_hours: int = DEFAULT_LOOKBACK_HOURS,
    page_size: int = PAGE_SIZE,
) -> Any:
    """Jira issues and status transitions.

    `email`/`api_token` come from `.dlt/secrets.toml` (`[sources.jira]`), the env vars
    `SOURCES__JIRA__EMAIL`/`SOURCES__JIRA__API_TOKEN`, or `JIRA_EMAIL`/`JIRA_API_TOKEN`.
    """
    email = email or os.environ.get(ENV_EMAIL)
    api_token = api_token or os.environ.get(ENV_API_TOKEN)
    if not email or not api_token:
        raise SourceError(
            NAME,
            "missing credentials: set sources.jira.email and sources.jira.api_token in "
            f".dlt/secrets.toml or the env vars {ENV_EMAIL} / {ENV_API_TOKEN}",
        )
    progress = Progress(NAME)
    client = helpers.make_client(
        site_url,
        email,
        api_token,
        on_page=lambda path, rows: progress.add(helpers.resource_of(path), rows),
    )
    initial = parse_timestamp(start_date)
    #: transitions of the issues yielded by `issues`, handed to the transformer by issue id
    pending: dict[str, list[dict[str, Any]]] = {}

    cursor = dlt.sources.incremental("updated", initial_value=initial)

    @dlt.resource(
        name="issues",
        primary_key="id",
        write_disposition="merge",
        columns=ISSUES.column_hints(),
    )
    def issues(
        updated: dlt.sources.incremental[Any] = cursor,
    ) -> Iterator[list[dict[str, Any]]]:
        status_map = helpers.fetch_status_map(client)
        since = helpers.window_start(updated.last_value or initial, lookback_hours)
        query = helpers.build_jql(jql, since)
        fields = helpers.search_fields(story_points_field, epic_field)
        for page in helpers.search_issues(client, query, fields, page_size):
            rows = []
            for issue in page:
                row = ISSUES.shape(
                    helpers.prepare_issue(issue, status_map, story_points_field, epic_field)
                )
                histories = helpers.histories_of(client, issue)
                pending[row["id"]] = TRANSITIONS.shape_all(
                    helpers.transitions_of(issue, histories, status_map)
                )
                rows.append(row)
            yield rows

    @dlt.transformer(
        data_from=issues,
        name="issue_status_transitions",
        primary_key="id",
        write_disposition="merge",
        columns=TRANSITIONS.column_hints(),
    )
    def issue_status_transitions(rows: Any) -> Iterator[list[dict[str, Any]]]:
        """Transitions of the issues that passed the incremental filter (new or changed)."""
        batch = rows if isinstance(rows, list) else [rows]
        out: list[dict[str, Any]] = []
        for row in batch:
            out.extend(pending.pop(row["id"], []))
        if out:
            yield out

    return issues, issue_status_transitions
