"""Great Expectations checks on `raw_incidents`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    a_at_least_b,
    in_set,
    not_null,
    sane_timestamp,
    unique,
)

from .settings import STATUSES, URGENCIES

SUITES = [
    TableSuite(
        "incidents",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("status"),
            in_set("status", STATUSES),
            in_set("urgency", URGENCIES),
            not_null("created_at"),
            sane_timestamp("created_at"),
            a_at_least_b("resolved_at", "created_at"),
            a_at_least_b("last_status_change_at", "created_at"),
        ],
    ),
]
