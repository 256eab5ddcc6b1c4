"""Great Expectations checks on `raw_claude_code`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    in_set,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)
from ingestion.sources.claude_code.settings import ACTOR_TYPES, COUNTS, MODEL_COUNTS

SCHEMA = "raw_claude_code"

MODEL_QUERY = f"""
select parent.date, parent.actor_id, child.*
from "{SCHEMA}"."daily_usage__model_breakdown" as child
inner join "{SCHEMA}"."daily_usage" as parent on child._dlt_parent_id = parent._dlt_id
"""

SUITES: list[TableSuite] = [
    TableSuite(
        "daily_usage",
        key=["date", "actor_id", "terminal_type"],
        checks=[
            not_null("date"),
            not_null("actor_id"),
            unique("date", "actor_type", "actor_id", "terminal_type"),
            sane_timestamp("date"),
            in_set("actor_type", ACTOR_TYPES),
            *(non_negative(c) for c in COUNTS),
        ],
        query=(
            f'select * replace (cast("date" as timestamptz) as "date") '
            f'from "{SCHEMA}"."daily_usage"'
        ),
    ),
    TableSuite(
        "daily_usage__model_breakdown",
        key=["date", "actor_id", "model"],
        checks=[
            not_null("model"),
            unique("_dlt_parent_id", "model"),
            *(non_negative(c) for c in MODEL_COUNTS),
        ],
        query=MODEL_QUERY,
    ),
]
