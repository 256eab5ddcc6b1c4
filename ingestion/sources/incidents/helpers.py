"""Fetching PagerDuty incidents in bounded time windows and deriving their references."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ingestion.common.http import ApiClient
from ingestion.common.records import parse_timestamp

from .settings import (
    ACCEPT,
    AUTH_PREFIX,
    DEPLOYMENT_RE,
    FULL_SHA_RE,
    INCIDENTS_PATH,
    MAX_WINDOW_DAYS,
    PAGE_SIZE,
    SHORT_SHA_RE,
    SOURCE,
    STATUSES,
)


def make_client(
    base_url: str,
    api_token: str,
    *,
    on_page: Callable[[str, int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> ApiClient:
    extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
    return ApiClient(
        SOURCE,
        base_url,
        token=api_token,
        auth_prefix=AUTH_PREFIX,
        headers={"Accept": ACCEPT},
        on_page=on_page,
        **extra,
    )


def to_utc(value: Any) -> datetime:
    return parse_timestamp(value).astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(
    since: datetime, until: datetime, max_days: int = MAX_WINDOW_DAYS
) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive [since, until) windows of at most `max_days` days."""
    start = since
    step = timedelta(days=max_days)
    while start < until:
        end = min(start + step, until)
        yield start, end
        start = end


def fetch_incidents(
    client: ApiClient,
    since: datetime,
    until: datetime,
    service_ids: Sequence[str] | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of incidents created in [since, until), window by window."""
    for start, end in windows(since, until):
        params: dict[str, Any] = {
            "since": iso(start),
            "until": iso(end),
            "time_zone": "UTC",
            "statuses[]": list(STATUSES),
        }
        if service_ids:
            params["service_ids[]"] = list(service_ids)
        yield from client.paginate_offset(INCIDENTS_PATH, params, "incidents", limit=page_size)


def _texts(incident: Mapping[str, Any], reference_field: str | None) -> list[str]:
    values: list[Any] = [incident.get("title"), incident.get("description")]
    if reference_field:
        value: Any = incident
        for part in reference_field.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        values.append(value)
    return [str(v) for v in values if v not in (None, "")]


def deployment_reference(texts: Sequence[str]) -> str | None:
    for text in texts:
        match = DEPLOYMENT_RE.search(text)
        if match:
            return match.group(1)
    return None


def commit_reference(texts: Sequence[str]) -> str | None:
    """A full 40-hex SHA anywhere, else a >= 7-hex SHA after `sha`/`commit` (lower case)."""
    for pattern in (FULL_SHA_RE, SHORT_SHA_RE):
        for text in texts:
            match = pattern.search(text)
            if match:
                return match.group(1).lower()
    return None


def resolved_at(incident: Mapping[str, Any]) -> Any:
    if incident.get("resolved_at"):
        return incident["resolved_at"]
    if incident.get("status") == "resolved":
        return incident.get("last_status_change_at")
    return None


def prepare_incident(
    incident: Mapping[str, Any], reference_field: str | None = None
) -> dict[str, Any]:
    """Add the derived columns; `INCIDENTS.shape` selects and types them."""
    texts = _texts(incident, reference_field)
    return {
        **incident,
        "resolved_at": resolved_at(incident),
        "deployment_reference": deployment_reference(texts),
        "commit_reference": commit_reference(texts),
    }
