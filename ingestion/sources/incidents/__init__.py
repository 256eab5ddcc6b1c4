"""PagerDuty (REST v2) -> `raw_incidents`: incidents with their deployment/commit references.

`GET /incidents` is read in windows of at most 180 days (PagerDuty's limit on a
since/until range), offset-paginated. The cursor is the largest `last_status_change_at`
loaded (dlt incremental); each run re-reads `lookback_days` before it so incidents that
were acknowledged or resolved since are merged in place, while unchanged ones are
dropped by the incremental filter (a re-run loads nothing).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.common.records import parse_timestamp

from . import helpers
from .expectations import SUITES
from .settings import (
    DEFAULT_BASE_URL,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_START_DATE,
    ENV_API_TOKENS,
    INCIDENTS,
    PAGE_SIZE,
)

NAME = "incidents"

__all__ = ["NAME", "SUITES", "source"]


def _token_from_env() -> str | None:
    return next((os.environ[name] for name in ENV_API_TOKENS if os.environ.get(name)), None)


@dlt.source(name=NAME)
def source(
    api_token: dlt.TSecretStrValue | None = None,
    base_url: str = DEFAULT_BASE_URL,
    service_ids: Sequence[str] | None = None,
    start_date: str = DEFAULT_START_DATE,
    end_date: str | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    reference_field: str | None = None,
    page_size: int = PAGE_SIZE,
) -> Any:
    """PagerDuty incidents.

    `api_token` comes from `.dlt/secrets.toml` (`[sources.incidents]`), the env var
    `SOURCES__INCIDENTS__API_TOKEN`, or `PAGERDUTY_API_TOKEN` / `PAGERDUTY_TOKEN`.
    `end_date` (default: now) bounds the windows read; `reference_field` is a dotted
    path in the incident payload scanned for references besides title and description.
    """
    api_token = api_token or _token_from_env()
    if not api_token:
        raise SourceError(
            NAME,
            "missing credentials: set sources.incidents.api_token in .dlt/secrets.toml or "
            f"the env var {ENV_API_TOKENS[0]}",
        )
    progress = Progress(NAME)
    client = helpers.make_client(
        base_url, api_token, on_page=lambda _path, rows: progress.add("incidents", rows)
    )
    initial = parse_timestamp(start_date)

    cursor = dlt.sources.incremental("last_status_change_at", initial_value=initial)

    @dlt.resource(
        name="incidents",
        primary_key="id",
        write_disposition="merge",
        columns=INCIDENTS.column_hints(),
    )
    def incidents(
        changed: dlt.sources.incremental[Any] = cursor,
    ) -> Iterator[list[dict[str, Any]]]:
        last = helpers.to_utc(changed.last_value or initial)
        since = max(helpers.to_utc(initial), last - timedelta(days=lookback_days))
        until = helpers.to_utc(end_date) if end_date else datetime.now(UTC)
        for page in helpers.fetch_incidents(client, since, until, service_ids, page_size):
            yield [INCIDENTS.shape(helpers.prepare_incident(i, reference_field)) for i in page]

    return incidents
