"""Mart columns that must never be null carry a contract `not_null` constraint instead of a
`not_null` test (one node fewer per column): the warehouse refuses the table. This checks
that dbt-duckdb enforces it, so the constraint really is the guard."""

from __future__ import annotations

from tests.dbt_macros.throwaway import dbt_build, make_project

MODEL_YML = """
version: 2
models:
  - name: fct_example
    config:
      materialized: table
      contract:
        enforced: true
    columns:
      - name: team_name
        data_type: varchar
        constraints: [{type: not_null}]
      - name: deployments
        data_type: bigint
"""


def test_a_null_in_a_not_null_contract_column_fails_the_build(tmp_path) -> None:
    root = make_project(
        tmp_path,
        {
            "models/fct_example.sql": "select 'payments' as team_name, 3::bigint as deployments "
            "union all select null, 1",
            "models/fct_example.yml": MODEL_YML,
        },
    )
    result = dbt_build(root)
    assert result.returncode == 1
    assert "NOT NULL constraint failed: fct_example__dbt_tmp.team_name" in result.stdout


def test_non_null_rows_build(tmp_path) -> None:
    root = make_project(
        tmp_path,
        {
            "models/fct_example.sql": "select 'payments' as team_name, null::bigint as deployments",
            "models/fct_example.yml": MODEL_YML,
        },
    )
    result = dbt_build(root)
    assert result.returncode == 0, result.stdout[-2000:]
