"""GitHub Copilot metrics: endpoints, defaults and the typed raw-table specs.

Field names are GitHub's (REST API "Copilot usage metrics" reports, the legacy
"Copilot metrics" endpoint and "Copilot user management" seats). Only the columns
declared here are kept, so GitHub adding fields does not change the raw schema.
"""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "copilot"

DEFAULT_BASE_URL = "https://api.github.com"
#: environment variable used when no `sources.copilot.token` secret is configured
TOKEN_ENV_VAR = "GITHUB_TOKEN"
#: what `ai-roi run --all` needs set to run this source (else it skips it)
REQUIRED_CONFIG = (Requirement(("org",)),)
#: days fetched on a first run when no `start_date` is given
DEFAULT_HISTORY_DAYS = 28
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}

ORG_REPORT_PATH = "/orgs/{org}/copilot/metrics/reports/organization-1-day"
USER_REPORT_PATH = "/orgs/{org}/copilot/metrics/reports/users-1-day"
LEGACY_METRICS_PATH = "/orgs/{org}/copilot/metrics"
SEATS_PATH = "/orgs/{org}/copilot/billing/seats"
LEGACY_PAGE_SIZE = 100  # the endpoint's maximum: 100 days a page
SEATS_PAGE_SIZE = 100

# -- usage-metrics reports (NDJSON behind signed download links) ----------------------
ACTIVITY = (
    Col("code_generation_activity_count", "bigint"),
    Col("code_acceptance_activity_count", "bigint"),
    Col("loc_suggested_to_add_sum", "bigint"),
    Col("loc_suggested_to_delete_sum", "bigint"),
    Col("loc_added_sum", "bigint"),
    Col("loc_deleted_sum", "bigint"),
)
INTERACTIONS = Col("user_initiated_interaction_count", "bigint")

#: the report's list breakdowns, each loaded as a dlt child table `<table>__<name>`
BREAKDOWN_COLUMNS: dict[str, tuple[Col, ...]] = {
    "totals_by_ide": (Col("ide", required=True), INTERACTIONS, *ACTIVITY),
    "totals_by_feature": (Col("feature", required=True), INTERACTIONS, *ACTIVITY),
    "totals_by_language_feature": (
        Col("language", required=True),
        Col("feature", required=True),
        *ACTIVITY,
    ),
    "totals_by_language_model": (
        Col("language", required=True),
        Col("model", required=True),
        *ACTIVITY,
    ),
    "totals_by_model_feature": (
        Col("model", required=True),
        Col("feature", required=True),
        INTERACTIONS,
        *ACTIVITY,
    ),
}

PULL_REQUEST_FIELDS = (
    ("total_created", "bigint"),
    ("total_reviewed", "bigint"),
    ("total_merged", "bigint"),
    ("median_minutes_to_merge", "double"),
    ("total_suggestions", "bigint"),
    ("total_applied_suggestions", "bigint"),
    ("total_created_by_copilot", "bigint"),
    ("total_reviewed_by_copilot", "bigint"),
    ("total_merged_created_by_copilot", "bigint"),
    ("total_merged_reviewed_by_copilot", "bigint"),
    ("median_minutes_to_merge_copilot_authored", "double"),
    ("median_minutes_to_merge_copilot_reviewed", "double"),
    ("total_copilot_suggestions", "bigint"),
    ("total_copilot_applied_suggestions", "bigint"),
)

ORG_REPORTS = TableSpec(
    NAME,
    "organization_daily_reports",
    columns=(
        Col("day", "date", required=True),
        Col("daily_active_users", "bigint"),
        Col("weekly_active_users", "bigint"),
        Col("monthly_active_users", "bigint"),
        Col("monthly_active_chat_users", "bigint"),
        Col("monthly_active_agent_users", "bigint"),
        INTERACTIONS,
        *ACTIVITY,
        *(Col(f"pull_requests__{f}", t, path=f"pull_requests.{f}") for f, t in PULL_REQUEST_FIELDS),
    ),
    primary_key=("day",),
)

USER_REPORTS = TableSpec(
    NAME,
    "user_daily_reports",
    columns=(
        Col("day", "date", required=True),
        Col("user_id", "bigint"),
        Col("user_login", required=True),
        INTERACTIONS,
        *ACTIVITY,
        Col("used_agent", "bool"),
        Col("used_chat", "bool"),
        Col("used_cli", "bool"),
    ),
    primary_key=("day", "user_login"),
)


def breakdown_specs(parent: str) -> dict[str, TableSpec]:
    """One TableSpec per breakdown list of a report table (`<parent>__totals_by_ide`, ...)."""
    return {
        name: TableSpec(NAME, f"{parent}__{name}", columns=cols, primary_key=(cols[0].name,))
        for name, cols in BREAKDOWN_COLUMNS.items()
    }


ORG_BREAKDOWNS = breakdown_specs(ORG_REPORTS.table)
USER_BREAKDOWNS = breakdown_specs(USER_REPORTS.table)

# -- legacy metrics (GET /orgs/{org}/copilot/metrics) ----------------------------------
LEGACY_METRICS = TableSpec(
    NAME,
    "legacy_metrics",
    columns=(
        Col("date", "date", required=True),
        Col("total_active_users", "bigint"),
        Col("total_engaged_users", "bigint"),
    ),
    primary_key=("date",),
)
LEGACY_EDITORS = TableSpec(
    NAME,
    "legacy_metrics__copilot_ide_code_completions__editors",
    columns=(Col("name", required=True), Col("total_engaged_users", "bigint")),
    primary_key=("name",),
)
LEGACY_MODELS = TableSpec(
    NAME,
    "legacy_metrics__copilot_ide_code_completions__editors__models",
    columns=(Col("name", required=True), Col("total_engaged_users", "bigint")),
    primary_key=("name",),
)
LEGACY_LANGUAGES = TableSpec(
    NAME,
    "legacy_metrics__copilot_ide_code_completions__editors__models__languages",
    columns=(
        Col("name", required=True),
        Col("total_engaged_users", "bigint"),
        Col("total_code_suggestions", "bigint"),
        Col("total_code_acceptances", "bigint"),
        Col("total_code_lines_suggested", "bigint"),
        Col("total_code_lines_accepted", "bigint"),
    ),
    primary_key=("name",),
)

# -- seats (GET /orgs/{org}/copilot/billing/seats) ------------------------------------
SEATS = TableSpec(
    NAME,
    "seats",
    columns=(
        Col("assignee__login", required=True, path="assignee.login"),
        Col("assignee__id", "bigint", path="assignee.id"),
        Col("assignee__type", path="assignee.type"),
        Col("assigning_team__slug", path="assigning_team.slug"),
        Col("plan_type"),
        Col("created_at", "timestamp"),
        Col("updated_at", "timestamp"),
        Col("last_activity_at", "timestamp"),
        Col("last_activity_editor"),
        Col("pending_cancellation_date", "date"),
    ),
    primary_key=("assignee__login",),
)
SEAT_PLAN_TYPES = ("business", "enterprise", "unknown")
