"""The one privacy rule, governed over the dbt manifest (README: Design decisions, "One
privacy rule").

A published mart (schema `marts`) that reads person-level rows (a model with a person
column: person_id, author_id, assignee_id, or one survey response per row) must:
- tag every column whose name says it is built from people's activity (the vocabulary
  below) with `meta: {person_derived: true, people_count_column: <column>}`, or record
  `person_derived: false` with a `privacy_note` saying why it is not;
- name, in each tag, a people count column the model publishes;
- carry the model-level test person_derived_columns_suppressed (macros/tests/) when it
  has tagged columns, which checks the rows against the rule.
The restricted schema is not published and is not checked. The last two tests prove the
checks can fail: a manifest with an untagged column, and a throwaway dbt project whose
mart publishes a one-person cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from tests.dbt_macros.throwaway import dbt_build, make_project

PERSON_COLUMNS = {"person_id", "author_id", "assignee_id", "response_id"}
# Column names that say "built from what people did": usage, seats, tasks and effort,
# PR flow, survey answers, hours saved and the money computed from them.
PERSON_DERIVED_NAME = re.compile(
    r"users|seat|tasks|effort|hours_saved|trust|friction|satisfaction|suggestions|acceptance"
    r"|lines_accepted|lines_suggested|merged_pull_requests|pr_|cycle_time|coding_|pickup_"
    r"|review_|override|adoption_stage|net_productivity_gain|(^|_)roi($|_)|payback|leakage"
    r"|reinvestment|throughput|sessions|tokens|usage_cost"
)
# labels (hours_saved_method, override_rate_source) name a rule, not a measure
LABEL_NAME = re.compile(r"_(method|source)$")
TEST_NAME = "person_derived_columns_suppressed"


def _meta(column: dict[str, Any]) -> dict[str, Any]:
    return {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}


def privacy_findings(manifest: dict[str, Any]) -> list[str]:
    """One line per broken rule; empty when the published marts are governed."""
    nodes = manifest["nodes"]
    models = {key: node for key, node in nodes.items() if node["resource_type"] == "model"}
    person_level = {key for key, node in models.items() if PERSON_COLUMNS & set(node["columns"])}

    def reads_people(key: str, seen: set[str]) -> bool:
        for parent in models.get(key, {}).get("depends_on", {}).get("nodes", []):
            if parent in person_level:
                return True
            if parent in models and parent not in seen:
                seen.add(parent)
                if reads_people(parent, seen):
                    return True
        return False

    tested = {
        node["attached_node"]
        for node in nodes.values()
        if node["resource_type"] == "test"
        and node.get("test_metadata", {}).get("name") == TEST_NAME
    }
    findings = []
    for key, node in sorted(models.items()):
        if node["schema"] != "marts" or not reads_people(key, set()):
            continue
        tagged = False
        for name, column in node["columns"].items():
            meta = _meta(column)
            people_counts = {
                _meta(other).get("people_count_column") for other in node["columns"].values()
            }
            if meta.get("person_derived") is True:
                tagged = True
                count_column = meta.get("people_count_column")
                if count_column not in node["columns"]:
                    findings.append(
                        f"{node['name']}.{name}: people_count_column {count_column!r} is not a column of the model"
                    )
            elif meta.get("person_derived") is False:
                if not meta.get("privacy_note"):
                    findings.append(
                        f"{node['name']}.{name}: person_derived false without a privacy_note"
                    )
            elif (
                PERSON_DERIVED_NAME.search(name)
                and not LABEL_NAME.search(name)
                and name not in people_counts
            ):
                findings.append(
                    f"{node['name']}.{name}: person-derived by its name but not tagged "
                    "(meta person_derived: true with people_count_column, or false with privacy_note)"
                )
        if tagged and key not in tested:
            findings.append(
                f"{node['name']}: tagged person-derived columns but no {TEST_NAME} test"
            )
    return findings


def test_every_published_person_derived_column_is_governed(
    project_manifest: dict[str, Any],
) -> None:
    assert privacy_findings(project_manifest) == []


def test_the_governance_check_fails_on_an_untagged_person_derived_column(
    project_manifest: dict[str, Any],
) -> None:
    manifest = {"nodes": dict(project_manifest["nodes"])}
    key = "model.ai_roi.fct_task_effort_team_monthly"
    node = dict(manifest["nodes"][key])
    node["columns"] = {
        **node["columns"],
        "effort_p90_hours": {"name": "effort_p90_hours", "meta": {}},
    }
    untested = {
        k: v
        for k, v in manifest["nodes"].items()
        if not (v["resource_type"] == "test" and v.get("attached_node") == key)
    }
    manifest["nodes"] = {**untested, key: node}
    assert privacy_findings(manifest) == [
        "fct_task_effort_team_monthly.effort_p90_hours: person-derived by its name but not tagged "
        "(meta person_derived: true with people_count_column, or false with privacy_note)",
        f"fct_task_effort_team_monthly: tagged person-derived columns but no {TEST_NAME} test",
    ]


MART_YML = """
version: 2
models:
  - name: task_effort
    data_tests:
      - person_derived_columns_suppressed:
          config:
            store_failures: true
    columns:
      - name: team_name
      - name: assignees
      - name: tasks_done
        config: {meta: {person_derived: true, people_count_column: assignees}}
      - name: effort_median_hours
        config: {meta: {person_derived: true, people_count_column: assignees}}
"""
# a: 5 assignees (published); b: 1 assignee, published by hand-written SQL without the
# rule (the leak); c: 2 assignees, suppressed through the macro (null: no failure)
LEAKY_MART = """
select 'a' as team_name, 5 as assignees, 12 as tasks_done, 6.0 as effort_median_hours
union all select 'b', 1, 3, 9.5
union all select 'c', 2, {{ suppress_small_cell('4', '2') }}, {{ suppress_small_cell('7.0', '2') }}
"""


def _privacy_project(tmp_path: Path, mart_sql: str) -> Path:
    return make_project(
        tmp_path,
        {"models/task_effort.sql": mart_sql, "models/task_effort.yml": MART_YML},
        macros=(
            "macros/privacy/suppress_small_cell.sql",
            "macros/tests/person_derived_columns_suppressed.sql",
        ),
        project_yml="vars:\n  min_group_size: 5\n",
    )


def test_the_generic_test_fails_when_a_cell_is_published_without_the_rule(tmp_path: Path) -> None:
    root = _privacy_project(tmp_path, LEAKY_MART)
    result = dbt_build(root)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "Got 2 results" in result.stdout
    con = duckdb.connect(str(tmp_path / "throwaway.duckdb"), read_only=True)
    table = con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_name like '{TEST_NAME}%'"
    ).fetchone()
    rows = con.execute(
        f'select column_name, people_count_column, people_count, published_value, rule_broken from "{table[0]}"."{table[1]}" '
        "order by column_name"
    ).fetchall()
    con.close()
    assert rows == [
        ("effort_median_hours", "assignees", 1, "9.5", "null when assignees < 5"),
        ("tasks_done", "assignees", 1, "3", "null when assignees < 5"),
    ]


def test_the_generic_test_passes_when_every_cell_goes_through_the_rule(tmp_path: Path) -> None:
    root = _privacy_project(
        tmp_path,
        "select team_name, assignees, {{ suppress_small_cell('tasks_done', 'assignees') }} as tasks_done, "
        "{{ suppress_small_cell('effort_median_hours', 'assignees') }} as effort_median_hours "
        "from (" + LEAKY_MART + ") as cells",
    )
    result = dbt_build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS=2" in result.stdout
