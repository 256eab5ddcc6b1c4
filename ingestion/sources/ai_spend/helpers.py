"""Fetching and shaping the vendors' cost reports.

Both answer daily buckets, `{"data": [{start, end, results: [...]}], "has_more",
"next_page"}`, and take the previous answer's `next_page` as `page`:

- Anthropic: `starting_at` / `ending_at` RFC 3339, `bucket_width=1d`,
  `group_by[]=workspace_id&group_by[]=description`, `limit` <= 31 buckets; `amount` is a
  decimal string in the currency's lowest units (cents).
- OpenAI: `start_time` / `end_time` Unix seconds, `bucket_width=1d`,
  `group_by[]=project_id&group_by[]=line_item`, `limit` <= 180 buckets; `amount.value` is
  a number in currency units. The reference shows the bucket list as `results` (and
  `result` in generated examples): both are read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, MutableMapping
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.common.http import ApiClient
from ingestion.common.records import TableSpec, parse_date
from ingestion.sources.ai_spend.settings import (
    ANTHROPIC_COST_PATH,
    ANTHROPIC_COSTS,
    ANTHROPIC_GROUP_BY,
    ANTHROPIC_LINE_FIELDS,
    ANTHROPIC_PAGE_LIMIT,
    ANTHROPIC_VERSION,
    DEFAULT_HISTORY_DAYS,
    NAME,
    OPENAI_COSTS,
    OPENAI_COSTS_PATH,
    OPENAI_GROUP_BY,
    OPENAI_PAGE_LIMIT,
)

#: the raw decimal columns hold 4 decimal places (DuckDB DECIMAL(18,4))
SCALE = Decimal("0.0001")


# -- dates ------------------------------------------------------------------------------
def today_utc() -> date:
    return datetime.now(UTC).date()


def resolve_dates(start_date: Any, end_date: Any) -> tuple[date, date]:
    """Defaults: start 90 days ago, end today (UTC; today's bucket is read again later)."""
    today = today_utc()
    start = parse_date(start_date) if start_date else today - timedelta(days=DEFAULT_HISTORY_DAYS)
    end = parse_date(end_date) if end_date else today
    return start, end


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# -- incremental state ------------------------------------------------------------------
def fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class WindowCursor:
    """The last day read plus a fingerprint per row of the days still re-read.

    Each run starts `lookback_days` before the last day read (billing restates recent
    days) and yields only rows whose content changed since they were last loaded, so a
    re-run with nothing new loads nothing and a restated line is merged on its key.
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
def anthropic_client(base_url: str, api_key: str) -> ApiClient:
    return ApiClient(
        NAME,
        base_url,
        token=api_key,
        auth_header="x-api-key",
        auth_prefix="",
        headers={"anthropic-version": ANTHROPIC_VERSION},
    )


def openai_client(base_url: str, api_key: str) -> ApiClient:
    return ApiClient(NAME, base_url, token=api_key)


def bucket_pages(
    client: ApiClient, path: str, params: dict[str, Any]
) -> Iterator[tuple[int, list[Any]]]:
    """(page number, buckets) of a cost report, following `next_page` while `has_more`."""
    query = dict(params)
    page = 0
    while True:
        page += 1
        body = client.decode(client.get(path, query), path, page)
        if not isinstance(body, Mapping):
            raise SourceError(NAME, f"GET {path} page {page}: expected a JSON object with `data`")
        data = body.get("data")
        if data is None:
            data = []
        if not isinstance(data, list):
            raise SourceError(NAME, f"GET {path} page {page}: `data` is not a list")
        yield page, data
        next_page = body.get("next_page")
        if not body.get("has_more") or not next_page:
            return
        query["page"] = next_page


def _bucket_results(bucket: Any, table: str, where: str) -> list[Any]:
    if not isinstance(bucket, Mapping):
        raise MalformedRecordError(NAME, table, where, "<bucket>", "is not an object")
    results = bucket.get("results", bucket.get("result"))
    if results is None:
        return []
    if not isinstance(results, list):
        raise MalformedRecordError(NAME, table, where, "results", "must be a list")
    return results


def _shape(spec: TableSpec, record: Any, extra: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        return spec.shape(record)  # raises: not an object
    row = spec.shape({**record, **extra})
    for column in ("amount_cents", "amount"):
        if isinstance(row.get(column), Decimal):
            row[column] = row[column].quantize(SCALE, rounding=ROUND_HALF_EVEN)
    return row


def anthropic_rows(client: ApiClient, first: date, last: date) -> Iterator[list[dict[str, Any]]]:
    """Shaped cost lines of the day buckets [first, last], one list per page."""
    params = {
        "starting_at": midnight(first).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ending_at": midnight(last + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "bucket_width": "1d",
        "group_by[]": list(ANTHROPIC_GROUP_BY),
        "limit": ANTHROPIC_PAGE_LIMIT,
    }
    table = ANTHROPIC_COSTS.table
    for page, buckets in bucket_pages(client, ANTHROPIC_COST_PATH, params):
        rows: list[dict[str, Any]] = []
        for bucket in buckets:
            start = bucket.get("starting_at") if isinstance(bucket, Mapping) else None
            where = f"bucket {start!r} of page {page}"
            try:
                day = parse_date(start)
            except (TypeError, ValueError):
                raise MalformedRecordError(
                    NAME, table, where, "starting_at", f"must be an RFC 3339 time but got {start!r}"
                ) from None
            for result in _bucket_results(bucket, table, where):
                key = "|".join(
                    str(result.get(f) or "") if isinstance(result, Mapping) else ""
                    for f in ANTHROPIC_LINE_FIELDS
                )
                extra = {"day": day.isoformat(), "line_key": key, "vendor": "anthropic"}
                rows.append(_shape(ANTHROPIC_COSTS, result, extra))
        yield [r for r in rows if first <= r["day"] <= last]


def openai_rows(client: ApiClient, first: date, last: date) -> Iterator[list[dict[str, Any]]]:
    """Shaped cost lines of the day buckets [first, last], one list per page."""
    params = {
        "start_time": int(midnight(first).timestamp()),
        "end_time": int(midnight(last + timedelta(days=1)).timestamp()),
        "bucket_width": "1d",
        "group_by[]": list(OPENAI_GROUP_BY),
        "limit": OPENAI_PAGE_LIMIT,
    }
    table = OPENAI_COSTS.table
    for page, buckets in bucket_pages(client, OPENAI_COSTS_PATH, params):
        rows: list[dict[str, Any]] = []
        for bucket in buckets:
            start = bucket.get("start_time") if isinstance(bucket, Mapping) else None
            where = f"bucket {start!r} of page {page}"
            if isinstance(start, bool) or not isinstance(start, (int, float)):
                raise MalformedRecordError(
                    NAME, table, where, "start_time", f"must be Unix seconds but got {start!r}"
                )
            day = datetime.fromtimestamp(start, tz=UTC).date()
            for result in _bucket_results(bucket, table, where):
                key = "|".join(
                    str(result.get(f) or "") if isinstance(result, Mapping) else ""
                    for f in OPENAI_GROUP_BY
                )
                extra = {"day": day.isoformat(), "line_key": key, "vendor": "openai"}
                rows.append(_shape(OPENAI_COSTS, result, extra))
        yield [r for r in rows if first <= r["day"] <= last]
