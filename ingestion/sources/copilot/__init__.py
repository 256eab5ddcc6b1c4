"""GitHub Copilot metrics -> `raw_copilot`.

Resources (tables): `organization_daily_reports` and `user_daily_reports` (the daily
usage-metrics reports, with their breakdown lists as child tables), `legacy_metrics`
(the older `/copilot/metrics` endpoint, for days before the new reports) and `seats`.
See README.md next to this file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import dlt
from dlt.common.typing import TTableNames
from dlt.extract.hints import TResourceNestedHints, make_nested_hints
from dlt.sources import DltResource

from ingestion.common.errors import SourceError
from ingestion.common.http import ApiClient
from ingestion.common.pipeline import Progress
from ingestion.common.records import TableSpec
from ingestion.sources.copilot.expectations import SUITES
from ingestion.sources.copilot.helpers import (
    DayCursor,
    day_range,
    fetch_report,
    fingerprint,
    is_not_found,
    resolve_dates,
    shape_legacy_day,
    shape_report_row,
)
from ingestion.sources.copilot.settings import (
    API_HEADERS,
    DEFAULT_BASE_URL,
    LEGACY_METRICS,
    LEGACY_METRICS_PATH,
    LEGACY_PAGE_SIZE,
    NAME,
    ORG_BREAKDOWNS,
    ORG_REPORT_PATH,
    ORG_REPORTS,
    SEATS,
    SEATS_PAGE_SIZE,
    SEATS_PATH,
    TOKEN_ENV_VAR,
    USER_BREAKDOWNS,
    USER_REPORT_PATH,
    USER_REPORTS,
)

__all__ = ["NAME", "SUITES", "source"]


def _nested_hints(breakdowns: dict[str, TableSpec]) -> dict[TTableNames, TResourceNestedHints]:
    return {
        field: make_nested_hints(columns=spec.column_hints()) for field, spec in breakdowns.items()
    }


def _report_rows(
    client: ApiClient,
    downloader: ApiClient,
    path: str,
    spec: TableSpec,
    breakdowns: dict[str, TableSpec],
    start: date,
    end: date,
    progress: Progress,
) -> Iterator[list[dict[str, Any]]]:
    """Yield each day's shaped report rows from the cursor day to `end`."""
    cursor = DayCursor(dlt.current.resource_state())
    for day in day_range(cursor.first_day(start), end):
        raw = fetch_report(client, downloader, path, day)
        if raw is None:
            continue
        rows = [shape_report_row(record, spec, breakdowns) for record in raw]
        if cursor.is_unchanged(day, rows):
            continue
        progress.add(spec.table, len(rows))
        if rows:
            yield rows
        cursor.record(day, rows)


@dlt.source(name=NAME)
def source(
    org: str = dlt.config.value,
    base_url: str = DEFAULT_BASE_URL,
    token: str | None = dlt.secrets.value,
    start_date: str | None = None,
    end_date: str | None = None,
) -> Any:
    """GitHub Copilot metrics for one organization.

    Args:
        org: the GitHub organization login.
        base_url: the REST root (GitHub Enterprise Server: `https://HOST/api/v3`).
        token: `sources.copilot.token`, else the `GITHUB_TOKEN` environment variable.
        start_date: first day (ISO date) fetched when there is no state yet; default 28 days ago.
        end_date: last day fetched; default yesterday (UTC).
    """
    token = token or os.environ.get(TOKEN_ENV_VAR) or None
    start, end = resolve_dates(start_date, end_date)
    progress = Progress(NAME)
    client = ApiClient(NAME, base_url, token=token, headers=API_HEADERS)
    # signed download links go to storage, never with the GitHub token
    downloader = ApiClient(NAME, base_url, token=None)

    def daily_report(
        spec: TableSpec, breakdowns: dict[str, TableSpec], path_template: str
    ) -> DltResource:
        """The organization or users report as a resource of its own table and state."""

        def rows() -> Iterator[list[dict[str, Any]]]:
            path = path_template.format(org=org)
            yield from _report_rows(
                client, downloader, path, spec, breakdowns, start, end, progress
            )

        return dlt.resource(
            rows,
            name=spec.table,
            primary_key=list(spec.primary_key),
            write_disposition="merge",
            columns=spec.column_hints(),
            nested_hints=_nested_hints(breakdowns),
        )

    organization_daily_reports = daily_report(ORG_REPORTS, ORG_BREAKDOWNS, ORG_REPORT_PATH)
    user_daily_reports = daily_report(USER_REPORTS, USER_BREAKDOWNS, USER_REPORT_PATH)

    @dlt.resource(
        name=LEGACY_METRICS.table,
        primary_key=list(LEGACY_METRICS.primary_key),
        write_disposition="merge",
        columns=LEGACY_METRICS.column_hints(),
    )
    def legacy_metrics() -> Iterator[list[dict[str, Any]]]:
        cursor = DayCursor(dlt.current.resource_state())
        first = cursor.first_day(start)
        if first > end:
            return
        params = {
            "since": f"{first.isoformat()}T00:00:00Z",
            "until": f"{end.isoformat()}T23:59:59Z",
            "per_page": LEGACY_PAGE_SIZE,
        }
        path = LEGACY_METRICS_PATH.format(org=org)
        try:
            for page in client.paginate_link(path, params):
                rows = [shape_legacy_day(record) for record in page]
                # days before the cursor are outside the window asked for (`since`)
                changed = [
                    r for r in rows if r["date"] >= first and not cursor.is_unchanged(r["date"], r)
                ]
                progress.add(LEGACY_METRICS.table, len(changed))
                if changed:
                    yield changed
                for row in changed:
                    cursor.record(row["date"], row)
        except SourceError as exc:
            if not is_not_found(exc):
                raise
            progress.printer(
                f"  [{NAME}] {path}: not available (HTTP 404), no legacy metrics loaded"
            )

    @dlt.resource(
        name=SEATS.table,
        primary_key=list(SEATS.primary_key),
        write_disposition="merge",
        columns=SEATS.column_hints(),
    )
    def seats() -> Iterator[list[dict[str, Any]]]:
        known: dict[str, str] = dlt.current.resource_state().setdefault("fingerprints", {})
        path = SEATS_PATH.format(org=org)
        for page in client.paginate_link(path, {"per_page": SEATS_PAGE_SIZE}, items_key="seats"):
            rows = [SEATS.shape(seat) for seat in page]
            changed = [r for r in rows if known.get(r["assignee__login"]) != fingerprint(r)]
            progress.add(SEATS.table, len(changed))
            if changed:
                yield changed
            for row in changed:
                known[row["assignee__login"]] = fingerprint(row)

    return organization_daily_reports, user_daily_reports, legacy_metrics, seats
