"""Fetching and shaping the Claude Code usage report.

One report call per day (`starting_at=YYYY-MM-DD`, the report covers that single UTC
day), `limit=1000` records a page, following `next_page` (as `page`) while `has_more`.
Each record is one actor (a user's e-mail, or an API key's name) on that day; its
`core_metrics` and `tool_actions` objects are flattened into columns and its
`model_breakdown` list becomes the child table `daily_usage__model_breakdown`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, MutableMapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.common.http import ApiClient
from ingestion.common.records import parse_date
from ingestion.sources.claude_code.settings import (
    API_VERSION,
    DAILY_USAGE,
    DEFAULT_HISTORY_DAYS,
    MODEL_BREAKDOWN,
    NAME,
    PAGE_LIMIT,
    REPORT_PATH,
)


# -- dates ------------------------------------------------------------------------------
def today_utc() -> date:
    return datetime.now(UTC).date()


def resolve_dates(start_date: Any, end_date: Any) -> tuple[date, date]:
    """Defaults: start 30 days ago, end today (UTC; today is read again next run)."""
    today = today_utc()
    start = parse_date(start_date) if start_date else today - timedelta(days=DEFAULT_HISTORY_DAYS)
    end = parse_date(end_date) if end_date else today
    return start, end


def day_range(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# -- incremental state ------------------------------------------------------------------
def fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class WindowCursor:
    """The last day read plus a fingerprint per row of the days still re-read.

    Each run starts `lookback_days` before the last day read (Anthropic restates recent
    days) and yields only rows whose content changed since they were last loaded, so a
    re-run with nothing new loads nothing and a restated row is merged on its key.
    """

    def __init__(self, state: MutableMapping[str, Any], lookback_days: int) -> None:
        self.state = state
        self.lookback = lookback_days
        self.prints: dict[str, str] = state.setdefault("fingerprints", {})

    def first_day(self, start: date) -> date:
        last = self.state.get("last_day")
        return date.fromisoformat(last) - timedelta(days=self.lookback) if last else start

    def changed(self, day: date, key: str, row: Any) -> bool:
        return self.prints.get(f"{day.isoformat()}|{key}") != fingerprint(row)

    def record(self, day: date, key: str, row: Any) -> None:
        self.prints[f"{day.isoformat()}|{key}"] = fingerprint(row)

    def advance(self, last: date) -> None:
        """Every day up to `last` was read: move there and forget days never re-read."""
        if self.state.get("last_day") is None or last.isoformat() > self.state["last_day"]:
            self.state["last_day"] = last.isoformat()
        keep_from = (
            date.fromisoformat(self.state["last_day"]) - timedelta(days=self.lookback)
        ).isoformat()
        for stale in [k for k in self.prints if k[:10] < keep_from]:
            del self.prints[stale]


# -- HTTP -------------------------------------------------------------------------------
def make_client(base_url: str, api_key: str | None) -> ApiClient:
    """`x-api-key` (an Admin API key) and `anthropic-version` on every request."""
    return ApiClient(
        NAME,
        base_url,
        token=api_key,
        auth_header="x-api-key",
        auth_prefix="",
        headers={"anthropic-version": API_VERSION},
    )


def report_pages(client: ApiClient, day: date) -> Iterator[list[Any]]:
    """The raw records of one day's report, page by page."""
    params: dict[str, Any] = {"starting_at": day.isoformat(), "limit": PAGE_LIMIT}
    page = 0
    while True:
        page += 1
        body = client.decode(client.get(REPORT_PATH, params), REPORT_PATH, page)
        where = f"GET {REPORT_PATH}?starting_at={day.isoformat()} page {page}"
        if not isinstance(body, Mapping):
            raise SourceError(NAME, f"{where}: expected a JSON object with `data`")
        data = body.get("data")
        if data is None:
            data = []
        if not isinstance(data, list):
            raise SourceError(NAME, f"{where}: `data` is not a list")
        yield data
        next_page = body.get("next_page")
        if not body.get("has_more") or not next_page:
            return
        params = {**params, "page": next_page}


# -- shaping ----------------------------------------------------------------------------
def shape_record(record: Any) -> dict[str, Any]:
    """A report record: actor id, flattened metrics and the shaped model breakdown."""
    if not isinstance(record, Mapping):
        return DAILY_USAGE.shape(record)  # raises: not an object
    given = record.get("actor")
    actor = given if isinstance(given, Mapping) else {}
    actor_id = actor.get("email_address") or actor.get("api_key_name")
    prepared = {
        **record,
        "actor_id": actor_id,
        "terminal_type": record.get("terminal_type") or "",
    }
    row = DAILY_USAGE.shape(prepared)
    key = DAILY_USAGE.key_of({**prepared, "date": str(record.get("date"))[:10]})
    models = record.get("model_breakdown")
    if models is None:
        models = []
    if not isinstance(models, list):
        raise MalformedRecordError(
            NAME, MODEL_BREAKDOWN.table, key, "model_breakdown", "must be a list"
        )
    shaped = []
    for item in models:
        try:
            shaped.append(MODEL_BREAKDOWN.shape(item))
        except MalformedRecordError as exc:
            child_key = (key, exc.key) if exc.key is not None else key
            raise MalformedRecordError(
                exc.source, exc.table, child_key, exc.field, exc.rule
            ) from None
    row["model_breakdown"] = shaped
    return row


def row_key(row: Mapping[str, Any]) -> str:
    return f"{row['actor_type']}|{row['actor_id'].lower()}|{row['terminal_type']}"
