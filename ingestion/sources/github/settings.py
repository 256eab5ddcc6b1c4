"""GitHub REST v3: endpoints, defaults and the typed raw tables of `raw_github`."""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "github"

DEFAULT_BASE_URL = "https://api.github.com"
DEFAULT_PER_PAGE = 100
#: threads fetching per-PR / per-deployment details (commits, reviews, files, statuses)
DEFAULT_WORKERS = 8
TOKEN_ENV_VAR = "GITHUB_TOKEN"
#: what `ai-roi run --all` needs set to run this source (else it skips it): the
#: organisation, or the repositories to read
REQUIRED_CONFIG = (Requirement(("org", "repositories")),)
#: how pull requests (with their commits, reviews and files) and deployments (with their
#: statuses) are read, `pulls_api` / `deployments_api`: `graphql.py`
PULLS_APIS = ("rest", "graphql")

HEADERS = {
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
}

# -- endpoints (relative to base_url) -------------------------------------------------
ORG_REPOS = "orgs/{org}/repos"
#: a user account's repositories, listed when `orgs/{org}/repos` answers 404
USER_REPOS = "users/{owner}/repos"
REPO = "repos/{repo}"
PULLS = "repos/{repo}/pulls"
PULL_COMMITS = "repos/{repo}/pulls/{number}/commits"
PULL_REVIEWS = "repos/{repo}/pulls/{number}/reviews"
PULL_FILES = "repos/{repo}/pulls/{number}/files"
ISSUE_LABELS = "repos/{repo}/issues/{number}/labels"
REVIEW_COMMENTS = "repos/{repo}/pulls/comments"
DEPLOYMENTS = "repos/{repo}/deployments"
DEPLOYMENT = "repos/{repo}/deployments/{deployment_id}"
DEPLOYMENT_STATUSES = "repos/{repo}/deployments/{deployment_id}/statuses"
COMMITS = "repos/{repo}/commits"
COMMIT = "repos/{repo}/commits/{sha}"
WORKFLOWS = "repos/{repo}/actions/workflows"
WORKFLOW_RUNS = "repos/{repo}/actions/workflows/{workflow_id}/runs"
RELEASES = "repos/{repo}/releases"
TAG_REFS = "repos/{repo}/git/matching-refs/tags"
TAG_OBJECT = "repos/{repo}/git/tags/{sha}"
ISSUES = "repos/{repo}/issues"

#: workflows whose runs are read (`actions_workflow_pattern`): a case-insensitive
#: `re.search` on the workflow's name or file path
DEFAULT_ACTIONS_WORKFLOW_PATTERN = "deploy|release|publish"
#: issues with any of these labels are loaded as incidents (`incident_labels`)
DEFAULT_INCIDENT_LABELS = ("incident",)
#: workflow runs are re-listed from the newest loaded run's creation day minus this many
#: days (or from the earliest run still not completed, if earlier)
WORKFLOW_RUNS_LOOKBACK_DAYS = 2
#: the `status` of a workflow run that will not change any more
WORKFLOW_RUN_DONE = "completed"
#: annotated tags pointing at annotated tags are peeled at most this many levels deep
MAX_TAG_PEEL = 10
#: git object types a tag may point at that are not commits: such tags are skipped
NOT_COMMITS = frozenset({"tree", "blob"})

#: deployment status states after which a deployment's statuses are not fetched again.
#: (`inactive` is also set later on a *successful* deployment superseded by a newer one;
#: that transition is not re-read, see README.)
TERMINAL_DEPLOYMENT_STATES = frozenset({"success", "failure", "error", "inactive"})

# -- raw tables -------------------------------------------------------------------------
REPOSITORIES = TableSpec(
    NAME,
    "repositories",
    (
        Col("id", "bigint", required=True),
        Col("name", "text", required=True),
        Col("full_name", "text", required=True),
        Col("default_branch", "text"),
        Col("owner__login", "text", path="owner.login"),
        Col("archived", "bool"),
        Col("created_at", "timestamp"),
        Col("updated_at", "timestamp"),
        Col("pushed_at", "timestamp"),
    ),
    primary_key=("id",),
)

PULL_REQUESTS = TableSpec(
    NAME,
    "pull_requests",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("number", "bigint", required=True),
        Col("state", "text", required=True),
        Col("draft", "bool"),
        Col("title", "text"),
        Col("body", "text"),
        Col("user__login", "text", path="user.login"),
        Col("user__type", "text", path="user.type"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp", required=True),
        Col("closed_at", "timestamp"),
        Col("merged_at", "timestamp"),
        Col("merge_commit_sha", "text"),
        Col("head__sha", "text", path="head.sha"),
        Col("head__ref", "text", path="head.ref"),
        Col("base__ref", "text", path="base.ref"),
        Col("additions", "bigint"),
        Col("deletions", "bigint"),
        Col("changed_files", "bigint"),
    ),
    primary_key=("id",),
    nested=("labels",),
)

PULL_REQUEST_COMMITS = TableSpec(
    NAME,
    "pull_request_commits",
    (
        Col("repository_full_name", "text", required=True),
        Col("pull_number", "bigint", required=True),
        Col("sha", "text", required=True),
        Col("author__login", "text", path="author.login"),
        Col("author__type", "text", path="author.type"),
        Col("commit__author__date", "timestamp", path="commit.author.date"),
        Col("commit__committer__date", "timestamp", path="commit.committer.date"),
        Col("commit__message", "text", path="commit.message"),
    ),
    primary_key=("repository_full_name", "pull_number", "sha"),
)

PULL_REQUEST_REVIEWS = TableSpec(
    NAME,
    "pull_request_reviews",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("pull_number", "bigint", required=True),
        Col("user__login", "text", path="user.login"),
        Col("user__type", "text", path="user.type"),
        Col("state", "text", required=True),
        Col("submitted_at", "timestamp"),
        Col("commit_id", "text"),
    ),
    primary_key=("id",),
)

PULL_REQUEST_REVIEW_COMMENTS = TableSpec(
    NAME,
    "pull_request_review_comments",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("pull_number", "bigint", required=True),
        Col("user__login", "text", path="user.login"),
        Col("user__type", "text", path="user.type"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp", required=True),
        Col("in_reply_to_id", "bigint"),
    ),
    primary_key=("id",),
)

PULL_REQUEST_FILES = TableSpec(
    NAME,
    "pull_request_files",
    (
        Col("repository_full_name", "text", required=True),
        Col("pull_number", "bigint", required=True),
        Col("filename", "text", required=True),
        Col("status", "text"),
        Col("additions", "bigint"),
        Col("deletions", "bigint"),
        Col("changes", "bigint"),
    ),
    primary_key=("repository_full_name", "pull_number", "filename"),
)

DEPLOYMENTS_TABLE = TableSpec(
    NAME,
    "deployments",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("sha", "text", required=True),
        Col("ref", "text"),
        Col("task", "text"),
        Col("environment", "text"),
        Col("creator__login", "text", path="creator.login"),
        Col("created_at", "timestamp", required=True),
        Col("updated_at", "timestamp"),
    ),
    primary_key=("id",),
)

DEPLOYMENT_STATUSES_TABLE = TableSpec(
    NAME,
    "deployment_statuses",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("deployment_id", "bigint", required=True),
        Col("state", "text", required=True),
        Col("environment", "text"),
        Col("created_at", "timestamp", required=True),
    ),
    primary_key=("id",),
)

COMMITS_TABLE = TableSpec(
    NAME,
    "commits",
    (
        Col("repository_full_name", "text", required=True),
        Col("sha", "text", required=True),
        Col("author__login", "text", path="author.login"),
        Col("author__type", "text", path="author.type"),
        Col("commit__author__date", "timestamp", path="commit.author.date"),
        Col("commit__committer__date", "timestamp", path="commit.committer.date"),
        Col("commit__message", "text", path="commit.message"),
    ),
    primary_key=("repository_full_name", "sha"),
    nested=("parents",),
)

WORKFLOW_RUNS_TABLE = TableSpec(
    NAME,
    "workflow_runs",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("workflow_id", "bigint", required=True),
        Col("name", "text"),
        Col("path", "text"),
        Col("head_branch", "text"),
        Col("head_sha", "text"),
        Col("event", "text"),
        Col("status", "text", required=True),
        Col("conclusion", "text"),
        Col("run_attempt", "bigint"),
        Col("created_at", "timestamp", required=True),
        Col("run_started_at", "timestamp"),
        Col("updated_at", "timestamp"),
    ),
    primary_key=("id",),
)

#: an item of the workflows list: not loaded, shaped to check it (a broken one names the
#: `workflow_runs` table it would feed and its `workflow_id`)
ACTIONS_WORKFLOW = TableSpec(
    NAME,
    "workflow_runs",
    (
        Col("workflow_id", "bigint", required=True, path="id"),
        Col("name", "text"),
        Col("path", "text"),
    ),
    primary_key=("workflow_id",),
)

RELEASES_TABLE = TableSpec(
    NAME,
    "releases",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("tag_name", "text", required=True),
        Col("target_commitish", "text"),
        Col("name", "text"),
        Col("draft", "bool"),
        Col("prerelease", "bool"),
        Col("created_at", "timestamp", required=True),
        Col("published_at", "timestamp"),
    ),
    primary_key=("id",),
)

TAGS_TABLE = TableSpec(
    NAME,
    "tags",
    (
        Col("repository_full_name", "text", required=True),
        Col("name", "text", required=True),
        Col("target_sha", "text", required=True),
        Col("tagged_at", "timestamp"),
        Col("is_annotated", "bool", required=True),
    ),
    primary_key=("repository_full_name", "name"),
)

#: an item of `git/matching-refs/tags`: not loaded, shaped to check it before resolving
TAG_REF = TableSpec(
    NAME,
    "tags",
    (
        Col("ref", "text", required=True),
        Col("object__sha", "text", required=True, path="object.sha"),
        Col("object__type", "text", required=True, path="object.type"),
    ),
    primary_key=("ref",),
)

#: merge key of `tags`: a repository's whole tag set replaces its earlier one
TAGS_MERGE_KEY = ("repository_full_name",)

INCIDENT_ISSUES_TABLE = TableSpec(
    NAME,
    "incident_issues",
    (
        Col("id", "bigint", required=True),
        Col("repository_full_name", "text", required=True),
        Col("number", "bigint", required=True),
        Col("title", "text"),
        Col("state", "text", required=True),
        Col("label_names", "text"),
        Col("created_at", "timestamp", required=True),
        Col("closed_at", "timestamp"),
        Col("updated_at", "timestamp", required=True),
    ),
    primary_key=("id",),
)

#: flat tables (no nested lists) go to dlt as arrow tables: written straight to parquet,
#: no JSON normaliser; pull_requests and commits (labels, parents child tables) stay dicts
ARROW_TABLES = True
#: rows (or PRs) joined into one batch before it goes to dlt (a PR page is 100)
BATCH_ROWS = 1000

#: merge key of the per-PR child lists: a re-fetched PR replaces all its rows, so a file
#: or commit dropped from the PR (force push) does not linger.
PER_PULL_MERGE_KEY = ("repository_full_name", "pull_number")

#: the REST per-PR list of each per-PR table (GraphQL falls back to it past one page)
PER_PULL_PATHS = {
    PULL_REQUEST_COMMITS.table: PULL_COMMITS,
    PULL_REQUEST_REVIEWS.table: PULL_REVIEWS,
    PULL_REQUEST_FILES.table: PULL_FILES,
}
