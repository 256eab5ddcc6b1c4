"""Great Expectations checks on `raw_cursor`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    a_at_least_b,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)
from ingestion.sources.cursor.settings import AI_COMMIT_COUNTS, DAILY_USAGE_COUNTS

SCHEMA = "raw_cursor"


def _dates_as_timestamps(table: str, column: str) -> str:
    """Read a DATE column as UTC timestamps, so `sane_timestamp` compares like with like."""
    return f'select * replace (cast("{column}" as timestamptz) as "{column}") from "{SCHEMA}"."{table}"'


SUITES: list[TableSuite] = [
    TableSuite(
        "members",
        key=["email"],
        checks=[not_null("email"), unique("email")],
    ),
    TableSuite(
        "daily_usage",
        key=["day", "email"],
        checks=[
            not_null("day"),
            not_null("email"),
            unique("day", "email"),
            sane_timestamp("day"),
            *(non_negative(c) for c in DAILY_USAGE_COUNTS),
            a_at_least_b("total_tabs_shown", "total_tabs_accepted"),
            a_at_least_b("total_lines_added", "accepted_lines_added"),
        ],
        query=_dates_as_timestamps("daily_usage", "day"),
    ),
    TableSuite(
        "spend",
        key=["cycle_start", "email"],
        checks=[
            not_null("cycle_start"),
            not_null("email"),
            unique("cycle_start", "email"),
            sane_timestamp("cycle_start"),
            non_negative("spend_cents"),
            non_negative("fast_premium_requests"),
        ],
        query=_dates_as_timestamps("spend", "cycle_start"),
    ),
    TableSuite(
        "ai_code_commits",
        key=["commit_hash"],
        checks=[
            not_null("commit_hash"),
            unique("commit_hash"),
            sane_timestamp("commit_ts"),
            *(non_negative(c) for c in AI_COMMIT_COUNTS),
        ],
    ),
]
