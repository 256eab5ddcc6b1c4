"""The drop-folder files: one typed raw table per file name stem in `raw_files`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

SOURCE = "files"
DEFAULT_PATH = "data/files"
#: what `ai-roi run --all` needs set to run this source (else it skips it): the folder,
#: or the default folder present
REQUIRED_CONFIG = (Requirement(("path",), folder=DEFAULT_PATH),)
EXTENSIONS = (".csv", ".parquet")
CHUNK_ROWS = 10_000

COHORTS = ("treatment", "control")
COST_TYPES = ("licence", "usage", "training", "maintenance", "platform")
SERVICE_TYPES = ("repository", "pagerduty_service", "jira_project")
DEPLOYMENT_SOURCES = ("deployments_api", "actions", "releases", "tags", "auto")


@dataclass(frozen=True)
class Rule:
    """A value rule on one shaped row; `column` is the field named when it fails."""

    column: str
    check: Callable[[Mapping[str, Any]], bool]
    text: str


@dataclass(frozen=True)
class FileTable:
    spec: TableSpec
    required: bool = False
    rules: tuple[Rule, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.spec.table


def one_of(column: str, values: tuple[str, ...]) -> Rule:
    return Rule(
        column,
        lambda row: row[column] is None or row[column] in values,
        f"must be one of {list(values)}",
    )


def score(column: str) -> Rule:
    return Rule(
        column, lambda row: row[column] is None or 1 <= row[column] <= 5, "must be between 1 and 5"
    )


def _compiles(pattern: Any) -> bool:
    try:
        re.compile(str(pattern))
    except re.error:
        return False
    return True


def regex(column: str) -> Rule:
    return Rule(
        column,
        lambda row: row[column] is None or _compiles(row[column]),
        "must be a valid regular expression",
    )


def first_of_month(column: str) -> Rule:
    return Rule(
        column,
        lambda row: row[column] is None or row[column].day == 1,
        "must be the first day of a month",
    )


def _table(name: str, key: tuple[str, ...], *cols: Col) -> TableSpec:
    return TableSpec(SOURCE, name, columns=cols, primary_key=key)


TABLES: dict[str, FileTable] = {
    t.name: t
    for t in (
        FileTable(
            _table(
                "ai_costs",
                ("invoice_id",),
                Col("invoice_id", "text", required=True),
                Col("month", "date", required=True),
                Col("vendor", "text", required=True),
                Col("tool", "text", required=True),
                Col("cost_type", "text", required=True),
                Col("amount", "decimal", required=True),
                Col("currency", "text", required=True),
                Col("team", "text"),
                Col("seats", "bigint"),
                Col("usage_units", "double"),
                Col("training_hours", "double"),
            ),
            rules=(one_of("cost_type", COST_TYPES), first_of_month("month")),
        ),
        FileTable(
            _table(
                "labor_rates",
                ("role", "valid_from"),
                Col("role", "text", required=True),
                Col("loaded_hourly_cost", "decimal", required=True),
                Col("currency", "text", required=True),
                Col("valid_from", "date", required=True),
            ),
        ),
        FileTable(
            _table(
                "roster",
                ("login", "valid_from"),
                Col("login", "text", required=True),
                Col("display_name", "text"),
                Col("role", "text"),
                Col("team", "text"),
                Col("valid_from", "date", required=True),
                Col("valid_to", "date"),
                Col("is_bot", "bool", required=True),
            ),
            required=True,
            rules=(
                Rule(
                    "team",
                    lambda row: bool(row["is_bot"]) or row["team"] is not None,
                    "is required for people (only bot rows may leave it empty)",
                ),
            ),
        ),
        FileTable(
            _table(
                "ai_rollout",
                ("team", "tool"),
                Col("team", "text", required=True),
                Col("tool", "text", required=True),
                Col("cohort", "text", required=True),
                Col("rollout_date", "date"),
            ),
            required=True,
            rules=(
                one_of("cohort", COHORTS),
                Rule(
                    "rollout_date",
                    lambda row: row["cohort"] != "treatment" or row["rollout_date"] is not None,
                    "is required for the treatment cohort",
                ),
            ),
        ),
        FileTable(
            _table(
                "service_ownership",
                ("service",),
                Col("service", "text", required=True),
                Col("service_type", "text", required=True),
                Col("team", "text", required=True),
            ),
            required=True,
            rules=(one_of("service_type", SERVICE_TYPES),),
        ),
        FileTable(
            _table(
                "surveys",
                ("response_id",),
                Col("response_id", "text", required=True),
                Col("response_date", "date", required=True),
                Col("team", "text", required=True),
                Col("friction_score", "bigint", required=True),
                Col("satisfaction_score", "bigint", required=True),
                Col("ai_trust_score", "bigint"),
                Col("hours_saved_per_week", "double"),
            ),
            rules=(score("friction_score"), score("satisfaction_score"), score("ai_trust_score")),
        ),
        FileTable(
            _table(
                "kpis",
                ("month", "metric_name", "product_area"),
                Col("month", "date", required=True),
                Col("metric_name", "text", required=True),
                Col("product_area", "text", required=True),
                Col("value", "double", required=True),
            ),
            rules=(first_of_month("month"),),
        ),
        FileTable(
            _table(
                "feature_launches",
                ("feature_key",),
                Col("feature_key", "text", required=True),
                Col("feature_name", "text", required=True),
                Col("launch_date", "date", required=True),
                Col("product_area", "text", required=True),
            ),
        ),
        FileTable(
            _table(
                "deployment_rules",
                ("repository",),
                Col("repository", "text", required=True),
                Col("deployment_source", "text", required=True),
                Col("workflow_pattern", "text"),
                Col("branch", "text"),
                Col("tag_pattern", "text"),
                Col("include_prereleases", "bool"),
            ),
            rules=(
                one_of("deployment_source", DEPLOYMENT_SOURCES),
                regex("workflow_pattern"),
                regex("tag_pattern"),
            ),
        ),
        FileTable(
            _table(
                "identity_map",
                ("identity",),
                Col("identity", "text", required=True),
                Col("login", "text", required=True),
                Col("tool", "text"),
            ),
        ),
        FileTable(
            _table(
                "ops_transactions",
                ("transaction_date", "team", "process"),
                Col("transaction_date", "date", required=True),
                Col("team", "text", required=True),
                Col("process", "text", required=True),
                Col("transactions", "bigint", required=True),
                Col("failed_transactions", "bigint", required=True),
                Col("operating_cost", "decimal", required=True),
            ),
        ),
    )
}

REQUIRED_FILES = tuple(name for name, t in TABLES.items() if t.required)
