"""Small pure helpers of the Copilot source."""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from ingestion.common.errors import SourceError
from ingestion.sources.copilot.helpers import DayCursor, parse_ndjson, safe_link


def test_parse_ndjson_accepts_lines_arrays_and_gzip() -> None:
    lines = b'{"day": "2026-01-05"}\n\n{"day": "2026-01-06"}\n'
    assert parse_ndjson(lines, "f") == [{"day": "2026-01-05"}, {"day": "2026-01-06"}]
    assert parse_ndjson(b'[{"day": "2026-01-05"}]', "f") == [{"day": "2026-01-05"}]
    assert parse_ndjson(gzip.compress(lines), "f")[1] == {"day": "2026-01-06"}
    with pytest.raises(SourceError, match="line 1 is not a JSON object"):
        parse_ndjson(b"[1]\n", "f")


def test_day_cursor_keeps_only_the_cursor_days_fingerprint() -> None:
    state: dict = {}
    cursor = DayCursor(state)
    assert cursor.first_day(date(2026, 1, 1)) == date(2026, 1, 1)
    cursor.record(date(2026, 1, 5), [{"a": 1}])
    cursor.record(date(2026, 1, 6), [{"a": 2}])
    assert state["last_day"] == "2026-01-06" and list(state["fingerprints"]) == ["2026-01-06"]
    assert cursor.first_day(date(2026, 1, 1)) == date(2026, 1, 6)
    assert cursor.is_unchanged(date(2026, 1, 6), [{"a": 2}])
    assert not cursor.is_unchanged(date(2026, 1, 6), [{"a": 3}])


def test_safe_link_drops_the_signature() -> None:
    assert safe_link("https://store.example/r/2026-01-05.ndjson?sig=abc&se=1") == (
        "https://store.example/r/2026-01-05.ndjson"
    )
