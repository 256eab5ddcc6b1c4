"""The Spark target's raw feed (ingestion/spark/raw.py): the validated DuckDB raw tables
through a dlt pipeline into dlt's filesystem layout as Parquet. No Spark needed: the files
are read back with DuckDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ingestion.cli import main
from ingestion.spark.raw import export_from_duckdb, register_tables


def _warehouse(path: Path) -> Path:
    """Two raw schemas as dlt leaves them: github's pulls with a child table (`_dlt_*`
    columns), jira's issues and an empty table; plus what is not a source."""
    con = duckdb.connect(str(path))
    con.execute("create schema raw_github; create schema raw_jira")
    con.execute("create schema raw_github_staging; create schema raw_meta")
    con.execute(
        "create table raw_github.pulls as select * from (values "
        "(1, 'fix login', timestamptz '2026-03-01 10:00:00+00', 12.50::decimal(10, 2), 'L1', 'p1'), "
        "(2, 'add cache', timestamptz '2026-03-02 11:30:00+00', null, 'L1', 'p2'), "
        "(3, 'bump deps', timestamptz '2026-03-03 09:15:00+00', 3.25::decimal(10, 2), 'L2', 'p3')"
        ") t(number, title, created_at, cost_usd, _dlt_load_id, _dlt_id)"
    )
    con.execute(
        "create table raw_github.pulls__commits as select * from (values "
        "('a1', 'p1', 0, 'c1'), ('b2', 'p1', 1, 'c2'), ('c3', 'p2', 0, 'c3'), "
        "('d4', 'p3', 0, 'c4'), ('e5', 'p3', 1, 'c5')"
        ") t(sha, _dlt_parent_id, _dlt_list_idx, _dlt_id)"
    )
    con.execute("create table raw_github._dlt_loads (load_id varchar, status bigint)")
    con.execute("insert into raw_github._dlt_loads values ('L1', 0), ('L2', 0)")
    con.execute("create table raw_github_staging.pulls (number bigint)")
    con.execute("create table raw_meta.validation_runs (source varchar)")
    con.execute(
        "create table raw_jira.issues as select * from (values "
        "('DATA-1', 'Done', 'L9', 'j1'), ('DATA-2', 'In Progress', 'L9', 'j2')"
        ") t(key, status, _dlt_load_id, _dlt_id)"
    )
    con.execute("create table raw_jira.sprints (id bigint, name varchar)")
    con.close()
    return path


def _read(raw: Path, dataset: str, table: str) -> tuple[list[str], list[tuple]]:
    relation = duckdb.sql(f"select * from read_parquet('{raw / dataset / table}/*.parquet')")
    return list(relation.columns), sorted(relation.fetchall(), key=str)


def test_export_writes_dlts_layout_with_names_columns_and_rows(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "ai_roi.duckdb")
    raw = tmp_path / "spark" / "raw"
    written = export_from_duckdb(db, raw, batch_rows=2)  # several Arrow batches per table
    assert written == [
        "raw_github.pulls",
        "raw_github.pulls__commits",
        "raw_jira.issues",
        "raw_jira.sprints",
    ]
    # dlt's layout: one folder per dataset (the raw schema) and table, Parquet inside
    assert sorted(p.name for p in raw.iterdir()) == ["raw_github", "raw_jira"]
    for name in written:
        dataset, table = name.split(".")
        assert list((raw / dataset / table).glob("*.parquet")), name
    # not sources: dlt's staging and the validation log; dlt's own bookkeeping is dlt's
    assert not (raw / "raw_github_staging").exists() and not (raw / "raw_meta").exists()
    assert not list((raw / "raw_github" / "_dlt_loads").glob("*.parquet"))

    columns, rows = _read(raw, "raw_github", "pulls")
    assert columns == ["number", "title", "created_at", "cost_usd", "_dlt_load_id", "_dlt_id"]
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        (1, "fix login", pytest.approx(12.5), "L1", "p1"),
        (2, "add cache", None, "L1", "p2"),
        (3, "bump deps", pytest.approx(3.25), "L2", "p3"),
    ]
    assert [r[2] for r in rows] == [
        dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 11, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 3, 9, 15, tzinfo=dt.UTC),
    ]
    columns, rows = _read(raw, "raw_github", "pulls__commits")
    assert columns == ["sha", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]
    assert rows == [
        ("a1", "p1", 0, "c1"),
        ("b2", "p1", 1, "c2"),
        ("c3", "p2", 0, "c3"),
        ("d4", "p3", 0, "c4"),
        ("e5", "p3", 1, "c5"),
    ]
    columns, rows = _read(raw, "raw_jira", "issues")
    assert columns == ["key", "status", "_dlt_load_id", "_dlt_id"]
    assert rows == [("DATA-1", "Done", "L9", "j1"), ("DATA-2", "In Progress", "L9", "j2")]
    # an empty table still has its columns, so Spark can register it
    assert _read(raw, "raw_jira", "sprints") == (["id", "name"], [])
    # dlt's state and working files under the Spark folder, not ~/.dlt
    assert (tmp_path / "spark" / "dlt_pipelines" / "spark_raw_github").is_dir()


def test_a_second_export_replaces_rows(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "ai_roi.duckdb")
    raw = tmp_path / "spark" / "raw"
    export_from_duckdb(db, raw)
    with duckdb.connect(str(db)) as con:
        con.execute("delete from raw_github.pulls__commits where _dlt_parent_id = 'p1'")
        con.execute("insert into raw_jira.issues values ('DATA-3', 'To Do', 'L10', 'j3')")
    export_from_duckdb(db, raw)
    assert [r[0] for r in _read(raw, "raw_github", "pulls__commits")[1]] == ["c3", "d4", "e5"]
    assert [r[0] for r in _read(raw, "raw_jira", "issues")[1]] == ["DATA-1", "DATA-2", "DATA-3"]
    assert len(_read(raw, "raw_github", "pulls")[1]) == 3  # unchanged, not doubled


def test_a_missing_warehouse_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no DuckDB warehouse at .*nowhere\.duckdb"):
        export_from_duckdb(tmp_path / "nowhere.duckdb", tmp_path / "raw")


class _RecordingSession:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def sql(self, statement: str) -> None:
        self.statements.append(statement)


def test_register_tables_reads_dlts_layout_and_skips_its_bookkeeping(tmp_path: Path) -> None:
    db = _warehouse(tmp_path / "ai_roi.duckdb")
    raw = tmp_path / "spark" / "raw"
    export_from_duckdb(db, raw)
    assert (raw / "raw_github" / "init").exists()  # dlt's marker file, not a table
    session = _RecordingSession()
    registered = register_tables(session, raw)
    assert registered == [
        "raw_github.pulls",
        "raw_github.pulls__commits",
        "raw_jira.issues",
        "raw_jira.sprints",
    ]
    creates = [s for s in session.statements if s.startswith("create table")]
    assert len(creates) == 4
    assert f"location '{raw / 'raw_github' / 'pulls'}'" in creates[0]
    assert not any("_dlt_" in s for s in session.statements)


def test_cli_export_raw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AI_ROI_DUCKDB_PATH", str(tmp_path / "missing.duckdb"))
    assert main(["export-raw", "--to", str(tmp_path / "raw")]) == 1
    assert "no DuckDB warehouse at" in capsys.readouterr().err
    db = _warehouse(tmp_path / "ai_roi.duckdb")
    monkeypatch.setenv("AI_ROI_DUCKDB_PATH", str(db))
    assert main(["export-raw", "--to", str(tmp_path / "raw")]) == 0
    assert f"4 raw tables written to {(tmp_path / 'raw').resolve()}" in capsys.readouterr().out
    assert _read(tmp_path / "raw", "raw_jira", "issues")[1][0] == ("DATA-1", "Done", "L9", "j1")
