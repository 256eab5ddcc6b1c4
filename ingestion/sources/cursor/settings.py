"""Cursor Admin API: endpoints, defaults and the typed raw tables of `raw_cursor`.

Field names in `path=` are Cursor's (camelCase); the raw columns are snake_case. Only
the columns declared here are kept, so Cursor adding fields does not change the raw
schema. See README.md for the documentation pages these come from.
"""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "cursor"

DEFAULT_BASE_URL = "https://api.cursor.com"
#: environment variable used when no `sources.cursor.api_key` secret is configured
API_KEY_ENV = "CURSOR_API_KEY"
#: what `ai-roi run --all` needs set to run this source (else it skips it)
REQUIRED_CONFIG = (Requirement(("api_key",), env=(API_KEY_ENV,)),)

MEMBERS_PATH = "/teams/members"
DAILY_USAGE_PATH = "/teams/daily-usage-data"
SPEND_PATH = "/teams/spend"
AI_COMMITS_PATH = "/analytics/ai-code/commits"

#: days fetched on a first run when no `start_date` is given
DEFAULT_HISTORY_DAYS = 30
#: days before the last loaded day that every run reads again (Cursor restates recent days)
DEFAULT_LOOKBACK_DAYS = 3
#: days per daily-usage request (the docs allow 90; third-party clients report 30)
DEFAULT_WINDOW_DAYS = 30
SPEND_PAGE_SIZE = 100
AI_COMMITS_PAGE_SIZE = 1000  # the documented maximum

MEMBERS = TableSpec(
    NAME,
    "members",
    columns=(
        Col("email", required=True),
        Col("id", "bigint"),
        Col("name"),
        Col("role"),
        Col("is_removed", "bool", path="isRemoved"),
    ),
    primary_key=("email",),
)

_COUNTS = (
    ("total_lines_added", "totalLinesAdded"),
    ("total_lines_deleted", "totalLinesDeleted"),
    ("accepted_lines_added", "acceptedLinesAdded"),
    ("accepted_lines_deleted", "acceptedLinesDeleted"),
    ("total_applies", "totalApplies"),
    ("total_accepts", "totalAccepts"),
    ("total_rejects", "totalRejects"),
    ("total_tabs_shown", "totalTabsShown"),
    ("total_tabs_accepted", "totalTabsAccepted"),
    ("composer_requests", "composerRequests"),
    ("chat_requests", "chatRequests"),
    ("agent_requests", "agentRequests"),
    ("cmdk_usages", "cmdkUsages"),
    ("subscription_included_reqs", "subscriptionIncludedReqs"),
    ("api_key_reqs", "apiKeyReqs"),
    ("usage_based_reqs", "usageBasedReqs"),
    ("bugbot_usages", "bugbotUsages"),
)
DAILY_USAGE_COUNTS = tuple(name for name, _ in _COUNTS)

DAILY_USAGE = TableSpec(
    NAME,
    "daily_usage",
    columns=(
        # `day` is derived from Cursor's `date` (epoch milliseconds, UTC) while shaping
        Col("day", "date", required=True),
        Col("email", required=True),
        Col("user_id", path="userId"),
        Col("is_active", "bool", path="isActive"),
        *(Col(name, "bigint", path=field) for name, field in _COUNTS),
        Col("most_used_model", path="mostUsedModel"),
        Col("apply_most_used_extension", path="applyMostUsedExtension"),
        Col("tab_most_used_extension", path="tabMostUsedExtension"),
        Col("client_version", path="clientVersion"),
    ),
    primary_key=("day", "email"),
)

SPEND = TableSpec(
    NAME,
    "spend",
    columns=(
        # the billing cycle's first day, from `subscriptionCycleStart` (epoch ms) of the page
        Col("cycle_start", "date", required=True),
        Col("email", required=True),
        Col("name"),
        Col("role"),
        Col("spend_cents", "decimal", path="spendCents"),
        Col("fast_premium_requests", "bigint", path="fastPremiumRequests"),
        Col("hard_limit_override_dollars", "decimal", path="hardLimitOverrideDollars"),
    ),
    primary_key=("cycle_start", "email"),
)

AI_COMMITS = TableSpec(
    NAME,
    "ai_code_commits",
    columns=(
        Col("commit_hash", required=True, path="commitHash"),
        Col("user_id", path="userId"),
        Col("user_email", path="userEmail"),
        Col("repo_name", path="repoName"),
        Col("branch_name", path="branchName"),
        Col("is_primary_branch", "bool", path="isPrimaryBranch"),
        Col("commit_source", path="commitSource"),
        Col("total_lines_added", "bigint", path="totalLinesAdded"),
        Col("total_lines_deleted", "bigint", path="totalLinesDeleted"),
        Col("tab_lines_added", "bigint", path="tabLinesAdded"),
        Col("tab_lines_deleted", "bigint", path="tabLinesDeleted"),
        Col("composer_lines_added", "bigint", path="composerLinesAdded"),
        Col("composer_lines_deleted", "bigint", path="composerLinesDeleted"),
        Col("non_ai_lines_added", "bigint", path="nonAiLinesAdded"),
        Col("non_ai_lines_deleted", "bigint", path="nonAiLinesDeleted"),
        Col("commit_ts", "timestamp", required=True, path="commitTs"),
        Col("created_at", "timestamp", path="createdAt"),
    ),
    primary_key=("commit_hash",),
)
AI_COMMIT_COUNTS = (
    "total_lines_added",
    "total_lines_deleted",
    "tab_lines_added",
    "tab_lines_deleted",
    "composer_lines_added",
    "composer_lines_deleted",
    "non_ai_lines_added",
    "non_ai_lines_deleted",
)
