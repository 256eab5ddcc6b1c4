"""Great Expectations checks on `raw_github`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    between,
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
#: a workflow run's `status` and (once completed) `conclusion`, as GitHub documents them
WORKFLOW_RUN_STATUSES = {"completed", "in_progress", "pending", "queued", "requested", "waiting"}
WORKFLOW_RUN_CONCLUSIONS = {
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "skipped",
    "stale",
    "startup_failure",
    "success",
    "timed_out",
}
ISSUE_STATES = {"open", "closed"}

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
    TableSuite(
        "workflow_runs",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("repository_full_name"),
            not_null("workflow_id"),
            in_set("status", WORKFLOW_RUN_STATUSES),
            in_set("conclusion", WORKFLOW_RUN_CONCLUSIONS),
            between("run_attempt", 1, None),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "releases",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("repository_full_name"),
            not_null("tag_name"),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "tags",
        key=["repository_full_name", "name"],
        # no date range: a tag of history imported from older systems may predate 2000
        checks=[
            not_null("name"),
            unique("repository_full_name", "name"),
            not_null("target_sha"),
            not_null("is_annotated"),
        ],
    ),
    TableSuite(
        "incident_issues",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("repository_full_name"),
            unique("repository_full_name", "number"),
            in_set("state", ISSUE_STATES),
            sane_timestamp("created_at"),
            sane_timestamp("updated_at"),
        ],
    ),
]
