"""Fetching and shaping GitHub Copilot metrics.

- Usage-metrics reports: one REST call per day answers signed `download_links`; each
  link is an NDJSON file (one JSON object per line) fetched WITHOUT the GitHub token
  (signed storage URLs must not receive it). 404 or no links = no report that day.
- Legacy metrics: a Link-paginated JSON array of day objects.
- Seats: a Link-paginated `{"total_seats": N, "seats": [...]}`.

Every record goes through its TableSpec; breakdown lists are shaped through their own
specs and kept as lists so dlt loads them as child tables.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.common.http import ApiClient
from ingestion.common.records import TableSpec, parse_date
from ingestion.sources.copilot.settings import (
    DEFAULT_HISTORY_DAYS,
    LEGACY_EDITORS,
    LEGACY_LANGUAGES,
    LEGACY_METRICS,
    LEGACY_MODELS,
    NAME,
)


# -- dates and cursors ----------------------------------------------------------------
def today_utc() -> date:
    return datetime.now(UTC).date()


def resolve_dates(start_date: Any, end_date: Any) -> tuple[date, date]:
    """Defaults: start 28 days ago, end yesterday (UTC); strings are ISO dates."""
    today = today_utc()
    start = parse_date(start_date) if start_date else today - timedelta(days=DEFAULT_HISTORY_DAYS)
    end = parse_date(end_date) if end_date else today - timedelta(days=1)
    return start, end


def day_range(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def fingerprint(value: Any) -> str:
    """A short content hash of shaped rows (stable across runs)."""
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class DayCursor:
    """The last loaded day (in dlt resource state) plus fingerprints of the days at the cursor.

    The next run starts AT the last loaded day (a day's report can still change), and a
    re-fetched day whose content is unchanged is not loaded again, so a re-run with no
    new data loads nothing while a late change on that day is merged in place.
    """

    def __init__(self, state: MutableMapping[str, Any]) -> None:
        self.state = state
        self.fingerprints: dict[str, str] = state.setdefault("fingerprints", {})

    def first_day(self, start: date) -> date:
        last = self.state.get("last_day")
        return date.fromisoformat(last) if last else start

    def is_unchanged(self, day: date, rows: Any) -> bool:
        return self.fingerprints.get(day.isoformat()) == fingerprint(rows)

    def record(self, day: date, rows: Any) -> None:
        last = self.state.get("last_day")
        if last is None or day.isoformat() > last:
            self.state["last_day"] = day.isoformat()
        self.fingerprints[day.isoformat()] = fingerprint(rows)
        for old in [d for d in self.fingerprints if d < self.state["last_day"]]:
            del self.fingerprints[old]


# -- HTTP -----------------------------------------------------------------------------
def is_not_found(exc: SourceError) -> bool:
    return "answered HTTP 404" in str(exc)


def safe_link(url: str) -> str:
    """A download link without its query string (the signature)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else parts.path


def parse_ndjson(content: bytes, where: str) -> list[dict[str, Any]]:
    """Rows of an NDJSON report file (also accepts a JSON array, and gzip)."""
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    text = content.decode("utf-8-sig")
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError:
            raise SourceError(NAME, f"{where}: file is not valid JSON") from None
        lines: Sequence[tuple[int, Any]] = list(enumerate(rows, start=1))
    else:
        parsed: list[tuple[int, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                parsed.append((number, json.loads(line)))
            except json.JSONDecodeError:
                raise SourceError(
                    NAME, f"{where}: line {number} is not valid JSON (starts {line[:60]!r})"
                ) from None
        lines = parsed
    out: list[dict[str, Any]] = []
    for number, row in lines:
        if not isinstance(row, dict):
            raise SourceError(NAME, f"{where}: line {number} is not a JSON object")
        out.append(row)
    return out


def fetch_report(
    client: ApiClient, downloader: ApiClient, path: str, day: date
) -> list[dict[str, Any]] | None:
    """Rows of one day's report, or None when GitHub has no report for that day."""
    try:
        response = client.get(path, {"day": day.isoformat()})
    except SourceError as exc:
        if is_not_found(exc):
            return None
        raise
    if response.status_code == 204 or not response.content.strip():
        return None
    where = f"GET {path}?day={day.isoformat()}"
    body = client.decode(response, where)
    if not isinstance(body, Mapping) or "download_links" not in body:
        raise SourceError(NAME, f"{where}: expected an object with `download_links`")
    links = body["download_links"]
    if not links:
        return None
    if not isinstance(links, list):
        raise SourceError(NAME, f"{where}: `download_links` is not a list")
    rows: list[dict[str, Any]] = []
    for link in links:
        where = f"report {path} for {day.isoformat()}, download {safe_link(str(link))}"
        try:
            content = downloader.get(str(link)).content
        except SourceError as exc:
            message = str(exc).removeprefix(f"[{NAME}] ").replace(str(link), safe_link(str(link)))
            raise SourceError(NAME, message) from None
        rows.extend(parse_ndjson(content, where))
    return rows


# -- shaping --------------------------------------------------------------------------
def shape_child(spec: TableSpec, item: Any, parent_key: Any) -> dict[str, Any]:
    """Shape one element of a nested list; errors name the parent record's key too."""
    try:
        return spec.shape(item)
    except MalformedRecordError as exc:
        key = (parent_key, exc.key) if exc.key is not None else parent_key
        raise MalformedRecordError(exc.source, exc.table, key, exc.field, exc.rule) from None


def nested_list(
    record: Mapping[str, Any], field: str, spec: TableSpec, parent_key: Any
) -> list[Any]:
    value = record.get(field) if isinstance(record, Mapping) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedRecordError(NAME, spec.table, parent_key, field, "must be a list")
    return value


def shape_report_row(
    record: Mapping[str, Any], spec: TableSpec, breakdowns: Mapping[str, TableSpec]
) -> dict[str, Any]:
    """A report row: the parent columns plus each breakdown list shaped by its spec."""
    row = spec.shape(record)
    key = spec.key_of(record)
    for field, child in breakdowns.items():
        row[field] = [
            shape_child(child, item, key) for item in nested_list(record, field, child, key)
        ]
    return row


def shape_legacy_day(record: Mapping[str, Any]) -> dict[str, Any]:
    """A legacy metrics day with the code-completion editors/models/languages tree."""
    row = LEGACY_METRICS.shape(record)
    key = LEGACY_METRICS.key_of(record)
    completions = record.get("copilot_ide_code_completions") or {}
    if not isinstance(completions, Mapping):
        raise MalformedRecordError(
            NAME, LEGACY_METRICS.table, key, "copilot_ide_code_completions", "must be an object"
        )
    editors = []
    for editor in nested_list(completions, "editors", LEGACY_EDITORS, key):
        shaped_editor = shape_child(LEGACY_EDITORS, editor, key)
        editor_key = (key, shaped_editor["name"])
        models = []
        for model in nested_list(editor, "models", LEGACY_MODELS, editor_key):
            shaped_model = shape_child(LEGACY_MODELS, model, editor_key)
            model_key = (*editor_key, shaped_model["name"])
            shaped_model["languages"] = [
                shape_child(LEGACY_LANGUAGES, language, model_key)
                for language in nested_list(model, "languages", LEGACY_LANGUAGES, model_key)
            ]
            models.append(shaped_model)
        shaped_editor["models"] = models
        editors.append(shaped_editor)
    row["copilot_ide_code_completions"] = {"editors": editors}
    return row
