"""Great Expectations checks on `raw_git`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import TableSuite, not_null, sane_timestamp, unique

SUITES: list[TableSuite] = [
    TableSuite(
        "commits",
        key=["repository", "sha"],
        checks=[
            not_null("repository"),
            not_null("sha"),
            unique("repository", "sha"),
            not_null("author_date"),
            sane_timestamp("committer_date"),
        ],
    ),
    TableSuite(
        "tags",
        key=["repository", "name"],
        checks=[not_null("name"), not_null("target_sha"), unique("repository", "name")],
    ),
]
