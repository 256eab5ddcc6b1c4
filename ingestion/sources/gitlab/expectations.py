"""Great Expectations checks on `raw_gitlab`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    in_set,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)

#: documented values (https://docs.gitlab.com/api/): merge request `state`, deployment
#: `status`, pipeline `status`, issue `state`, and the file status the source derives
MR_STATES = {"opened", "closed", "merged", "locked"}
DEPLOYMENT_STATUSES = {"created", "running", "success", "failed", "canceled", "skipped", "blocked"}
PIPELINE_STATUSES = {
    "created",
    "waiting_for_resource",
    "preparing",
    "waiting_for_callback",
    "pending",
    "running",
    "success",
    "failed",
    "canceling",
    "canceled",
    "skipped",
    "manual",
    "scheduled",
}
ISSUE_STATES = {"opened", "closed"}
FILE_STATUSES = {"added", "removed", "renamed", "modified"}

_PER_MR = ("repository_full_name", "merge_request_iid")

SUITES: list[TableSuite] = [
    TableSuite(
        "projects",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("path_with_namespace"),
            unique("path_with_namespace"),
        ],
    ),
    TableSuite(
        "merge_requests",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("repository_full_name"),
            not_null("iid"),
            unique("repository_full_name", "iid"),
            in_set("state", MR_STATES),
            sane_timestamp("created_at"),
            non_negative("additions"),
            non_negative("deletions"),
            non_negative("changed_files"),
        ],
    ),
    TableSuite(
        "merge_request_commits",
        key=[*_PER_MR, "sha"],
        checks=[not_null("sha"), unique(*_PER_MR, "sha")],
    ),
    TableSuite(
        "merge_request_approvals",
        key=[*_PER_MR, "user__username"],
        checks=[not_null("user__username"), unique(*_PER_MR, "user__username")],
    ),
    TableSuite(
        "merge_request_notes",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("merge_request_iid"),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "merge_request_files",
        key=[*_PER_MR, "new_path"],
        checks=[
            unique(*_PER_MR, "new_path"),
            in_set("status", FILE_STATUSES),
            non_negative("additions"),
            non_negative("deletions"),
        ],
    ),
    TableSuite(
        "deployments",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("sha"),
            not_null("environment"),
            in_set("status", DEPLOYMENT_STATUSES),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "pipelines",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            not_null("repository_full_name"),
            in_set("status", PIPELINE_STATUSES),
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
        "releases",
        key=["repository_full_name", "tag_name"],
        checks=[
            not_null("tag_name"),
            unique("repository_full_name", "tag_name"),
            sane_timestamp("created_at"),
        ],
    ),
    TableSuite(
        "incident_issues",
        key=["id"],
        checks=[
            not_null("id"),
            unique("id"),
            unique("repository_full_name", "iid"),
            in_set("state", ISSUE_STATES),
            sane_timestamp("created_at"),
            sane_timestamp("updated_at"),
        ],
    ),
    TableSuite(
        "commits",
        key=["repository_full_name", "sha"],
        checks=[not_null("sha"), unique("repository_full_name", "sha")],
    ),
]
