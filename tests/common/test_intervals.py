"""The one rule both surfaces use to state a 90% interval (ingestion.common.intervals), and
that the terminal scorecard and the HTML report apply it alike."""

from __future__ import annotations

import math

import pandas as pd

from ingestion.common.intervals import interval_phrase, is_missing, with_interval
from ingestion.report.tables import with_interval as report_cell
from ingestion.scorecard import format_with_interval


def money(value: object) -> str:
    return f"{value:,.0f}"


def test_an_interval_is_stated_only_with_both_bounds_and_when_they_differ() -> None:
    assert with_interval("1,200", 1000.4, 1499.6, money) == "1,200 (90% CI 1,000 to 1,500)"
    assert with_interval("1,200", None, 1500, money) == "1,200"
    assert with_interval("1,200", 1000, float("nan"), money) == "1,200"
    assert with_interval("1,200", pd.NA, 1500, money) == "1,200"
    assert with_interval("0", 0, 0, money) == "0"
    assert interval_phrase(-5, 7, money) == "90% CI -5 to 7"


def test_missing_means_none_pandas_na_or_nan_and_nothing_else() -> None:
    assert [is_missing(v) for v in (None, pd.NA, pd.NaT, math.nan)] == [True] * 4
    assert [is_missing(v) for v in (0, 0.0, "", False)] == [False] * 4


def test_the_scorecard_and_the_report_write_the_same_interval() -> None:
    row = {
        "net_productivity_gain_usd": 304649.2,
        "net_productivity_gain_usd_lower_90": 226777.0,
        "net_productivity_gain_usd_upper_90": 415253.4,
    }
    terminal = format_with_interval(row, "net_productivity_gain_usd", "{:,.0f}")
    html = report_cell(304649.2, 226777.0, 415253.4, 0)
    assert terminal == html == "304,649 (90% CI 226,777 to 415,253)"
    # equal bounds: the figure alone on both
    row["net_productivity_gain_usd_lower_90"] = row["net_productivity_gain_usd_upper_90"] = 5.0
    assert format_with_interval(row, "net_productivity_gain_usd", "{:,.0f}") == "304,649"
    assert report_cell(304649.2, 5.0, 5.0, 0) == "304,649"
    # no figure: the scorecard says n/a, the report gives html_table its dash (None)
    assert report_cell(None, 1.0, 2.0, 0) is None
