"""Fetching and shaping Cursor Admin API data.

- Members: `GET /teams/members` answers `{"teamMembers": [...]}` (one page).
- Daily usage: `POST /teams/daily-usage-data` with `{"startDate", "endDate"}` in epoch
  milliseconds answers `{"data": [...], "period": {...}}`; asked in windows of at most
  `window_days`. Should an answer carry `pagination.hasNextPage` (newer API versions
  page this endpoint), the next page is asked with `page` in the body.
- Spend: `POST /teams/spend` with `{"page", "pageSize"}` answers
  `{"teamMemberSpend": [...], "subscriptionCycleStart": ms, "totalPages": n}`.
- AI code commits (Enterprise): `GET /analytics/ai-code/commits?startDate&endDate&page&pageSize`.

Authentication is HTTP Basic with the API key as the user name and an empty password.
Every record goes through its TableSpec; a broken one raises `MalformedRecordError`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping, MutableMapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.common.http import ApiClient
from ingestion.common.records import parse_date
from ingestion.sources.cursor.settings import (
    AI_COMMITS,
    AI_COMMITS_PAGE_SIZE,
    AI_COMMITS_PATH,
    DAILY_USAGE,
    DAILY_USAGE_PATH,
    DEFAULT_HISTORY_DAYS,
    MEMBERS,
    MEMBERS_PATH,
    NAME,
    SPEND,
    SPEND_PAGE_SIZE,
    SPEND_PATH,
)

DAY_MS = 86_400_000


# -- dates ------------------------------------------------------------------------------
def today_utc() -> date:
    return datetime.now(UTC).date()


def resolve_dates(start_date: Any, end_date: Any) -> tuple[date, date]:
    """Defaults: start 30 days ago, end today (UTC: today's figures are restated later)."""
    today = today_utc()
    start = parse_date(start_date) if start_date else today - timedelta(days=DEFAULT_HISTORY_DAYS)
    end = parse_date(end_date) if end_date else today
    return start, end


def epoch_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def day_of_epoch_ms(value: Any) -> date:
    """The UTC day of an epoch-milliseconds value (number or numeric string)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("is not epoch milliseconds")
    millis = float(value)
    return datetime.fromtimestamp(millis / 1000, tz=UTC).date()


def windows(first: date, last: date, days: int) -> Iterator[tuple[date, date]]:
    """[first, last] cut into inclusive windows of at most `days` days."""
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=days - 1))
        yield start, end
        start = end + timedelta(days=1)


# -- incremental state ------------------------------------------------------------------
def fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class WindowCursor:
    """The last loaded day plus a fingerprint per row of the days still re-read.

    Each run starts `lookback_days` before the last loaded day (vendors restate recent
    days) and yields only rows whose content changed since they were last loaded, so a
    re-run with nothing new loads nothing and a restated row is merged on its key.
    Fingerprints of days before the window are dropped.
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
        """Every day up to `last` was read: move the cursor there and drop the
        fingerprints of days the next run will not read again."""
        if self.state.get("last_day") is None or last.isoformat() > self.state["last_day"]:
            self.state["last_day"] = last.isoformat()
        keep_from = (
            date.fromisoformat(self.state["last_day"]) - timedelta(days=self.lookback)
        ).isoformat()
        for stale in [k for k in self.prints if k[:10] < keep_from]:
            del self.prints[stale]


# -- HTTP -------------------------------------------------------------------------------
def make_client(base_url: str, api_key: str | None) -> ApiClient:
    """Basic auth: the API key as user name, empty password."""
    token = base64.b64encode(f"{api_key}:".encode()).decode() if api_key else None
    return ApiClient(NAME, base_url, token=token, auth_prefix="Basic ")


def scrubbed(exc: SourceError, api_key: str | None) -> SourceError:
    """The error without the raw API key (the client already hides the encoded one)."""
    message = str(exc).removeprefix(f"[{NAME}] ")
    if api_key:
        message = message.replace(api_key, "***")
    return SourceError(NAME, message, status=exc.status)


def request_json(
    client: ApiClient,
    method: str,
    path: str,
    api_key: str | None,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    page: int = 1,
) -> Any:
    try:
        response = client.send(method, path, params=params, json_body=body)
        return client.decode(response, path, page, method=method)
    except SourceError as exc:
        raise scrubbed(exc, api_key) from None


def items_of(body: Any, key: str, where: str) -> list[Any]:
    """`body[key]` as a list (missing or null = no items); anything else is an error."""
    if not isinstance(body, Mapping):
        raise SourceError(NAME, f"{where}: expected a JSON object with `{key}`")
    items = body.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise SourceError(NAME, f"{where}: `{key}` is not a list")
    return items


# -- shaping ----------------------------------------------------------------------------
def shape_usage(record: Any) -> dict[str, Any]:
    """A daily-usage record: `day` from `date` (epoch ms), or from `day` when sent."""
    if not isinstance(record, Mapping):
        return DAILY_USAGE.shape(record)  # raises: not an object
    raw_day = record.get("date")
    if raw_day is None:
        raw_day = record.get("day")
    day: Any = None
    if raw_day is not None:
        try:
            day = (
                day_of_epoch_ms(raw_day)
                if isinstance(raw_day, (int, float)) or str(raw_day).isdigit()
                else parse_date(raw_day)
            )
        except (TypeError, ValueError):
            raise MalformedRecordError(
                NAME,
                DAILY_USAGE.table,
                (raw_day, record.get("email")),
                "date",
                f"must be epoch milliseconds or an ISO date but got {raw_day!r}",
            ) from None
    return DAILY_USAGE.shape({**record, "day": day.isoformat() if day else None})


def member_rows(client: ApiClient, api_key: str | None) -> list[dict[str, Any]]:
    body = request_json(client, "GET", MEMBERS_PATH, api_key)
    where = f"GET {MEMBERS_PATH}"
    # the first release answered a bare array; the current one `{"teamMembers": [...]}`
    items = body if isinstance(body, list) else items_of(body, "teamMembers", where)
    return [MEMBERS.shape(item) for item in items]


def usage_pages(
    client: ApiClient, api_key: str | None, first: date, last: date
) -> Iterator[list[dict[str, Any]]]:
    """Shaped daily-usage rows of the days [first, last], one list per answer."""
    page = 1
    while True:
        body: dict[str, Any] = {
            "startDate": epoch_ms(first),
            "endDate": epoch_ms(last) + DAY_MS - 1,
        }
        if page > 1:
            body["page"] = page
        answer = request_json(client, "POST", DAILY_USAGE_PATH, api_key, body=body, page=page)
        where = f"POST {DAILY_USAGE_PATH} ({first.isoformat()}..{last.isoformat()}) page {page}"
        rows = [shape_usage(item) for item in items_of(answer, "data", where)]
        yield [r for r in rows if first <= r["day"] <= last]
        pagination = answer.get("pagination") if isinstance(answer, Mapping) else None
        if not (isinstance(pagination, Mapping) and pagination.get("hasNextPage")):
            return
        page += 1


def spend_pages(client: ApiClient, api_key: str | None) -> Iterator[list[dict[str, Any]]]:
    """Shaped spend rows of the current billing cycle, page by page (`totalPages`)."""
    page = 1
    while True:
        body = {"page": page, "pageSize": SPEND_PAGE_SIZE}
        answer = request_json(client, "POST", SPEND_PATH, api_key, body=body, page=page)
        where = f"POST {SPEND_PATH} page {page}"
        items = items_of(answer, "teamMemberSpend", where)
        cycle_ms = answer.get("subscriptionCycleStart")
        try:
            cycle = day_of_epoch_ms(cycle_ms)
        except (TypeError, ValueError):
            raise MalformedRecordError(
                NAME,
                SPEND.table,
                f"page {page}",
                "subscriptionCycleStart",
                f"must be epoch milliseconds but got {cycle_ms!r}",
            ) from None
        yield [
            SPEND.shape(
                {**item, "cycle_start": cycle.isoformat()} if isinstance(item, Mapping) else item
            )
            for item in items
        ]
        total = answer.get("totalPages")
        if not items or not isinstance(total, int) or page >= total:
            return
        page += 1


def commit_pages(
    client: ApiClient, api_key: str | None, first: date, last: date
) -> Iterator[list[dict[str, Any]]]:
    """Shaped AI-code commits of [first, last] (ISO dates), page by page."""
    page = 1
    seen = 0
    while True:
        params = {
            "startDate": first.isoformat(),
            "endDate": last.isoformat(),
            "page": page,
            "pageSize": AI_COMMITS_PAGE_SIZE,
        }
        answer = request_json(client, "GET", AI_COMMITS_PATH, api_key, params=params, page=page)
        where = f"GET {AI_COMMITS_PATH} page {page}"
        key = "items" if isinstance(answer, Mapping) and "items" in answer else "data"
        items = items_of(answer, key, where)
        yield [AI_COMMITS.shape(item) for item in items]
        seen += len(items)
        total = answer.get("totalCount")
        if len(items) < AI_COMMITS_PAGE_SIZE or (isinstance(total, int) and seen >= total):
            return
        page += 1
