"""Cursor Admin API -> `raw_cursor`.

Resources (tables): `members`, `daily_usage` (per person and day), `spend` (per person,
current billing cycle) and, when `ai_code_tracking` is on (Enterprise), `ai_code_commits`
(AI-attributed lines per commit). See README.md next to this file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import dlt

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.sources.cursor.expectations import SUITES
from ingestion.sources.cursor.helpers import (
    WindowCursor,
    commit_pages,
    fingerprint,
    make_client,
    member_rows,
    resolve_dates,
    spend_pages,
    usage_pages,
    windows,
)
from ingestion.sources.cursor.settings import (
    AI_COMMITS,
    AI_COMMITS_PATH,
    API_KEY_ENV,
    DAILY_USAGE,
    DEFAULT_BASE_URL,
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_WINDOW_DAYS,
    MEMBERS,
    NAME,
    SPEND,
)

__all__ = ["NAME", "SUITES", "source"]

#: HTTP answers meaning "this plan has no AI code tracking": skipped, not an error
NOT_AVAILABLE = {401, 403, 404}


@dlt.source(name=NAME)
def source(
    api_key: str | None = dlt.secrets.value,
    base_url: str = DEFAULT_BASE_URL,
    start_date: str | None = None,
    end_date: str | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    window_days: int = DEFAULT_WINDOW_DAYS,
    ai_code_tracking: bool = False,
) -> Any:
    """The Cursor team of one Admin API key.

    Args:
        api_key: `sources.cursor.api_key`, else the `CURSOR_API_KEY` environment variable.
        base_url: the API root.
        start_date: first day (ISO date) read when there is no state yet; default 30 days ago.
        end_date: last day read; default today (UTC).
        lookback_days: days before the last loaded day that each run reads again.
        window_days: days per daily-usage request.
        ai_code_tracking: also load `ai_code_commits` (Enterprise plans only).
    """
    api_key = api_key or os.environ.get(API_KEY_ENV) or None
    if not api_key:
        raise SourceError(NAME, f"no API key: set sources.cursor.api_key or {API_KEY_ENV}")
    start, end = resolve_dates(start_date, end_date)
    progress = Progress(NAME)
    client = make_client(base_url, api_key)

    @dlt.resource(
        name=MEMBERS.table,
        primary_key=list(MEMBERS.primary_key),
        write_disposition="merge",
        columns=MEMBERS.column_hints(),
    )
    def members() -> Iterator[list[dict[str, Any]]]:
        known: dict[str, str] = dlt.current.resource_state().setdefault("fingerprints", {})
        rows = member_rows(client, api_key)
        changed = [r for r in rows if known.get(r["email"]) != fingerprint(r)]
        progress.add(MEMBERS.table, len(changed))
        if changed:
            yield changed
        for row in changed:
            known[row["email"]] = fingerprint(row)

    @dlt.resource(
        name=DAILY_USAGE.table,
        primary_key=list(DAILY_USAGE.primary_key),
        write_disposition="merge",
        columns=DAILY_USAGE.column_hints(),
    )
    def daily_usage() -> Iterator[list[dict[str, Any]]]:
        cursor = WindowCursor(dlt.current.resource_state(), lookback_days)
        first = cursor.first_day(start)
        if first > end:
            return
        for window_first, window_last in windows(first, end, window_days):
            for rows in usage_pages(client, api_key, window_first, window_last):
                changed = [r for r in rows if cursor.changed(r["day"], r["email"].lower(), r)]
                progress.add(DAILY_USAGE.table, len(changed))
                if changed:
                    yield changed
                for row in changed:
                    cursor.record(row["day"], row["email"].lower(), row)
        cursor.advance(end)

    @dlt.resource(
        name=SPEND.table,
        primary_key=list(SPEND.primary_key),
        write_disposition="merge",
        columns=SPEND.column_hints(),
    )
    def spend() -> Iterator[list[dict[str, Any]]]:
        state = dlt.current.resource_state()
        known: dict[str, str] = state.setdefault("fingerprints", {})
        seen_cycles: set[str] = set()
        for rows in spend_pages(client, api_key):
            keyed = [(f"{r['cycle_start'].isoformat()}|{r['email'].lower()}", r) for r in rows]
            changed = [(k, r) for k, r in keyed if known.get(k) != fingerprint(r)]
            progress.add(SPEND.table, len(changed))
            if changed:
                yield [r for _, r in changed]
            for key, row in changed:
                known[key] = fingerprint(row)
            seen_cycles.update(r["cycle_start"].isoformat() for r in rows)
        if seen_cycles:  # fingerprints of earlier cycles are never needed again
            current = max(seen_cycles)
            for stale in [k for k in known if k[:10] < current]:
                del known[stale]

    @dlt.resource(
        name=AI_COMMITS.table,
        primary_key=list(AI_COMMITS.primary_key),
        write_disposition="merge",
        columns=AI_COMMITS.column_hints(),
    )
    def ai_code_commits() -> Iterator[list[dict[str, Any]]]:
        cursor = WindowCursor(dlt.current.resource_state(), lookback_days)
        first = cursor.first_day(start)
        if first > end:
            return
        try:
            for rows in commit_pages(client, api_key, first, end):
                changed = [
                    r for r in rows if cursor.changed(r["commit_ts"].date(), r["commit_hash"], r)
                ]
                progress.add(AI_COMMITS.table, len(changed))
                if changed:
                    yield changed
                for row in changed:
                    cursor.record(row["commit_ts"].date(), row["commit_hash"], row)
        except SourceError as exc:
            if exc.status not in NOT_AVAILABLE:
                raise
            progress.printer(
                f"  [{NAME}] {AI_COMMITS_PATH}: not available (HTTP {exc.status}; an "
                "Enterprise feature), no AI code commits loaded"
            )
            return
        cursor.advance(end)

    resources = [members, daily_usage, spend]
    if ai_code_tracking:
        resources.append(ai_code_commits)
    return resources
