"""Great Expectations checks on `raw_copilot`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    Check,
    TableSuite,
    a_at_least_b,
    in_set,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)
from ingestion.sources.copilot.settings import SEAT_PLAN_TYPES

COUNTS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_suggested_to_delete_sum",
    "loc_added_sum",
    "loc_deleted_sum",
)
LEGACY_COUNTS = (
    "total_code_suggestions",
    "total_code_acceptances",
    "total_code_lines_suggested",
    "total_code_lines_accepted",
)
SCHEMA = "raw_copilot"


def _activity_checks() -> list[Check]:
    return [
        *(non_negative(c) for c in COUNTS),
        a_at_least_b("code_generation_activity_count", "code_acceptance_activity_count"),
    ]


def _report_feature_query(parent: str, key: str) -> str:
    """Feature breakdown rows with their parent's key columns, for readable sample keys."""
    return (
        f"select parent.{key}, child.* "
        f'from "{SCHEMA}"."{parent}__totals_by_feature" as child '
        f'inner join "{SCHEMA}"."{parent}" as parent on child._dlt_parent_id = parent._dlt_id'
    )


def _dates_as_timestamps(table: str, column: str) -> str:
    """Read a DATE column as UTC timestamps: `sane_timestamp` compares with a tz-aware now,
    and pandas cannot compare a tz-naive date column with it."""
    return f'select * replace (cast("{column}" as timestamptz) as "{column}") from "{SCHEMA}"."{table}"'


LEGACY_LANGUAGES_QUERY = f"""
select
    metrics.date,
    editors.name as editor,
    models.name as model,
    languages.*
from "{SCHEMA}"."legacy_metrics__copilot_ide_code_completions__editors__models__languages" as languages
inner join "{SCHEMA}"."legacy_metrics__copilot_ide_code_completions__editors__models" as models
    on languages._dlt_parent_id = models._dlt_id
inner join "{SCHEMA}"."legacy_metrics__copilot_ide_code_completions__editors" as editors
    on models._dlt_parent_id = editors._dlt_id
inner join "{SCHEMA}"."legacy_metrics" as metrics
    on editors._dlt_parent_id = metrics._dlt_id
"""

SUITES: list[TableSuite] = [
    TableSuite(
        "organization_daily_reports",
        key=["day"],
        checks=[
            not_null("day"),
            unique("day"),
            sane_timestamp("day"),
            non_negative("daily_active_users"),
            a_at_least_b("weekly_active_users", "daily_active_users"),
            a_at_least_b("monthly_active_users", "weekly_active_users"),
            *_activity_checks(),
        ],
        query=_dates_as_timestamps("organization_daily_reports", "day"),
    ),
    TableSuite(
        "organization_daily_reports__totals_by_feature",
        key=["day", "feature"],
        checks=[not_null("feature"), *_activity_checks()],
        query=_report_feature_query("organization_daily_reports", "day"),
    ),
    TableSuite(
        "user_daily_reports",
        key=["day", "user_login"],
        checks=[
            not_null("day"),
            not_null("user_login"),
            unique("day", "user_login"),
            sane_timestamp("day"),
            *_activity_checks(),
        ],
        query=_dates_as_timestamps("user_daily_reports", "day"),
    ),
    TableSuite(
        "user_daily_reports__totals_by_feature",
        key=["day", "user_login", "feature"],
        checks=[not_null("feature"), *_activity_checks()],
        query=_report_feature_query("user_daily_reports", "day, parent.user_login"),
    ),
    TableSuite(
        "legacy_metrics",
        key=["date"],
        checks=[
            not_null("date"),
            unique("date"),
            sane_timestamp("date"),
            non_negative("total_active_users"),
            a_at_least_b("total_active_users", "total_engaged_users"),
        ],
        query=_dates_as_timestamps("legacy_metrics", "date"),
    ),
    TableSuite(
        "legacy_metrics__copilot_ide_code_completions__editors__models__languages",
        key=["date", "editor", "model", "name"],
        checks=[
            not_null("name"),
            *(non_negative(c) for c in LEGACY_COUNTS),
            a_at_least_b("total_code_suggestions", "total_code_acceptances"),
            a_at_least_b("total_code_lines_suggested", "total_code_lines_accepted"),
        ],
        query=LEGACY_LANGUAGES_QUERY,
    ),
    TableSuite(
        "seats",
        key=["assignee__login"],
        checks=[
            not_null("assignee__login"),
            unique("assignee__login"),
            sane_timestamp("created_at"),
            sane_timestamp("last_activity_at"),
            in_set("plan_type", SEAT_PLAN_TYPES),
        ],
    ),
]
