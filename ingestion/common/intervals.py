"""How every surface states a 90% interval: the terminal scorecard and the HTML report write
"figure (90% CI lower to upper)" by the same rule, so a reader never sees an interval on one
and not on the other."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

LABEL = "90% CI"


def is_missing(value: object) -> bool:
    """None, pandas' NA/NaT or a float NaN: a figure the marts do not give (or suppress)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def interval_phrase(lower: object, upper: object, fmt: Callable[[object], str]) -> str:
    """`90% CI 226,777 to 415,253`, each bound written by `fmt`; empty when a bound is missing
    (no interval is ever half-stated) or the bounds are equal (nothing uncertain, e.g. no
    AI-assisted work or no quality cost)."""
    if is_missing(lower) or is_missing(upper) or lower == upper:
        return ""
    return f"{LABEL} {fmt(lower)} to {fmt(upper)}"


def with_interval(text: str, lower: object, upper: object, fmt: Callable[[object], str]) -> str:
    """`text (90% CI lower to upper)`, or `text` alone when interval_phrase has nothing to say."""
    phrase = interval_phrase(lower, upper, fmt)
    return f"{text} ({phrase})" if phrase else text
