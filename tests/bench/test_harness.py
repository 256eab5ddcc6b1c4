"""The benchmark harness's pure helpers (no benchmark runs here)."""

from __future__ import annotations

import json
import math

import pytest

from ingestion.bench.core import (
    DEFAULT_SIZES,
    SIZES,
    growth_exponent,
    parse_sizes,
    results_document,
    size_slug,
    table_lines,
)
from ingestion.bench.raw_loader import load_statements


def test_parse_sizes() -> None:
    assert parse_sizes("") == list(DEFAULT_SIZES)
    assert parse_sizes(None) == ["1/8", "1/4", "1/2", "full"]
    assert parse_sizes(" 1/8, 1/4 ,1/8") == ["1/8", "1/4"]
    assert parse_sizes("FULL") == ["full"]
    with pytest.raises(ValueError, match="1/3"):
        parse_sizes("1/8,1/3")
    assert SIZES["full"] == "200x10x24" and SIZES["1/8"] == "25x10x24"
    assert size_slug("1/8") == "1_8"


def test_growth_exponent() -> None:
    assert growth_exponent([(100, 10), (200, 20)]) == pytest.approx(1.0)
    assert growth_exponent([(1, 1), (2, 4), (4, 16)]) == pytest.approx(2.0)
    assert growth_exponent([(1000, 5), (8000, 5)]) == pytest.approx(0.0)
    assert growth_exponent([(100, 10)]) is None
    assert growth_exponent([(100, 10), (100, 20)]) is None
    assert growth_exponent([(0, 1), (10, 0)]) is None
    assert math.isclose(growth_exponent([(1e5, 30), (2e5, 45)]) or 0, math.log2(1.5))


def test_results_document_shape() -> None:
    runs = {
        "1/8": {
            "raw_rows": 1000,
            "seconds": {"dbt_full_build": 10.0, "dbt_incremental_build": 4.0, "top5_direct": 2},
            "github": {"dlt_rows_per_s": 100.0, "duckdb_rows_per_s": 1000.0, "duckdb_over_dlt": 10},
            "top5": {"dbt_seconds": 3.0, "direct_seconds": 2.0, "dbt_over_direct": 1.5},
            "peak_rss_mb": {"dbt_full_build": 512.0},
        },
        "1/4": {"raw_rows": 2000, "seconds": {"dbt_full_build": 20.0}},
    }
    doc = results_document(runs, started_at="2026-11-26T00:00:00+00:00", machine={"cpus": 2})
    assert set(doc) == {"benchmark", "started_at", "machine", "sizes", "summary"}
    assert list(doc["sizes"]) == ["1/8", "1/4"]
    assert doc["summary"]["growth_exponent_full_build"] == pytest.approx(1.0)
    assert doc["summary"]["growth_exponent_incremental_build"] is None
    json.dumps(doc)  # serialisable
    lines = table_lines(runs)
    assert len(lines) == 4 and lines[2].startswith("1/8") and "-" in lines[3]


def test_raw_loader_covers_every_github_table(tmp_path) -> None:
    tables = [table for table, _ in load_statements(tmp_path, "acme", "1.0")]
    assert set(tables) == {
        "repositories",
        "pull_requests",
        "pull_requests__labels",
        "pull_request_commits",
        "pull_request_reviews",
        "pull_request_files",
        "pull_request_review_comments",
        "deployments",
        "deployment_statuses",
        "commits",
        "commits__parents",
    }
