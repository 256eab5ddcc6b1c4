"""Every model, source table and column of the warehouse is documented (issue 6): each
column that exists in a built relation of the demo warehouse has a non-empty description
in the dbt manifest, and so does every model and source table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.orchestrate import dbt

pytestmark = pytest.mark.slow

PACKAGE = "ai_roi"


@pytest.fixture(scope="module")
def manifest(demo_run: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The manifest of a fresh `dbt parse` into a private target path."""
    tmp = tmp_path_factory.mktemp("doc_target")
    dbt(
        ["parse", "--target-path", str(tmp), "--log-path", str(tmp / "logs")],
        db_path=demo_run["db"],
        quiet=True,
        printer=lambda _line: None,
    )
    return json.loads((tmp / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built_columns(demo_run: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(schema, table) -> column names, lower case, of every relation in the demo warehouse."""
    con = duckdb.connect(str(Path(demo_run["db"])), read_only=True)
    try:
        rows = con.execute(
            "select lower(table_schema), lower(table_name), lower(column_name) "
            "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        columns.setdefault((schema, table), []).append(column)
    return columns


def _undocumented(node: dict[str, Any], existing: list[str]) -> list[str]:
    documented = {
        name.lower()
        for name, column in node.get("columns", {}).items()
        if (column.get("description") or "").strip()
    }
    return [column for column in existing if column not in documented]


def test_every_model_and_its_built_columns_are_described(
    manifest: dict[str, Any], built_columns: dict[tuple[str, str], list[str]]
) -> None:
    missing: list[str] = []
    checked_models = 0
    checked_columns = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != PACKAGE:
            continue
        if node["config"].get("materialized") == "ephemeral":
            continue
        checked_models += 1
        name = node["name"]
        if not (node.get("description") or "").strip():
            missing.append(f"{name}: (model description)")
        relation = ((node["schema"] or "").lower(), (node.get("alias") or name).lower())
        existing = built_columns.get(relation, [])
        checked_columns += len(existing)
        missing.extend(f"{name}.{column}" for column in _undocumented(node, existing))
    assert checked_models > 0 and checked_columns > 0, "no built models found in the demo warehouse"
    assert not missing, f"{len(missing)} undocumented model(s)/column(s):\n" + "\n".join(
        sorted(missing)
    )


def test_every_source_table_and_its_raw_columns_are_described(
    manifest: dict[str, Any], built_columns: dict[tuple[str, str], list[str]]
) -> None:
    missing: list[str] = []
    checked_columns = 0
    for node in manifest["sources"].values():
        if node["package_name"] != PACKAGE:
            continue
        name = f"{node['source_name']}.{node['name']}"
        if not (node.get("description") or "").strip():
            missing.append(f"{name}: (table description)")
        if not (node.get("source_description") or "").strip():
            missing.append(f"{name}: (source description)")
        relation = (
            (node["schema"] or "").lower(),
            (node.get("identifier") or node["name"]).lower(),
        )
        existing = built_columns.get(relation, [])
        checked_columns += len(existing)
        missing.extend(f"{name}.{column}" for column in _undocumented(node, existing))
    assert checked_columns > 0, "no raw tables found in the demo warehouse"
    assert not missing, f"{len(missing)} undocumented source table(s)/column(s):\n" + "\n".join(
        sorted(missing)
    )
