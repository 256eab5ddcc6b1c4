"""The demo job reads a generated world's whole history from every dated source.

The bench's worlds are 24 months long. The demo job used to read a `start_date` the
manifest does not carry, so every dated source (Jira, incidents, Copilot, Cursor, Claude
Code, AI spend) started 366 days before the end: half of a 24-month world's Jira was never
loaded, and no team had baseline tasks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from ingestion.demo_job import demo_history, demo_source_configs

SERVER = SimpleNamespace(
    github_url="http://127.0.0.1:1/github",
    jira_url="http://127.0.0.1:1/jira",
    pagerduty_url="http://127.0.0.1:1/pagerduty",
    cursor_url="http://127.0.0.1:1/cursor",
    anthropic_url="http://127.0.0.1:1/anthropic",
    openai_url="http://127.0.0.1:1/openai",
    gitlab_url="http://127.0.0.1:1/gitlab",
)
DATED = ("copilot", "jira", "incidents", "cursor", "claude_code", "ai_spend")


def test_a_two_year_world_is_read_from_its_first_day() -> None:
    manifest = {"history": {"start_date": "2024-11-01", "end_date": "2026-10-31"}}
    assert demo_history(manifest) == (date(2024, 11, 1), date(2026, 10, 31))
    configs = demo_source_configs(SERVER, Path("/nowhere"), manifest)
    assert {name: configs[name]["start_date"] for name in DATED} == dict.fromkeys(
        DATED, "2024-11-01"
    )
    assert configs["copilot"]["end_date"] == "2026-10-31"


def test_a_one_year_world_keeps_the_366_day_window() -> None:
    # the bundled demo: history from 2025-11-01, read from 366 days before the end as before
    manifest = {"history": {"start_date": "2025-11-01", "end_date": "2026-10-31"}}
    assert demo_history(manifest) == (date(2025, 10, 30), date(2026, 10, 31))


def test_the_end_comes_from_the_world() -> None:
    # a world generated with --end-date 2025-06-30 and no history block (older manifests)
    assert demo_history({"parameters": {"end_date": "2025-06-30"}}) == (
        date(2024, 6, 29),
        date(2025, 6, 30),
    )
    # nothing said: the generator's default end date
    assert demo_history({}) == (date(2025, 10, 30), date(2026, 10, 31))


def test_a_malformed_date_names_the_field_and_the_rule() -> None:
    # a hand-edited manifest: the error says which field, its value and the form expected
    with pytest.raises(ValueError) as raised:
        demo_history({"history": {"start_date": "2024-13-01", "end_date": "2026-10-31"}})
    assert str(raised.value) == (
        "demo world manifest (manifest.json): history.start_date = '2024-13-01' is not a "
        "calendar date in ISO form (YYYY-MM-DD)"
    )
    with pytest.raises(ValueError, match=r"parameters\.end_date = '30/06/2025'"):
        demo_history({"parameters": {"end_date": "30/06/2025"}})
