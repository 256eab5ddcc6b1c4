"""Claude Code Analytics (Anthropic Admin API) -> `raw_claude_code`.

Resource (table): `daily_usage`, one row per day, actor (user e-mail or API key name)
and terminal type, with the per-model token and estimated-cost breakdown as the child
table `daily_usage__model_breakdown`. See README.md next to this file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.extract.hints import make_nested_hints

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.sources.claude_code.expectations import SUITES
from ingestion.sources.claude_code.helpers import (
    WindowCursor,
    day_range,
    make_client,
    report_pages,
    resolve_dates,
    row_key,
    shape_record,
)
from ingestion.sources.claude_code.settings import (
    API_KEY_ENV,
    DAILY_USAGE,
    DEFAULT_BASE_URL,
    DEFAULT_LOOKBACK_DAYS,
    MODEL_BREAKDOWN,
    NAME,
)

__all__ = ["NAME", "SUITES", "source"]


@dlt.source(name=NAME)
def source(
    api_key: str | None = dlt.secrets.value,
    base_url: str = DEFAULT_BASE_URL,
    start_date: str | None = None,
    end_date: str | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> Any:
    """Claude Code usage of one Anthropic organization.

    Args:
        api_key: an Admin API key (`sk-ant-admin...`): `sources.claude_code.api_key`, else
            the `ANTHROPIC_ADMIN_KEY` environment variable.
        base_url: the API root.
        start_date: first day (ISO date) read when there is no state yet; default 30 days ago.
        end_date: last day read; default today (UTC).
        lookback_days: days before the last day read that each run reads again.
    """
    api_key = api_key or os.environ.get(API_KEY_ENV) or None
    if not api_key:
        raise SourceError(
            NAME, f"no Admin API key: set sources.claude_code.api_key or {API_KEY_ENV}"
        )
    start, end = resolve_dates(start_date, end_date)
    progress = Progress(NAME)
    client = make_client(base_url, api_key)

    @dlt.resource(
        name=DAILY_USAGE.table,
        primary_key=list(DAILY_USAGE.primary_key),
        write_disposition="merge",
        columns=DAILY_USAGE.column_hints(),
        nested_hints={"model_breakdown": make_nested_hints(columns=MODEL_BREAKDOWN.column_hints())},
    )
    def daily_usage() -> Iterator[list[dict[str, Any]]]:
        cursor = WindowCursor(dlt.current.resource_state(), lookback_days)
        first = cursor.first_day(start)
        if first > end:
            return
        for day in day_range(first, end):
            for records in report_pages(client, day):
                rows = [shape_record(record) for record in records]
                changed = [r for r in rows if cursor.changed(day, row_key(r), r)]
                progress.add(DAILY_USAGE.table, len(changed))
                if changed:
                    yield changed
                for row in changed:
                    cursor.record(day, row_key(row), row)
        cursor.advance(end)

    return (daily_usage,)
