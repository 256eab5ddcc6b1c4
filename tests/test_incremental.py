"""An incremental build after new and changed raw rows gives exactly the tables a full
refresh gives (event models are incremental with a lookback for late data)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.orchestrate import dbt

pytestmark = pytest.mark.slow

CHANGES = [
    # a PR changed after the last build: retitled as a revert, bumped updated_at, newer load
    """update raw_github.pull_requests
       set title = 'Revert "' || title || '"', updated_at = timestamp '2026-11-02 08:00:00+00',
           _dlt_load_id = '9999999999.1'
       where id = (select min(id) from raw_github.pull_requests where merged_at is not null)""",
    # brand-new PRs of the next day
    """insert into raw_github.pull_requests by name
       select * replace (id + 5000000000 as id, number + 80000 as number,
                         timestamp '2026-11-01 09:00:00+00' as created_at,
                         timestamp '2026-11-01 15:00:00+00' as merged_at,
                         timestamp '2026-11-01 15:00:00+00' as updated_at,
                         '9999999999.1' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
       from raw_github.pull_requests where merged_at is not null order by id limit 25""",
]
COMPARED = [
    "intermediate.int_pull_requests_enriched",
    "marts.fct_delivery_team_weekly",
    "marts.fct_delivery_team_monthly",
]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: sorted(con.execute(f"select * from {table}").fetchall(), key=repr)
            for table in COMPARED
        }
    finally:
        con.close()


def test_incremental_build_equals_full_refresh(demo_run: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "incremental.duckdb"
    shutil.copy(demo_run["db"], db)
    con = duckdb.connect(str(db))
    for sql in CHANGES:
        con.execute(sql)
    con.close()
    selection = [
        "--select",
        "+fct_delivery_team_weekly +fct_delivery_team_monthly",
        "--exclude",
        "test_type:unit",
    ]
    dbt(["build", *selection], db_path=db, quiet=True)
    incremental = snapshot(db)
    dbt(["build", "--full-refresh", *selection], db_path=db, quiet=True)
    full = snapshot(db)
    for table in COMPARED:
        assert incremental[table] == full[table], table
    # and the changes did arrive
    con = duckdb.connect(str(db), read_only=True)
    try:
        new_prs = con.execute(
            "select count(*) from intermediate.int_pull_requests_enriched where pull_number > 80000"
        ).fetchone()
        reverts = con.execute(
            "select count(*) from intermediate.int_pull_requests_enriched where is_revert"
        ).fetchone()
    finally:
        con.close()
    assert new_prs == (25,)
    assert reverts[0] >= 1
