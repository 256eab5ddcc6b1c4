"""The benchmark harness's pure helpers (no benchmark runs here)."""

from __future__ import annotations

import json
import math

import duckdb
import pytest

from ingestion.bench import spark_build
from ingestion.bench.build_steps import empty_copy, node_seconds, stamp_daily_loads
from ingestion.bench.core import (
    DEFAULT_SIZES,
    SIZES,
    growth_exponent,
    parse_sizes,
    peak_step,
    results_document,
    size_slug,
    spark_cell,
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
            "seconds": {
                "dbt_full_build": 15.0,
                "dbt_incremental_build": 7.0,
                "dbt_empty_build": 4.0,
                "direct_floor": 8.0,
            },
            "github": {
                "dlt_rows_per_s": 100.0,
                "rest_dlt_rows_per_s": 40.0,
                "duckdb_rows_per_s": 1000.0,
                "duckdb_over_dlt": 10,
            },
            "build_over_floor": 1.875,
            "top5": {"dbt_seconds": 3.0, "direct_seconds": 2.0, "dbt_over_direct": 1.5},
            "peak_rss_mb": {"dbt_full_build": 512.0, "ingest_other_sources": 2048.0},
        },
        "1/4": {
            "raw_rows": 2000,
            "seconds": {
                "dbt_full_build": 25.0,
                "dbt_incremental_build": 11.0,
                "dbt_empty_build": 6.0,
                "direct_floor": 16.0,
            },
        },
    }
    doc = results_document(runs, started_at="2026-11-26T00:00:00+00:00", machine={"cpus": 2})
    assert set(doc) == {"benchmark", "started_at", "machine", "sizes", "summary"}
    assert list(doc["sizes"]) == ["1/8", "1/4"]
    summary = doc["summary"]
    # 15 -> 25 s for 2x rows: log2(25/15); past the fixed cost, the median of the empty
    # builds (4 and 6 s: 5 s, not each size's own), 10 -> 20 s: linear
    assert summary["fixed_cost_seconds"] == pytest.approx(5.0)
    assert summary["growth_exponent_full_build"] == pytest.approx(math.log2(25 / 15))
    assert summary["growth_exponent_full_build_past_fixed"] == pytest.approx(1.0)
    assert summary["growth_exponent_incremental_build_past_fixed"] == pytest.approx(
        math.log2(6 / 2)
    )
    assert summary["growth_exponent_models_sql"] == pytest.approx(1.0)
    json.dumps(doc)  # serialisable
    lines = table_lines(runs)
    assert len(lines) == 4 and lines[2].startswith("1/8") and lines[3].startswith("1/4")
    assert "2,048 (ingest_other_sources)" in lines[2] and "1.88" in lines[2]
    # github: the GraphQL rate, the REST rate, DuckDB's and DuckDB over GraphQL
    assert lines[2].split()[2:6] == ["100", "40", "1,000", "10.0"]
    assert peak_step(runs["1/4"]) == (None, None)


def test_node_seconds_splits_dbt_time_by_kind() -> None:
    run_results = {
        "elapsed_time": 9.5,
        "results": [
            {"unique_id": "model.ai_roi.a", "execution_time": 1.5},
            {"unique_id": "model.ai_roi.b", "execution_time": 0.5},
            {"unique_id": "test.ai_roi.not_null_a_x.123", "execution_time": 0.25},
        ],
    }
    assert node_seconds(run_results) == {
        "run_elapsed_seconds": 9.5,
        "node_seconds": {
            "model": {"nodes": 2, "seconds": 2.0},
            "test": {"nodes": 1, "seconds": 0.25},
        },
    }


def test_empty_copy_keeps_every_raw_table_and_no_rows(tmp_path) -> None:
    full = tmp_path / "full" / "ai_roi.duckdb"
    full.parent.mkdir()
    con = duckdb.connect(str(full))
    con.execute("create schema raw_github")
    con.execute("create table raw_github.pull_requests as select 1 as id, 'x' as title")
    con.execute("create schema marts")
    con.execute("create table marts.fct as select 1 as n")
    con.close()
    empty = tmp_path / "empty" / "ai_roi.duckdb"
    assert empty_copy(str(full), str(empty))["tables"] == 1
    con = duckdb.connect(str(empty), read_only=True)
    assert con.execute("select count(*) from raw_github.pull_requests").fetchone() == (0,)
    columns = con.execute("describe raw_github.pull_requests").fetchall()
    assert [(c[0], c[1]) for c in columns] == [("id", "INTEGER"), ("title", "VARCHAR")]
    assert con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts'"
    ).fetchone() == (0,)
    con.close()


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


def test_stamp_daily_loads_gives_each_row_the_load_of_the_day_it_last_changed(tmp_path) -> None:
    db = str(tmp_path / "ai_roi.duckdb")
    con = duckdb.connect(db)
    timed = [
        ("raw_github", "pull_requests", "updated_at", "timestamp"),
        ("raw_github", "pull_request_review_comments", "updated_at", "timestamp"),
        ("raw_github", "deployments", "updated_at", "timestamp"),
        ("raw_github", "deployment_statuses", "created_at", "timestamp"),
        ("raw_github", "commits", "commit__committer__date", "timestamp"),
        ("raw_copilot", "user_daily_reports", "day", "date"),
        ("raw_ai_usage_files", "ai_usage_daily", "usage_date", "date"),
    ]
    for schema, table, column, kind in timed:
        con.execute(f"create schema if not exists {schema}")
        extra = (
            ", 'acme/api' as repository_full_name, n as number" if table == "pull_requests" else ""
        )
        con.execute(
            f"create table {schema}.{table} as select *{extra} from (values "
            f"(cast('2026-03-02 23:59:00' as {kind}), '1700000000.1', 1), "
            f"(cast('2026-03-03 00:00:00' as {kind}), '1700000000.1', 2)) as t({column}, _dlt_load_id, n)"
        )
    for table in ("pull_request_commits", "pull_request_reviews", "pull_request_files"):
        # PR 1's two entries and PR 2's one take their PR's load; PR 3 (not loaded) keeps its own
        con.execute(
            f"create table raw_github.{table} as select * from (values "
            f"('acme/api', 1, '1700000000.1'), ('acme/api', 1, '1700000000.1'), "
            f"('acme/api', 2, '1700000000.1'), ('acme/api', 3, '1700000000.1')) "
            f"as t(repository_full_name, pull_number, _dlt_load_id)"
        )
    con.close()
    assert stamp_daily_loads(db)["tables"] == 10
    con = duckdb.connect(db, read_only=True)
    # 2026-03-03T00:00Z = 1772496000: a row changed on 2 March arrives with that night's load
    day_2, day_3 = 1772496000.0, 1772582400.0
    for schema, table, _, _ in timed:
        loads = [
            float(r[0])
            for r in con.execute(f"select _dlt_load_id from {schema}.{table} order by n").fetchall()
        ]
        assert loads == [day_2, day_3], table
    for table in ("pull_request_commits", "pull_request_reviews", "pull_request_files"):
        loads = [
            float(r[0])
            for r in con.execute(
                f"select _dlt_load_id from raw_github.{table} order by pull_number"
            ).fetchall()
        ]
        assert loads == [day_2, day_2, day_3, 1700000000.1], table
    con.close()


def test_spark_column_shows_seconds_and_ratio_or_why_not() -> None:
    ran = {"spark": {"seconds": 387.44, "success": True}, "spark_over_duckdb": 387.44 / 96.9}
    assert spark_cell(ran) == "387.4 (4.0x)"
    assert spark_cell({"spark": {"seconds": 380.0, "success": False}}) == "FAILED"
    assert spark_cell({"spark": {"skipped": "the Spark extra is not installed"}}) == "skipped"
    assert spark_cell({}) == "-"  # run without --spark
    line = table_lines({"1/8": {"raw_rows": 10, **ran}})[2]
    assert "387.4 (4.0x)" in line


def test_spark_is_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    real = spark_build.importlib.util.find_spec
    monkeypatch.setattr(
        spark_build.importlib.util,
        "find_spec",
        lambda name: None if name == "pyspark" else real(name),
    )
    reason = spark_build.spark_missing()
    assert reason is not None and "pyspark" in reason and "make setup-spark" in reason
