"""Great Expectations checks on `raw_jira`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    in_set,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)

from .settings import STATUS_CATEGORIES

SUITES = [
    TableSuite(
        "issues",
        key=["key"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("key"),
            unique("key"),
            in_set("status_category", STATUS_CATEGORIES),
            non_negative("story_points"),
            not_null("created"),
            sane_timestamp("created"),
            not_null("updated"),
        ],
    ),
    TableSuite(
        "issue_status_transitions",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("issue_id"),
            not_null("created"),
            sane_timestamp("created"),
            in_set("from_status_category", STATUS_CATEGORIES),
            in_set("to_status_category", STATUS_CATEGORIES),
        ],
    ),
]
