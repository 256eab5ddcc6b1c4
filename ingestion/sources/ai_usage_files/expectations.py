"""Great Expectations checks on `raw_ai_usage_files`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import (
    TableSuite,
    a_at_least_b,
    non_negative,
    not_null,
    sane_timestamp,
    unique,
)
from ingestion.sources.ai_usage_files.settings import COUNT_COLUMNS, NAME, TABLE

#: `usage_date` read as a UTC timestamp (`sane_timestamp` compares with a tz-aware now)
#: and `cost_usd` as a double (pandas reads DECIMAL as Python objects)
QUERY = (
    "select * replace (cast(usage_date as timestamptz) as usage_date, cast(cost_usd as double) as cost_usd) "
    f'from "raw_{NAME}"."{TABLE}"'
)

SUITES: list[TableSuite] = [
    TableSuite(
        TABLE,
        key=["source_file", "usage_date", "tool", "subject"],
        checks=[
            not_null("usage_date"),
            not_null("tool"),
            not_null("subject"),
            unique("usage_date", "tool", "subject"),
            sane_timestamp("usage_date"),
            *(non_negative(c) for c in COUNT_COLUMNS),
            non_negative("cost_usd"),
            a_at_least_b("suggestions_shown", "suggestions_accepted"),
            a_at_least_b("lines_suggested", "lines_accepted"),
        ],
        query=QUERY,
    ),
]
