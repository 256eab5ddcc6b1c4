"""The drop-folder source on small hand-written CSV and Parquet files."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import run_source
from ingestion.common.validation import validate_tables
from ingestion.sources import files
from ingestion.sources.files import helpers
from ingestion.sources.files.settings import TABLES
from tests.sources.files import samples
from tests.support.dlt_project import dlt_project


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return samples.write_folder(tmp_path / "drop")


def run(folder: Path, **kwargs: Any) -> Any:
    return run_source(files.NAME, files.source(path=str(folder), **kwargs), printer=lambda _m: None)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every raw_files table's rows (with their load ids), sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'raw_files' and table_name not like '\\_dlt%' escape '\\'"
            ).fetchall()
        ]
        return {
            n: sorted(
                con.execute(f'select * exclude (_dlt_id) from raw_files."{n}"').fetchall(), key=str
            )
            for n in names
        }


def test_happy_path_loads_every_file_typed(warehouse: Path, folder: Path) -> None:
    summary = run(folder)

    assert summary.row_counts == samples.ROW_COUNTS
    assert rows(
        warehouse,
        "select invoice_id, month, cost_type, amount, team, seats, usage_units, training_hours "
        "from raw_files.ai_costs order by invoice_id",
    ) == [
        ("INV-001", date(2026, 1, 1), "licence", Decimal("1900.0000"), None, 100, None, None),
        (
            "INV-002",
            date(2026, 1, 1),
            "usage",
            Decimal("312.4500"),
            "payments",
            None,
            1250000.0,
            None,
        ),
        ("INV-003", date(2026, 2, 1), "training", Decimal("800.0000"), "search", None, None, 16.5),
    ]
    assert rows(
        warehouse,
        "select login, team, valid_from, valid_to, is_bot from raw_files.roster order by 1, 3",
    ) == [
        ("alice", "payments", date(2025, 1, 1), None, False),
        ("bob", "search", date(2025, 1, 1), date(2026, 1, 31), False),
        ("bob", "payments", date(2026, 2, 1), None, False),
        ("dependabot[bot]", "payments", date(2025, 1, 1), None, True),
    ]
    assert rows(
        warehouse, "select * exclude (_dlt_load_id, _dlt_id) from raw_files.ai_rollout order by 1"
    ) == [
        ("payments", "copilot", "treatment", date(2026, 1, 15)),
        ("search", "copilot", "control", None),
    ]
    types = dict(
        rows(
            warehouse,
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_files'",
        )
    )
    assert types["ai_costs.amount"] == "DECIMAL(18,4)"
    assert types["ai_costs.month"] == "DATE"
    assert types["ai_costs.seats"] == "BIGINT"
    assert types["ai_costs.usage_units"] == "DOUBLE"
    assert types["roster.is_bot"] == "BOOLEAN"
    assert types["surveys.friction_score"] == "BIGINT"
    assert types["ops_transactions.operating_cost"] == "DECIMAL(18,4)"
    assert validate_tables(files.NAME, files.SUITES, printer=lambda _m: None).ok


def test_second_run_with_unchanged_files_keeps_tables(
    warehouse: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(folder)
    before = snapshot(warehouse)
    capsys.readouterr()
    summary = run(folder)

    assert summary.total_rows == 0
    assert snapshot(warehouse) == before  # same rows and same load ids: nothing rewritten
    assert (
        "[files] roster.csv unchanged since the last run: roster kept as is"
        in capsys.readouterr().out
    )

    # a forced refresh rewrites every table with identical content
    summary = run(folder, full_refresh=True)
    assert summary.row_counts == samples.ROW_COUNTS
    after = snapshot(warehouse)
    strip = {n: sorted((r[:-1] for r in v), key=str) for n, v in after.items()}  # drop _dlt_load_id
    assert strip == {n: sorted((r[:-1] for r in v), key=str) for n, v in before.items()}


def test_changed_file_replaces_only_its_table(warehouse: Path, folder: Path) -> None:
    run(folder)
    before = snapshot(warehouse)
    (folder / "roster.csv").write_text(
        samples.CSV["roster"].replace(
            "alice,Alice A,engineer,payments", "alice,Alice A,engineer,search"
        )
    )
    summary = run(folder)

    assert summary.row_counts == {"roster": 4}
    after = snapshot(warehouse)
    assert rows(warehouse, "select team from raw_files.roster where login = 'alice'") == [
        ("search",)
    ]
    assert {n: v for n, v in after.items() if n != "roster"} == {
        n: v for n, v in before.items() if n != "roster"
    }


BAD_CASES = [
    ("ai_costs", ("1900.00,USD", "19,00.00,USD"), "ai_costs.csv line 2", "<row>", "more cells"),
    ("ai_costs", ("1900.00", "lots"), "ai_costs.csv line 2", "amount", "must be decimal"),
    ("ai_costs", ("licence", "subscription"), "ai_costs.csv line 2", "cost_type", "must be one of"),
    ("ai_costs", ("INV-003,2026-02-01", "INV-003,2026-02-14"), "ai_costs.csv line 4", "month", "first day"),
    ("ai_rollout", ("control", "beta"), "ai_rollout.csv line 3", "cohort", "must be one of"),
    ("ai_rollout", ("treatment,2026-01-15", "treatment,"), "ai_rollout.csv line 2", "rollout_date", "required"),
    ("surveys", ("R2,2026-01-21,search,3", "R2,2026-01-21,search,6"), "surveys.csv line 3", "friction_score", "between 1 and 5"),
    ("roster", ("2025-01-01,,true", "2025-01-01,,maybe"), "roster.csv line 5", "is_bot", "must be bool"),
    ("roster", ("alice,Alice A,engineer,payments,2025-01-01", "alice,Alice A,engineer,payments,01/01/2025"), "roster.csv line 2", "valid_from", "must be date"),
    ("roster", ("login,display_name", "user,display_name"), "roster.csv line 1", "user", "is not a column"),
    ("ops_transactions", ("1200,12", "1200,12.5"), "ops_transactions.csv line 2", "failed_transactions", "must be bigint"),
    ("labor_rates", (",currency,valid_from", ",valid_from"), "labor_rates.csv line 1", "currency", "required column"),
    ("kpis", ("0.031", ""), "kpis.csv line 2", "value", "is required but missing"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "edit", "where", "column", "rule"), BAD_CASES)
def test_bad_value_is_named_by_file_line_column_rule(
    tmp_path: Path, table: str, edit: tuple[str, str], where: str, column: str, rule: str
) -> None:
    text = samples.CSV[table]
    assert edit[0] in text
    path = tmp_path / f"{table}.csv"
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(MalformedRecordError) as caught:
        list(helpers.read_table(TABLES[table], path))
    message = str(caught.value)
    assert message.startswith(
        f"[files] malformed record in table '{table}' (key '{where}'): field '{column}'"
    )
    assert rule in message


@pytest.mark.parametrize(("table", "edit", "where", "column", "rule"), [BAD_CASES[2], BAD_CASES[7]])
def test_bad_file_fails_the_run_and_loads_nothing(
    warehouse: Path,
    folder: Path,
    table: str,
    edit: tuple[str, str],
    where: str,
    column: str,
    rule: str,
) -> None:
    run(folder)
    before = snapshot(warehouse)
    # a valid change to another file in the same run must not be loaded either
    other = "service_ownership"
    (folder / f"{other}.csv").write_text(samples.CSV[other] + "acme/new-repo,repository,search\n")
    text = samples.CSV[table]
    assert edit[0] in text
    (folder / f"{table}.csv").write_text(text.replace(edit[0], edit[1], 1))

    with pytest.raises(MalformedRecordError) as caught:
        run(folder)
    message = str(caught.value)
    assert message.startswith(
        f"[files] malformed record in table '{table}' (key '{where}'): field '{column}'"
    )
    assert rule in message
    assert snapshot(warehouse) == before

    # once the file is fixed, the next run loads both changed files
    (folder / f"{table}.csv").write_text(text)
    summary = run(folder)
    assert summary.row_counts == {other: samples.ROW_COUNTS[other] + 1}


def test_missing_files(warehouse: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "kpis.csv").unlink()
    (folder / "notes.txt").write_text("hello")
    summary = run(folder)
    assert "kpis" not in summary.row_counts
    assert summary.row_counts["roster"] == 4
    out = capsys.readouterr().out
    assert "no kpis.csv or kpis.parquet" in out
    assert "ignoring notes.txt" in out

    (folder / "roster.csv").unlink()
    with pytest.raises(
        SourceError, match=r"\[files\] required file\(s\) missing from .*: roster.csv"
    ):
        run(folder)


def test_parquet_files(warehouse: Path, folder: Path) -> None:
    (folder / "ops_transactions.csv").unlink()
    table = pa.table(
        {
            "transaction_date": pa.array([date(2026, 1, 5), date(2026, 1, 6)]),
            "team": ["payments", "payments"],
            "process": ["refunds", "refunds"],
            "transactions": pa.array([1200, 900], pa.int64()),
            "failed_transactions": pa.array([12, 9], pa.int32()),
            "operating_cost": pa.array(
                [Decimal("5400.00"), Decimal("4100.10")], pa.decimal128(10, 2)
            ),
        }
    )
    pq.write_table(table, folder / "ops_transactions.parquet")
    assert run(folder).row_counts["ops_transactions"] == 2
    assert rows(
        warehouse,
        "select sum(operating_cost), sum(failed_transactions) from raw_files.ops_transactions",
    ) == [(Decimal("9500.1000"), 21)]

    bad = table.set_column(4, "failed_transactions", pa.array(["12", "nine"]))
    pq.write_table(bad, folder / "ops_transactions.parquet")
    with pytest.raises(
        MalformedRecordError,
        match=r"key 'ops_transactions.parquet row index 1'\): field 'failed_transactions' must be bigint",
    ):
        run(folder)

    (folder / "ops_transactions.csv").write_text(samples.CSV["ops_transactions"])
    with pytest.raises(
        SourceError, match=r"both ops_transactions\.csv and ops_transactions\.parquet"
    ):
        run(folder)


@pytest.mark.parametrize("content", ["header only", "empty"])
def test_a_file_with_no_rows_may_not_empty_a_table_unless_allowed(
    warehouse: Path, folder: Path, content: str
) -> None:
    run(folder)
    before = snapshot(warehouse)
    header = samples.CSV["surveys"].splitlines()[0] + "\n"
    (folder / "surveys.csv").write_text(header if content == "header only" else "")
    with pytest.raises(SourceError) as caught:
        run(folder)
    assert str(caught.value) == (
        "[files] surveys.csv has no rows: it would replace the 2 rows of table surveys with "
        "none. Refused: fix the file, or empty the table on purpose with `ai-roi run files "
        "--allow-empty` (source argument allow_empty_replace=True)"
    )
    assert snapshot(warehouse) == before  # the table keeps its rows, nothing else changed

    summary = run(folder, allow_empty_replace=True)
    assert rows(warehouse, "select count(*) from raw_files.surveys") == [(0,)]
    assert rows(warehouse, "select count(*) from raw_files.roster") == [(4,)]
    assert summary.changes["surveys"].describe() == "surveys: replaced (2 -> 0 rows)"
    assert "nothing new" not in "\n".join(summary.report())


def test_a_file_with_no_rows_may_create_an_empty_table(warehouse: Path, folder: Path) -> None:
    (folder / "kpis.csv").write_text(samples.CSV["kpis"].splitlines()[0] + "\n")
    run(folder)  # no table yet: nothing to lose
    assert rows(warehouse, "select count(*) from raw_files.kpis") == [(0,)]


def test_summary_says_replaced_before_and_after(warehouse: Path, folder: Path) -> None:
    run(folder)
    lines = samples.CSV["ai_costs"].splitlines()
    (folder / "ai_costs.csv").write_text("\n".join(lines[:3]) + "\n")  # 3 rows -> 2
    summary = run(folder)

    assert summary.changes["ai_costs"].describe() == "ai_costs: replaced (3 -> 2 rows)"
    assert set(summary.changes) == {"ai_costs"}  # the unchanged files' tables are kept as is
    assert summary.report()[1:] == ["    ai_costs: replaced (3 -> 2 rows)"]
    change = summary.changes["ai_costs"]
    assert (change.inserted, change.updated, change.deleted) == (2, 0, 3)

    # the same 2-row file forced again: still a replace, never "nothing new"
    summary = run(folder, full_refresh=True)
    assert summary.changes["ai_costs"].describe() == "ai_costs: replaced (2 -> 2 rows)"
    assert "nothing new" not in "\n".join(summary.report())

    # unchanged files: no table is touched, and the summary says so
    assert run(folder).report()[0].endswith("(nothing new: no table changed)")


# -- the drop-folder boundary ---------------------------------------------------------------
SECRET = "TOPSECRET-hunter2"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the drop folder whose first line is a secret."""
    path = tmp_path / "elsewhere" / "secrets.csv"
    path.parent.mkdir()
    path.write_text(f"{SECRET},x\n{SECRET}-row,y\n")
    return path


def test_a_symlink_out_of_the_folder_is_refused_unread(
    warehouse: Path, folder: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "roster.csv").unlink()
    (folder / "roster.csv").symlink_to(outside)
    with pytest.raises(SourceError) as caught:
        run(folder)
    message = str(caught.value)
    assert message == (
        f"[files] roster.csv is refused: it resolves outside the drop folder {folder} (a "
        "symlink or '..' pointing elsewhere); only files inside the folder are read"
    )
    captured = capsys.readouterr()
    assert SECRET not in message + captured.out + captured.err
    assert (
        not warehouse.exists()
        or not rows(
            warehouse,
            "select count(*) from information_schema.tables where table_schema = 'raw_files'",
        )[0][0]
    )


def test_a_relative_symlink_with_dotdot_is_refused(folder: Path, outside: Path) -> None:
    (folder / "kpis.csv").unlink()
    (folder / "kpis.csv").symlink_to(Path("..") / outside.parent.name / outside.name)
    with pytest.raises(SourceError, match=r"kpis\.csv is refused: it resolves outside") as caught:
        files.source(path=str(folder))
    assert SECRET not in str(caught.value)


def test_a_symlink_inside_the_folder_is_read(warehouse: Path, folder: Path) -> None:
    (folder / "exports").mkdir()
    (folder / "roster.csv").rename(folder / "exports" / "roster-2026.csv")
    (folder / "roster.csv").symlink_to(Path("exports") / "roster-2026.csv")
    assert run(folder).row_counts["roster"] == 4


def test_validation_failure_names_table_column_rule(warehouse: Path, folder: Path) -> None:
    run(folder)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_files.ops_transactions values "
            "('2026-01-06', 'payments', 'refunds', 10, 11, -1, 'x', 'y')"
        )
        con.execute(
            "insert into raw_files.roster (login, team, valid_from, valid_to, is_bot, _dlt_load_id, _dlt_id) "
            "values ('alice', 'search', '2025-01-01', '2024-01-01', false, 'x', 'z')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(
            files.NAME, files.SUITES, tables=["ops_transactions", "roster"], printer=lambda _m: None
        )
    message = str(caught.value)
    assert (
        "raw_files.ops_transactions.transactions,failed_transactions: transactions must be >= failed_transactions"
        in message
    )
    assert "raw_files.ops_transactions.operating_cost: must be between 0 and None" in message
    assert (
        "raw_files.roster.login,valid_from: (login, valid_from) must be unique together" in message
    )
    assert "raw_files.roster.valid_to,valid_from: valid_to must be >= valid_from" in message


def test_folder_from_config_toml_not_from_path_env(
    warehouse: Path, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `[sources.files] path` as the README documents, with PATH set as in any shell: dlt
    # must not resolve the folder from the bare `path` key (the PATH environment variable)
    assert os.environ.get("PATH")
    monkeypatch.delenv("SOURCES__FILES__PATH", raising=False)
    config = f'[sources.files]\npath = "{folder.as_posix()}"\nfull_refresh = true\n'
    with dlt_project(tmp_path / "project", monkeypatch, config=config):
        summary = run_source(files.NAME, files.source(), printer=lambda _m: None)
        assert summary.row_counts == samples.ROW_COUNTS
        # full_refresh is still injected by dlt from the same section: every file reloads
        summary = run_source(files.NAME, files.source(), printer=lambda _m: None)
        assert summary.row_counts == samples.ROW_COUNTS


def test_folder_from_env_var_and_argument_wins(
    warehouse: Path, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__FILES__PATH", str(folder))
    config = f'[sources.files]\npath = "{(tmp_path / "elsewhere").as_posix()}"\n'
    with dlt_project(tmp_path / "project", monkeypatch, config=config):
        # the environment comes before config.toml, as everywhere in dlt
        assert run_source(files.NAME, files.source(), printer=lambda _m: None).total_rows
        # an argument beats both
        with pytest.raises(SourceError, match="nowhere does not exist"):
            files.source(path=str(tmp_path / "nowhere"))
