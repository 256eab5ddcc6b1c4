"""Great Expectations checks on `raw_ai_spend`, run right after each load."""

from __future__ import annotations

from ingestion.common.validation import TableSuite, in_set, not_null, sane_timestamp, unique
from ingestion.sources.ai_spend.settings import CURRENCIES

SCHEMA = "raw_ai_spend"


def _suite(table: str, amount: str) -> TableSuite:
    return TableSuite(
        table,
        key=["day", "line_key"],
        checks=[
            not_null("day"),
            not_null("line_key"),
            not_null(amount),
            unique("day", "line_key"),
            sane_timestamp("day"),
            # the TCO sums amounts as USD: another currency must be converted first
            in_set("currency", CURRENCIES),
        ],
        query=f'select * replace (cast("day" as timestamptz) as "day") from "{SCHEMA}"."{table}"',
    )


# amounts may be negative (credits and refunds), so no sign check
SUITES: list[TableSuite] = [
    _suite("anthropic_costs", "amount_cents"),
    _suite("openai_costs", "amount"),
]
