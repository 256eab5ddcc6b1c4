"""AI spend from billing APIs -> `raw_ai_spend`.

Resources (tables), each only when its vendor's admin key is configured:
`anthropic_costs` (Anthropic cost report) and `openai_costs` (OpenAI organization costs),
one row per day and cost line. See README.md next to this file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion.common.errors import SourceError
from ingestion.common.http import ApiClient
from ingestion.common.pipeline import Progress
from ingestion.common.records import TableSpec
from ingestion.sources.ai_spend.expectations import SUITES
from ingestion.sources.ai_spend.helpers import (
    WindowCursor,
    anthropic_client,
    anthropic_rows,
    openai_client,
    openai_rows,
    resolve_dates,
)
from ingestion.sources.ai_spend.settings import (
    ANTHROPIC_BASE_URL,
    ANTHROPIC_COSTS,
    ANTHROPIC_KEY_ENV,
    DEFAULT_LOOKBACK_DAYS,
    NAME,
    OPENAI_BASE_URL,
    OPENAI_COSTS,
    OPENAI_KEY_ENV,
)

__all__ = ["NAME", "SUITES", "source"]

Fetch = Callable[[ApiClient, date, date], Iterator[list[dict[str, Any]]]]


@dlt.source(name=NAME)
def source(
    anthropic_admin_key: str | None = dlt.secrets.value,
    openai_admin_key: str | None = dlt.secrets.value,
    anthropic_base_url: str = ANTHROPIC_BASE_URL,
    openai_base_url: str = OPENAI_BASE_URL,
    start_date: str | None = None,
    end_date: str | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> Any:
    """Daily AI spend of the configured vendors (at least one key is needed).

    Args:
        anthropic_admin_key: `sources.ai_spend.anthropic_admin_key`, else `ANTHROPIC_ADMIN_KEY`.
        openai_admin_key: `sources.ai_spend.openai_admin_key`, else `OPENAI_ADMIN_KEY`.
        anthropic_base_url / openai_base_url: the API roots.
        start_date: first day (ISO date) read when there is no state yet; default 90 days ago.
        end_date: last day read; default today (UTC).
        lookback_days: days before the last day read that each run reads again.
    """
    anthropic_key = anthropic_admin_key or os.environ.get(ANTHROPIC_KEY_ENV) or None
    openai_key = openai_admin_key or os.environ.get(OPENAI_KEY_ENV) or None
    if not anthropic_key and not openai_key:
        raise SourceError(
            NAME,
            "no vendor configured: set sources.ai_spend.anthropic_admin_key (or "
            f"{ANTHROPIC_KEY_ENV}) and/or sources.ai_spend.openai_admin_key (or {OPENAI_KEY_ENV})",
        )
    start, end = resolve_dates(start_date, end_date)
    progress = Progress(NAME)

    def cost_resource(spec: TableSpec, client: ApiClient, fetch: Fetch) -> DltResource:
        def rows() -> Iterator[list[dict[str, Any]]]:
            cursor = WindowCursor(dlt.current.resource_state(), lookback_days)
            first = cursor.first_day(start)
            if first > end:
                return
            for page in fetch(client, first, end):
                changed = [r for r in page if cursor.changed(r["day"], r["line_key"], r)]
                progress.add(spec.table, len(changed))
                if changed:
                    yield changed
                for row in changed:
                    cursor.record(row["day"], row["line_key"], row)
            cursor.advance(end)

        return dlt.resource(
            rows,
            name=spec.table,
            primary_key=list(spec.primary_key),
            write_disposition="merge",
            columns=spec.column_hints(),
        )

    resources = []
    if anthropic_key:
        client = anthropic_client(anthropic_base_url, anthropic_key)
        resources.append(cost_resource(ANTHROPIC_COSTS, client, anthropic_rows))
    if openai_key:
        client = openai_client(openai_base_url, openai_key)
        resources.append(cost_resource(OPENAI_COSTS, client, openai_rows))
    return resources
