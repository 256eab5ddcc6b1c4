"""Fetching and shaping Jira Cloud issues, their changelogs and the status list."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ingestion.common.errors import SourceError
from ingestion.common.http import ApiClient
from ingestion.common.records import parse_timestamp

from .settings import (
    BASE_FIELDS,
    CHANGELOG_PAGE_SIZE,
    CHANGELOG_PATH,
    PAGE_SIZE,
    SEARCH_PATH,
    SOURCE,
    STATUS_PATH,
)

StatusMap = dict[str, str]


def basic_token(email: str, api_token: str) -> str:
    """Jira Cloud basic auth: base64 of `email:api_token` (sent as `Authorization: Basic ...`)."""
    return base64.b64encode(f"{email}:{api_token}".encode()).decode()


def make_client(
    site_url: str,
    email: str,
    api_token: str,
    *,
    on_page: Callable[[str, int], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> ApiClient:
    extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
    return ApiClient(
        SOURCE,
        site_url,
        token=basic_token(email, api_token),
        auth_prefix="Basic ",
        on_page=on_page,
        **extra,
    )


def resource_of(path: str) -> str:
    """Name a request path for progress lines."""
    if "changelog" in path:
        return "changelogs"
    if path.rstrip("/").endswith("status"):
        return "statuses"
    return "issues"


def to_utc(value: Any) -> datetime:
    """A cursor value (datetime, pendulum or ISO string) as an aware UTC datetime."""
    return parse_timestamp(value).astimezone(UTC)


def build_jql(jql: str, since: datetime) -> str:
    """`(<jql>) AND updated >= "YYYY-MM-DD HH:mm" ORDER BY updated ASC` (minute precision)."""
    if " order by " in f" {jql.lower()} ":
        raise SourceError(
            SOURCE, "the configured jql must not contain ORDER BY (the source adds one)"
        )
    stamp = since.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return f'({jql}) AND updated >= "{stamp}" ORDER BY updated ASC'


def search_fields(story_points_field: str, epic_field: str | None) -> str:
    fields = [*BASE_FIELDS, story_points_field]
    if epic_field:
        fields.append(epic_field)
    return ",".join(fields)


def fetch_status_map(client: ApiClient) -> StatusMap:
    """Status id and lower-cased name -> status category key (new/indeterminate/done)."""
    body = client.get_json(STATUS_PATH)
    if not isinstance(body, list):
        raise SourceError(SOURCE, f"GET {STATUS_PATH}: expected a list of statuses")
    mapping: StatusMap = {}
    for status in body:
        category = ((status or {}).get("statusCategory") or {}).get("key")
        if not category:
            continue
        if status.get("id") is not None:
            mapping[str(status["id"])] = category
        if status.get("name"):
            mapping[str(status["name"]).lower()] = category
    return mapping


def category_of(status_map: StatusMap, status_id: Any, name: Any) -> str | None:
    if status_id is not None and str(status_id) in status_map:
        return status_map[str(status_id)]
    if name:
        return status_map.get(str(name).lower())
    return None


def search_issues(
    client: ApiClient, jql: str, fields: str, page_size: int = PAGE_SIZE
) -> Iterator[list[dict[str, Any]]]:
    params = {"jql": jql, "fields": fields, "expand": "changelog", "maxResults": page_size}
    yield from client.paginate_token(SEARCH_PATH, params, items_key="issues")


def histories_of(client: ApiClient, issue: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The issue's full changelog: the embedded one, or all pages when it was truncated."""
    changelog = issue.get("changelog") or {}
    histories = list(changelog.get("histories") or [])
    total = changelog.get("total")
    if total is None or int(total) <= len(histories):
        return histories
    return list(fetch_changelog(client, str(issue.get("key") or issue.get("id"))))


def fetch_changelog(client: ApiClient, key: str) -> Iterator[dict[str, Any]]:
    """`GET /rest/api/3/issue/{key}/changelog?startAt=` until `isLast`."""
    path = CHANGELOG_PATH.format(key=key)
    start_at = 0
    page = 0
    while True:
        page += 1
        body = client.decode(
            client.get(path, {"startAt": start_at, "maxResults": CHANGELOG_PAGE_SIZE}), path, page
        )
        values = body.get("values") if isinstance(body, dict) else None
        if not isinstance(values, list):
            raise SourceError(SOURCE, f"GET {path} page {page}: expected an object with 'values'")
        client._page_done(path, len(values))
        yield from values
        start_at += len(values)
        total = body.get("total")
        if body.get("isLast", True) or not values or (total is not None and start_at >= int(total)):
            return


def epic_key_of(fields: Mapping[str, Any], epic_field: str | None) -> Any:
    """The epic: the configured epic field, else the parent when the parent is an Epic."""
    if epic_field:
        value = fields.get(epic_field)
        if isinstance(value, Mapping):
            return value.get("key")
        return value
    parent = fields.get("parent") or {}
    issuetype = (parent.get("fields") or {}).get("issuetype") or {}
    if issuetype.get("name") == "Epic" or issuetype.get("hierarchyLevel") == 1:
        return parent.get("key")
    return None


def prepare_issue(
    issue: Mapping[str, Any],
    status_map: StatusMap,
    story_points_field: str,
    epic_field: str | None,
) -> dict[str, Any]:
    """Add the derived columns to a search result; `ISSUES.shape` selects and types them."""
    fields = issue.get("fields") or {}
    status = fields.get("status") or {}
    category = (status.get("statusCategory") or {}).get("key") or category_of(
        status_map, status.get("id"), status.get("name")
    )
    return {
        **issue,
        "status_category": category,
        "story_points": fields.get(story_points_field),
        "epic_key": epic_key_of(fields, epic_field),
        "labels": list(fields.get("labels") or []),
    }


def transitions_of(
    issue: Mapping[str, Any], histories: list[dict[str, Any]], status_map: StatusMap
) -> list[dict[str, Any]]:
    """One row per changelog item that changed the status: id `<history id>-<item index>`."""
    rows: list[dict[str, Any]] = []
    for history in histories:
        for index, item in enumerate(history.get("items") or []):
            if (item.get("fieldId") or item.get("field")) != "status":
                continue
            rows.append(
                {
                    "id": None if history.get("id") is None else f"{history['id']}-{index}",
                    "issue_id": issue.get("id"),
                    "issue_key": issue.get("key"),
                    "author_account_id": (history.get("author") or {}).get("accountId"),
                    "created": history.get("created"),
                    "from_status": item.get("fromString"),
                    "to_status": item.get("toString"),
                    "from_status_category": category_of(
                        status_map, item.get("from"), item.get("fromString")
                    ),
                    "to_status_category": category_of(
                        status_map, item.get("to"), item.get("toString")
                    ),
                }
            )
    return rows


def window_start(cursor: Any, lookback_hours: int) -> datetime:
    return to_utc(cursor) - timedelta(hours=lookback_hours)
