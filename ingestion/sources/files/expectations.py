"""Great Expectations checks on `raw_files`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    Check,
    TableSuite,
    a_at_least_b,
    between,
    in_set,
    non_negative,
    not_null,
    unique,
)

from .settings import COHORTS, COST_TYPES, DEPLOYMENT_SOURCES, SERVICE_TYPES


def _key(*columns: str) -> list[Check]:
    """Key columns not null and unique (together when there are several)."""
    return [*(not_null(c) for c in columns), unique(*columns)]


SUITES = [
    TableSuite(
        "ai_costs",
        key=["invoice_id"],
        checks=[
            *_key("invoice_id"),
            not_null("month"),
            in_set("cost_type", COST_TYPES),
            not_null("amount"),
            non_negative("amount"),
            non_negative("seats"),
            non_negative("usage_units"),
            non_negative("training_hours"),
        ],
    ),
    TableSuite(
        "labor_rates",
        key=["role", "valid_from"],
        checks=[
            *_key("role", "valid_from"),
            not_null("loaded_hourly_cost"),
            non_negative("loaded_hourly_cost"),
        ],
    ),
    TableSuite(
        "roster",
        key=["login", "valid_from"],
        checks=[
            *_key("login", "valid_from"),
            not_null("is_bot"),
            a_at_least_b("valid_to", "valid_from"),
        ],
    ),
    TableSuite(
        "ai_rollout",
        key=["team", "tool"],
        checks=[*_key("team", "tool"), in_set("cohort", COHORTS)],
    ),
    TableSuite(
        "service_ownership",
        key=["service"],
        checks=[*_key("service"), in_set("service_type", SERVICE_TYPES), not_null("team")],
    ),
    TableSuite(
        "identity_map",
        key=["identity"],
        checks=[*_key("identity"), not_null("login")],
    ),
    TableSuite(
        "deployment_rules",
        key=["repository"],
        checks=[*_key("repository"), in_set("deployment_source", DEPLOYMENT_SOURCES)],
    ),
    TableSuite(
        "surveys",
        key=["response_id"],
        checks=[
            *_key("response_id"),
            not_null("team"),
            between("friction_score", 1, 5),
            between("satisfaction_score", 1, 5),
            between("ai_trust_score", 1, 5),
            between("hours_saved_per_week", 0, 168),
        ],
    ),
    TableSuite(
        "kpis",
        key=["month", "metric_name", "product_area"],
        checks=[*_key("month", "metric_name", "product_area"), not_null("value")],
    ),
    TableSuite(
        "feature_launches",
        key=["feature_key"],
        checks=[*_key("feature_key"), not_null("launch_date")],
    ),
    TableSuite(
        "ops_transactions",
        key=["transaction_date", "team", "process"],
        checks=[
            *_key("transaction_date", "team", "process"),
            non_negative("transactions"),
            non_negative("failed_transactions"),
            a_at_least_b("transactions", "failed_transactions"),
            non_negative("operating_cost"),
        ],
    ),
]
