"""The report's scorecard flags: the scopes and quarters of marts.rpt_ai_roi_scorecard that
raised one."""

from __future__ import annotations

import duckdb
import pandas as pd

from ingestion.report.scope import query
from ingestion.report.tables import html_table

FLAG_COLUMNS = [
    ("flag_low_trust", "low trust"),
    ("flag_idle_seats", "idle seats"),
    ("flag_quality_regression", "quality regression"),
    ("flag_leakage_over_half", "leakage over half"),
]


def flags_table(con: duckdb.DuckDBPyConnection) -> str:
    frame = query(
        con,
        """
        select *
        from marts.rpt_ai_roi_scorecard
        where flag_low_trust or flag_idle_seats or flag_quality_regression
            or flag_leakage_over_half
        order by quarter_start, scope_type, scope_name
        """,
    )
    rows = [
        [
            row["scope_type"],
            row["scope_name"],
            pd.Timestamp(row["quarter_start"]),
            ", ".join(label for column, label in FLAG_COLUMNS if row[column] is True),
            row["seat_utilisation"],
            row["ai_trust_score_mean"],
            row["change_failure_rate_delta"],
            row["leakage_share_of_hours_saved"],
        ]
        for _, row in frame.astype(object).iterrows()
    ]
    if not rows:
        return '<p id="table-flags">No scope raised a flag in any quarter.</p>'
    return html_table(
        "table-flags",
        [
            "scope",
            "name",
            "quarter",
            "flags",
            "seat utilisation",
            "AI trust (1-5)",
            "CFR change vs baseline",
            "leakage share",
        ],
        rows,
    )
