"""Great Expectations checks on `raw_github`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    in_set,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)

PR_STATES = {"open", "closed"}
REVIEW_STATES = {"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"}
DEPLOYMENT_STATES = {"error", "failure", "inactive", "in_progress", "queued", "pending", "success"}
FILE_STATUSES = {"added", "removed", "modified", "renamed", "copied", "changed", "unchanged"}

SUITES: list[TableSuite] = [
    TableSuite(
        "repositories",
        key=["id"],
        checks=[not_null("id"), unique("id"), not_null("full_name"), unique("full_name")],
    ),
    TableSuite(
        "pull_requests",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("repository_full_name"),
            not_null("number"),
            unique("repository_full_name", "number"),
            in_set("state", PR_STATES),
            sane_timestamp("created_at"),
            non_negative("additions"),
            non_negative("deletions"),
            non_negative("changed_files"),
        ],
    ),
    TableSuite(
        "pull_request_commits",
        key=["repository_full_name", "pull_number", "sha"],
        checks=[not_null("sha"), unique("repository_full_name", "pull_number", "sha")],
    ),
    TableSuite(
        "pull_request_reviews",
        key=["id"],
        checks=[not_null("id"), unique("id"), in_set("state", REVIEW_STATES)],
    ),
    TableSuite(
        "pull_request_review_comments",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("pull_number"),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "pull_request_files",
        key=["repository_full_name", "pull_number", "filename"],
        checks=[
            unique("repository_full_name", "pull_number", "filename"),
            non_negative("additions"),
            non_negative("deletions"),
            in_set("status", FILE_STATUSES),
        ],
    ),
    TableSuite(
        "deployments",
        key=["id"],
        checks=[not_null("id"), unique("id"), not_null("sha"), sane_timestamp("created_at")],
    ),
    TableSuite(
        "deployment_statuses",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("deployment_id"),
            in_set("state", DEPLOYMENT_STATES),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "commits",
        key=["repository_full_name", "sha"],
        checks=[not_null("sha"), unique("repository_full_name", "sha")],
    ),
]
