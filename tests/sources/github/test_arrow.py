"""The flat github tables go to dlt as arrow tables: the same raw tables as dict rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.sources.github import NAME, settings, source
from tests.sources.github import payloads as p
from tests.sources.github.scenario import BASE, TOKEN, query, script
from tests.sources.github.test_graphql import raw_differences
from tests.support.fake_api import FakeApi

ARROW_TABLES = [
    "repositories",
    "pull_request_commits",
    "pull_request_reviews",
    "pull_request_files",
    "pull_request_review_comments",
    "deployments",
    "deployment_statuses",
]


def _load(
    options: dict[str, Any], root: Path, *, arrow: bool, mp: pytest.MonkeyPatch
) -> LoadSummary:
    mp.setattr(settings, "ARROW_TABLES", arrow)
    return run_source(
        NAME,
        source(**options),
        db_path=root / "warehouse.duckdb",
        state_dir=root / "pipelines",
        printer=lambda _line: None,
    )


def columns(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Per raw table: its columns in order with DuckDB type and nullability, `_dlt_*` too."""
    rows = query(
        db,
        "select table_name, column_name, data_type, is_nullable from "
        "information_schema.columns where table_schema = 'raw_github' "
        "order by table_name, ordinal_position",
    )
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, *column in rows:
        out.setdefault(table, []).append(tuple(column))
    return out


def dlt_columns(db: Path, table: str) -> tuple[int, int, int, set[str]]:
    """(rows, rows without `_dlt_id`, distinct `_dlt_id`, distinct `_dlt_load_id`)."""
    [(rows, no_id, ids)] = query(
        db,
        f"select count(*), count(*) - count(_dlt_id), count(distinct _dlt_id) "
        f"from raw_github.{table}",
    )
    load_ids = {r[0] for r in query(db, f"select distinct _dlt_load_id from raw_github.{table}")}
    return rows, no_id, ids, load_ids


def assert_identical(dict_db: Path, arrow_db: Path) -> dict[str, tuple[int, int, int]]:
    assert columns(arrow_db) == columns(dict_db)
    differences = raw_differences(dict_db, arrow_db)
    assert {t: d for t, d in differences.items() if d[1] or d[2]} == {}
    return differences


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ingestion.demo.generator import generate
    from ingestion.demo.server import serve

    root = tmp_path_factory.mktemp("arrow_demo")
    generate(root, seed=5, teams=2, team_size=(5, 6), months=4)
    with serve(root) as handle:
        yield handle


def test_the_flat_tables_are_yielded_as_arrow_tables_with_the_spec_schema() -> None:
    spec = settings.PULL_REQUEST_FILES
    table = spec.to_arrow(
        [
            {
                "repository_full_name": "a/b",
                "pull_number": 1,
                "filename": "x",
                "status": None,
                "additions": None,
                "deletions": None,
                "changes": None,
            }
        ]
    )
    assert table.schema.field("additions").type == pa.int64()  # null in this batch, still typed
    assert table.schema.field("filename").nullable is False
    with pytest.raises(ValueError, match="child tables"):
        settings.PULL_REQUESTS.arrow_schema()


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_arrow_and_dict_rows_load_identical_raw_tables_on_demo_data(
    demo_api: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: str
) -> None:
    options = {
        "org": "acme",
        "base_url": demo_api.github_url,
        "token": "demo-token",
        "pulls_api": api,
        "deployments_api": api,
    }
    dict_summary = _load(options, tmp_path / "d", arrow=False, mp=monkeypatch)
    arrow_summary = _load(options, tmp_path / "a", arrow=True, mp=monkeypatch)

    assert arrow_summary.row_counts == dict_summary.row_counts
    differences = assert_identical(
        tmp_path / "d" / "warehouse.duckdb", tmp_path / "a" / "warehouse.duckdb"
    )
    for table in ARROW_TABLES:
        assert differences[table][0] > 0, table
    for table in [t for t in differences if "__" not in t]:  # child tables: no load id
        rows, no_id, ids, load_ids = dlt_columns(tmp_path / "a" / "warehouse.duckdb", table)
        assert (no_id, ids, load_ids) == (0, rows, {arrow_summary.load_id}), table


def _two_runs(
    root: Path, *, arrow: tuple[bool, bool], mp: pytest.MonkeyPatch
) -> tuple[LoadSummary, LoadSummary]:
    options = {"org": "acme", "token": TOKEN}
    with FakeApi() as api:
        script(api)
        first = _load({**options, "base_url": api.url}, root, arrow=arrow[0], mp=mp)
    with FakeApi() as api:
        updated = p.pull(11, 1011, "2026-02-13T08:00:00Z", title="Fix bug (reworked)")
        script(api, pulls_1=[updated, p.pull(12, 1012, "2026-02-12T12:00:00Z")])
        api.routes[(f"{BASE}/pulls/11/files", None)] = []
        api.add(f"{BASE}/pulls/11/files", [p.pr_file("src/c_renamed.py", 4, 0, "renamed")])
        api.routes[(f"{BASE}/pulls/11/commits", None)] = []
        api.add(f"{BASE}/pulls/11/commits", [p.pr_commit("9" * 40, "Rework")])
        second = _load({**options, "base_url": api.url}, root, arrow=arrow[1], mp=mp)
    return first, second


@pytest.mark.parametrize("arrow", [(True, True), (False, True)], ids=["arrow", "dict-then-arrow"])
def test_a_second_run_replaces_a_changed_prs_lists_as_dict_rows_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arrow: tuple[bool, bool]
) -> None:
    _two_runs(tmp_path / "d", arrow=(False, False), mp=monkeypatch)
    # arrow from the start, and a warehouse loaded from dict rows before
    first, second = _two_runs(tmp_path / "a", arrow=arrow, mp=monkeypatch)
    db = tmp_path / "a" / "warehouse.duckdb"

    assert_identical(tmp_path / "d" / "warehouse.duckdb", db)
    for table, column, value in [
        ("pull_request_files", "filename", "src/c_renamed.py"),
        ("pull_request_commits", "sha", "9" * 40),
    ]:
        # the merge key (repository, PR number) replaced PR 11's list, in this load
        assert query(
            db, f"select {column}, _dlt_load_id from raw_github.{table} where pull_number = 11"
        ) == [(value, second.load_id)]
    # the other PRs' rows stay from the first load
    assert query(
        db, "select distinct _dlt_load_id from raw_github.pull_request_files where pull_number = 10"
    ) == [(first.load_id,)]
    for table in ARROW_TABLES:
        rows, no_id, ids, _ = dlt_columns(db, table)
        assert (no_id, ids) == (0, rows), table
