"""`make export` (ingestion/export.py): the BI file holds exactly the published marts.

- a small warehouse with raw, staging, restricted and marts schemas, and a stale table
  in marts: the BI file and the Parquet files hold the two published marts, all rows;
- the project's own manifest: the PR-grain fct_change_lineage (restricted schema) is not
  published, its aggregate fct_change_lineage_team_weekly is, and no staging or
  intermediate model is;
- the demo warehouse (slow): the BI file's tables are exactly the manifest's marts.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingestion.export import BI_FILE_NAME, export_marts, main, published_marts


def _manifest(models: dict[str, str]) -> dict:
    """A dbt manifest with one table model per name -> schema."""
    return {
        "nodes": {
            f"model.ai_roi.{name}": {
                "resource_type": "model",
                "name": name,
                "alias": name,
                "schema": schema,
                "config": {"materialized": "table", "enabled": True},
            }
            for name, schema in models.items()
        }
        | {"test.ai_roi.t": {"resource_type": "test", "name": "t", "schema": "marts", "config": {}}}
    }


def _bi_tables(path: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
    finally:
        con.close()


def test_bi_file_holds_exactly_the_published_marts(tmp_path: Path, capsys) -> None:
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    for schema in ("raw_github", "staging", "restricted", "marts"):
        con.execute(f"create schema {schema}")
    con.execute("create table raw_github.pull_requests as select 'octocat' as login")
    con.execute("create view staging.stg_github__pull_requests as select 1 as id")
    con.execute(
        "create table restricted.fct_change_lineage as select 1 as pull_request_id, 'a1' as author_id"
    )
    con.execute(
        "create table marts.dim_teams as select * from (values ('payments'), ('search')) as t(team_name)"
    )
    con.execute(
        "create table marts.fct_delivery_team_weekly as select 'payments' as team_name, 3 as merged"
    )
    # left by an older build, before the lineage moved to the restricted schema
    con.execute("create table marts.fct_change_lineage as select 1 as pull_request_id")
    con.close()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            _manifest(
                {
                    "dim_teams": "marts",
                    "fct_delivery_team_weekly": "marts",
                    "fct_change_lineage": "restricted",
                    "stg_github__pull_requests": "staging",
                }
            )
        )
    )
    out = tmp_path / "exports"

    assert main(["--db", str(db), "--out", str(out), "--manifest", str(manifest)]) == 0

    assert _bi_tables(out / BI_FILE_NAME) == [
        ("marts", "dim_teams"),
        ("marts", "fct_delivery_team_weekly"),
    ]
    assert sorted(path.name for path in out.iterdir()) == [
        BI_FILE_NAME,
        "dim_teams.parquet",
        "fct_delivery_team_weekly.parquet",
    ]
    assert duckdb.sql(
        f"select count(*) from read_parquet('{out / 'dim_teams.parquet'}')"
    ).fetchone() == (2,)
    con = duckdb.connect(str(out / BI_FILE_NAME), read_only=True)
    assert con.execute("select * from marts.fct_delivery_team_weekly").fetchall() == [
        ("payments", 3)
    ]
    con.close()
    printed = capsys.readouterr().out
    assert "2 published marts exported" in printed
    assert (
        "left out (in the warehouse's marts schema, not a published mart): fct_change_lineage"
        in printed
    )


def test_a_published_mart_missing_from_the_warehouse_stops_the_export(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).execute("create schema marts").close()
    with pytest.raises(SystemExit, match="published marts not built: dim_teams"):
        export_marts(db, tmp_path / "exports", ["dim_teams"])
    assert not (tmp_path / "exports" / BI_FILE_NAME).exists()


def test_the_project_publishes_the_lineage_aggregate_not_the_pr_grain(
    project_manifest: dict,
) -> None:
    marts = published_marts(project_manifest)
    assert "fct_change_lineage" not in marts
    assert "fct_change_lineage_team_weekly" in marts
    assert "rpt_ai_roi_scorecard" in marts
    assert not [name for name in marts if name.startswith(("stg_", "int_"))]
    lineage = project_manifest["nodes"]["model.ai_roi.fct_change_lineage"]
    assert lineage["schema"] == "restricted"


@pytest.mark.slow
def test_demo_bi_file_is_the_published_marts(
    demo_run: dict[str, object], project_manifest: dict, tmp_path: Path
) -> None:
    marts = published_marts(project_manifest)
    bi_file, written, _ = export_marts(demo_run["db"], tmp_path / "exports", marts)
    assert _bi_tables(bi_file) == [("marts", name) for name in marts]
    assert sorted(path.stem for path in written) == marts
    con = duckdb.connect(str(demo_run["db"]), read_only=True)
    try:
        for path in written:
            exported = duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]
            original = con.execute(f'select count(*) from marts."{path.stem}"').fetchone()[0]
            assert exported == original, path.stem
    finally:
        con.close()
