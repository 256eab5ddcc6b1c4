"""Jira Cloud REST v3: endpoints, defaults and the typed raw tables of `raw_jira`."""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

SOURCE = "jira"

SEARCH_PATH = "rest/api/3/search/jql"
STATUS_PATH = "rest/api/3/status"
CHANGELOG_PATH = "rest/api/3/issue/{key}/changelog"

DEFAULT_JQL = "project is not EMPTY"
DEFAULT_STORY_POINTS_FIELD = "customfield_10016"
DEFAULT_START_DATE = "2024-01-01"
#: JQL dates are read in the Jira user's time zone: re-read this much before the
#: cursor so no update is missed (rows not newer than the cursor are dropped again).
DEFAULT_LOOKBACK_HOURS = 24
PAGE_SIZE = 100
CHANGELOG_PAGE_SIZE = 100
ENV_EMAIL = "JIRA_EMAIL"
ENV_API_TOKEN = "JIRA_API_TOKEN"
#: what `ai-roi run --all` needs set to run this source (else it skips it)
REQUIRED_CONFIG = (
    Requirement(("site_url",)),
    Requirement(("email",), env=(ENV_EMAIL,)),
    Requirement(("api_token",), env=(ENV_API_TOKEN,)),
)

#: the issue fields requested from search (the story points/epic fields are added)
BASE_FIELDS = (
    "summary",
    "issuetype",
    "status",
    "project",
    "parent",
    "assignee",
    "labels",
    "created",
    "updated",
    "resolutiondate",
)

ISSUES = TableSpec(
    SOURCE,
    "issues",
    columns=(
        Col("id", "text", required=True),
        Col("key", "text", required=True),
        Col("project_key", "text", path="fields.project.key"),
        Col("issue_type", "text", path="fields.issuetype.name"),
        Col("status", "text", path="fields.status.name"),
        # derived by the source: the status' category, from the issue or the status list
        Col("status_category", "text"),
        Col("story_points", "double"),
        Col("parent_key", "text", path="fields.parent.key"),
        Col("epic_key", "text"),
        Col("assignee_account_id", "text", path="fields.assignee.accountId"),
        Col("assignee_email", "text", path="fields.assignee.emailAddress"),
        Col("summary", "text", path="fields.summary"),
        Col("created", "timestamp", required=True, path="fields.created"),
        Col("updated", "timestamp", required=True, path="fields.updated"),
        Col("resolutiondate", "timestamp", path="fields.resolutiondate"),
    ),
    primary_key=("id",),
    nested=("labels",),
)

TRANSITIONS = TableSpec(
    SOURCE,
    "issue_status_transitions",
    columns=(
        Col("id", "text", required=True),
        Col("issue_id", "text", required=True),
        Col("issue_key", "text", required=True),
        Col("author_account_id", "text"),
        Col("created", "timestamp", required=True),
        Col("from_status", "text"),
        Col("to_status", "text"),
        Col("from_status_category", "text"),
        Col("to_status_category", "text"),
    ),
    primary_key=("id",),
)

STATUS_CATEGORIES = ("new", "indeterminate", "done")
