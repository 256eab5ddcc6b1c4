"""GitLab REST v4: endpoints, defaults and the typed raw tables of `raw_gitlab`.

Endpoint paths follow GitLab's REST v4 reference (https://docs.gitlab.com/api/rest/);
`{project}` is a project's URL-encoded path (`acme%2Fapi`) or numeric id, `{group}` a
group's URL-encoded full path.
"""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "gitlab"

DEFAULT_BASE_URL = "https://gitlab.com/api/v4"
#: GitLab's default page size is 20; 100 is its documented maximum
DEFAULT_PER_PAGE = 100
#: threads fetching per-MR lists (commits, approvals, notes, diffs)
DEFAULT_WORKERS = 8
TOKEN_ENV_VAR = "GITLAB_TOKEN"
#: the header GitLab reads a personal, group or project access token from
TOKEN_HEADER = "PRIVATE-TOKEN"
#: what `ai-roi run --all` needs set to run this source (else it skips it): the groups,
#: or the projects to read
REQUIRED_CONFIG = (Requirement(("groups", "projects")),)

#: deployments to these environments (by name, case-insensitive) are loaded, and to any
#: environment whose `tier` is `production` (`environments`; [] = every environment)
DEFAULT_ENVIRONMENTS = ("production", "prod")
PRODUCTION_TIER = "production"
#: issues with any of these labels are loaded as incidents (`incident_labels`)
DEFAULT_INCIDENT_LABELS = ("incident",)
#: pipelines whose `ref` or `name` matches this regular expression (case-insensitive
#: `re.search`) are loaded (`pipeline_pattern`)
DEFAULT_PIPELINE_PATTERN = "deploy|release|publish"

#: listings filtered by `updated_after`/`since` start this many seconds before the stored
#: cursor (GitLab documents some of these filters as "after", some as "on or after"); the
#: cursor's boundary keys drop what was loaded already
CURSOR_OVERLAP_SECONDS = 1

#: a system note whose body starts with one of these records an approval / its withdrawal
#: (used only for the approval time when `/approvals` does not give `approved_at`, and
#: for the approvers when `/approvals` is not available; the body itself is never kept)
APPROVED_NOTE = "approved this merge request"
UNAPPROVED_NOTE = "unapproved this merge request"

# -- endpoints (relative to base_url) -------------------------------------------------
GROUP_PROJECTS = "groups/{group}/projects"
PROJECT = "projects/{project}"
MERGE_REQUESTS = "projects/{project}/merge_requests"
MR_COMMITS = "projects/{project}/merge_requests/{iid}/commits"
MR_APPROVALS = "projects/{project}/merge_requests/{iid}/approvals"
MR_NOTES = "projects/{project}/merge_requests/{iid}/notes"
MR_DIFFS = "projects/{project}/merge_requests/{iid}/diffs"
ENVIRONMENTS = "projects/{project}/environments"
DEPLOYMENTS = "projects/{project}/deployments"
PIPELINES = "projects/{project}/pipelines"
TAGS = "projects/{project}/repository/tags"
RELEASES = "projects/{project}/releases"
ISSUES = "projects/{project}/issues"
COMMITS = "projects/{project}/repository/commits"

# -- raw tables -------------------------------------------------------------------------
PROJECTS_TABLE = TableSpec(
    NAME,
    "projects",
    (
        Col("id", "bigint", required=True),
        Col("path_with_namespace", "text", required=True),
        Col("name", "text"),
        Col("path", "text"),
        Col("namespace__full_path", "text", path="namespace.full_path"),
        Col("default_branch", "text"),
        Col("archived", "bool"),
        Col("visibility", "text"),
        Col("created_at", "timestamp"),
        Col("last_activity_at", "timestamp"),
    ),
    primary_key=("id",),
)

MERGE_REQUESTS_TABLE = TableSpec(
    NAME,
    "merge_requests",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("project_id", "bigint"),
        Col("iid", "bigint", required=True),
        Col("state", "text", required=True),
        Col("draft", "bool"),
        Col("title", "text"),
        Col("description", "text"),
        Col("author__username", "text", path="author.username"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp", required=True),
        Col("merged_at", "timestamp"),
        Col("closed_at", "timestamp"),
        Col("merge_commit_sha", "text"),
        Col("squash_commit_sha", "text"),
        Col("squash", "bool"),
        Col("sha", "text"),
        Col("source_branch", "text"),
        Col("target_branch", "text"),
        Col("additions", "bigint"),
        Col("deletions", "bigint"),
        Col("changed_files", "bigint"),
    ),
    primary_key=("id",),
    nested=("labels",),
)

MERGE_REQUEST_COMMITS_TABLE = TableSpec(
    NAME,
    "merge_request_commits",
    (
        Col("repository_full_name", "text", required=True),
        Col("merge_request_iid", "bigint", required=True),
        Col("sha", "text", required=True, path="id"),
        Col("author_login", "text"),
        Col("authored_date", "timestamp"),
        Col("committed_date", "timestamp"),
        Col("message", "text"),
    ),
    primary_key=("repository_full_name", "merge_request_iid", "sha"),
)

MERGE_REQUEST_APPROVALS_TABLE = TableSpec(
    NAME,
    "merge_request_approvals",
    (
        Col("repository_full_name", "text", required=True),
        Col("merge_request_iid", "bigint", required=True),
        Col("user__username", "text", required=True, path="user.username"),
        Col("approved_at", "timestamp"),
    ),
    primary_key=("repository_full_name", "merge_request_iid", "user__username"),
)

MERGE_REQUEST_NOTES_TABLE = TableSpec(
    NAME,
    "merge_request_notes",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("merge_request_iid", "bigint", required=True),
        Col("author__username", "text", path="author.username"),
        Col("note_type", "text", path="type"),
        Col("resolvable", "bool"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp"),
    ),
    primary_key=("id",),
)

#: an item of a merge request's notes as listed: not loaded, shaped to check it (system
#: notes are read for approval events; bodies are never kept)
NOTE_ITEM = TableSpec(
    NAME,
    "merge_request_notes",
    (
        Col("id", "bigint", required=True),
        Col("system", "bool"),
        Col("author__username", "text", path="author.username"),
        Col("created_at", "timestamp", required=True),
    ),
    primary_key=("id",),
)

MERGE_REQUEST_FILES_TABLE = TableSpec(
    NAME,
    "merge_request_files",
    (
        Col("repository_full_name", "text", required=True),
        Col("merge_request_iid", "bigint", required=True),
        Col("new_path", "text", required=True),
        Col("old_path", "text"),
        Col("status", "text", required=True),
        Col("additions", "bigint"),
        Col("deletions", "bigint"),
        Col("too_large", "bool"),
    ),
    primary_key=("repository_full_name", "merge_request_iid", "new_path"),
)

#: an environment of a project: not loaded, shaped to pick the production ones
ENVIRONMENT_ITEM = TableSpec(
    NAME,
    "deployments",
    (
        Col("id", "bigint", required=True),
        Col("name", "text", required=True),
        Col("tier", "text"),
    ),
    primary_key=("id",),
)

DEPLOYMENTS_TABLE = TableSpec(
    NAME,
    "deployments",
    (
        Col("id", "bigint", required=True),
        Col("iid", "bigint"),
        Col("repository_full_name", "text", required=True),
        Col("sha", "text", required=True),
        Col("ref", "text"),
        Col("tag", "bool"),
        Col("status", "text", required=True),
        Col("environment", "text", required=True, path="environment.name"),
        Col("environment_tier", "text", path="environment.tier"),
        Col("deployable__name", "text", path="deployable.name"),
        Col("user__username", "text", path="user.username"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp", required=True),
        Col("finished_at", "timestamp"),
    ),
    primary_key=("id",),
)

PIPELINES_TABLE = TableSpec(
    NAME,
    "pipelines",
    (
        Col("id", "bigint", required=True),
        Col("iid", "bigint"),
        Col("repository_full_name", "text", required=True),
        Col("sha", "text"),
        Col("ref", "text"),
        Col("name", "text"),
        Col("status", "text", required=True),
        Col("source", "text"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp", required=True),
        Col("started_at", "timestamp"),
        Col("finished_at", "timestamp"),
    ),
    primary_key=("id",),
)

TAGS_TABLE = TableSpec(
    NAME,
    "tags",
    (
        Col("repository_full_name", "text", required=True),
        Col("name", "text", required=True),
        Col("target_sha", "text", required=True, path="commit.id"),
        Col("tag_object_sha", "text", path="target"),
        Col("is_annotated", "bool", required=True),
        Col("tagged_at", "timestamp"),
        Col("commit__committed_date", "timestamp", path="commit.committed_date"),
    ),
    primary_key=("repository_full_name", "name"),
)

#: merge key of `tags`: a project's whole tag set replaces its earlier one
TAGS_MERGE_KEY = ("repository_full_name",)

RELEASES_TABLE = TableSpec(
    NAME,
    "releases",
    (
        Col("repository_full_name", "text", required=True),
        Col("tag_name", "text", required=True),
        Col("name", "text"),
        Col("commit__id", "text", path="commit.id"),
        Col("upcoming_release", "bool"),
        Col("created_at", "timestamp", required=True),
        Col("released_at", "timestamp"),
    ),
    primary_key=("repository_full_name", "tag_name"),
)

INCIDENT_ISSUES_TABLE = TableSpec(
    NAME,
    "incident_issues",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("iid", "bigint", required=True),
        Col("title", "text"),
        Col("state", "text", required=True),
        Col("issue_type", "text"),
        Col("label_names", "text"),
        Col("created_at", "timestamp", required=True),
        Col("closed_at", "timestamp"),
        Col("updated_at", "timestamp", required=True),
    ),
    primary_key=("id",),
)

COMMITS_TABLE = TableSpec(
    NAME,
    "commits",
    (
        Col("repository_full_name", "text", required=True),
        Col("sha", "text", required=True, path="id"),
        Col("author_login", "text"),
        Col("authored_date", "timestamp"),
        Col("committed_date", "timestamp", required=True),
        Col("message", "text"),
    ),
    primary_key=("repository_full_name", "sha"),
    nested=("parents",),
)

#: merge key of the per-MR lists: a re-read merge request replaces all its rows, so a
#: commit dropped by a force push, a withdrawn approval or a deleted note does not linger
PER_MR_MERGE_KEY = ("repository_full_name", "merge_request_iid")

#: flat tables go to dlt as arrow tables (written straight to parquet); merge_requests and
#: commits (labels, parents child tables) stay dict rows
ARROW_TABLES = True
#: rows (or merge requests) joined into one batch before it goes to dlt
BATCH_ROWS = 1000
