"""The generic AI usage file source against hand-written files in a temp folder."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.common.validation import validate_tables
from ingestion.sources.ai_usage_files import NAME, SUITES, source
from tests.support.dlt_project import dlt_project

TABLE = "raw_ai_usage_files.ai_usage_daily"
HEADER = (
    "usage_date,tool,user_login,team,suggestions_shown,suggestions_accepted,lines_suggested,"
    "lines_accepted,chat_sessions,agent_sessions,tokens,cost_usd\n"
)
CURSOR_CSV = HEADER + (
    "2026-01-05,cursor,octocat,,120,45,300,110,3,1,52000,1.25\n"
    "2026-01-05,cursor,hubot,,80,20,150,40,1,0,21000,0.50\n"
    "2026-01-06,cursor,octocat,,100,50,240,90,2,2,61000,1.40\n"
)
CLAUDE_JSONL = (
    '{"usage_date": "2026-01-05", "tool": "claude_code", "team": "platform", '
    '"agent_sessions": 14, "tokens": 900000, "cost_usd": 12.3456}\n'
    "\n"
    '{"usage_date": "2026-01-06", "tool": "claude_code", "user_login": "octocat", "team": "platform", '
    '"agent_sessions": 3, "tokens": 150000, "cost_usd": 2.10}\n'
)


@pytest.fixture
def usage_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "ai_usage"
    folder.mkdir()
    (folder / "cursor_2026-01.csv").write_text(CURSOR_CSV)
    (folder / "claude_code.jsonl").write_text(CLAUDE_JSONL)
    (folder / "README.txt").write_text("not a usage file, ignored")
    return folder


def run(path: Path | str) -> LoadSummary:
    return run_source(NAME, source(path=str(path)), printer=lambda _: None)


def rows(db: Path, where: str = "true") -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select usage_date, tool, user_login, team, subject, suggestions_shown, suggestions_accepted, "
            f"agent_sessions, tokens, cost_usd, source_file from {TABLE} where {where} "
            "order by usage_date, tool, subject"
        ).fetchall()


def count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select count(*) from {TABLE}").fetchone()[0]


def test_happy_path_csv_and_json_lines(warehouse: Path, usage_dir: Path) -> None:
    summary = run(usage_dir)

    assert summary.row_counts == {"ai_usage_daily": 5}
    assert rows(warehouse) == [
        (
            date(2026, 1, 5),
            "claude_code",
            None,
            "platform",
            "team:platform",
            None,
            None,
            14,
            900000,
            Decimal("12.3456"),
            "claude_code.jsonl",
        ),
        (
            date(2026, 1, 5),
            "cursor",
            "hubot",
            None,
            "hubot",
            80,
            20,
            0,
            21000,
            Decimal("0.5"),
            "cursor_2026-01.csv",
        ),
        (
            date(2026, 1, 5),
            "cursor",
            "octocat",
            None,
            "octocat",
            120,
            45,
            1,
            52000,
            Decimal("1.25"),
            "cursor_2026-01.csv",
        ),
        (
            date(2026, 1, 6),
            "claude_code",
            "octocat",
            "platform",
            "octocat",
            None,
            None,
            3,
            150000,
            Decimal("2.1"),
            "claude_code.jsonl",
        ),
        (
            date(2026, 1, 6),
            "cursor",
            "octocat",
            None,
            "octocat",
            100,
            50,
            2,
            61000,
            Decimal("1.4"),
            "cursor_2026-01.csv",
        ),
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw_ai_usage_files' and table_name = 'ai_usage_daily'"
            ).fetchall()
        )
    assert (
        types["usage_date"] == "DATE"
        and types["cost_usd"] == "DECIMAL(18,4)"
        and types["tokens"] == "BIGINT"
    )
    assert validate_tables(NAME, SUITES, db_path=warehouse, printer=lambda _: None).ok


def test_glob_path_selects_matching_files(warehouse: Path, usage_dir: Path) -> None:
    summary = run(usage_dir / "*.csv")
    assert summary.row_counts == {"ai_usage_daily": 3}


def test_second_run_skips_files_already_loaded(warehouse: Path, usage_dir: Path) -> None:
    run(usage_dir)
    before = rows(warehouse)

    summary = run(usage_dir)

    assert summary.total_rows == 0
    assert rows(warehouse) == before


def test_changed_file_and_late_correction_are_merged_in_place(
    warehouse: Path, usage_dir: Path
) -> None:
    run(usage_dir)
    # the vendor export is re-issued with a corrected value and a new day
    (usage_dir / "cursor_2026-01.csv").write_text(
        CURSOR_CSV.replace("2026-01-05,cursor,hubot,,80,20", "2026-01-05,cursor,hubot,,80,25")
        + "2026-01-07,cursor,hubot,,10,5,20,10,0,0,1000,0.10\n"
    )
    # and a separate correction file for a row first loaded from the JSON-lines file
    (usage_dir / "claude_code_fix.csv").write_text(
        HEADER + "2026-01-06,claude_code,octocat,platform,,,,,,4,160000,2.20\n"
    )

    summary = run(usage_dir)

    assert summary.row_counts == {"ai_usage_daily": 5}  # 4 from the changed file, 1 correction
    assert count(warehouse) == 6  # one new day; everything else merged in place
    change = summary.changes["ai_usage_daily"]
    assert (change.inserted, change.updated, change.deleted) == (1, 4, 0)
    assert change.describe() == "ai_usage_daily: 1 inserted, 4 updated (6 rows)"
    assert rows(warehouse, "subject = 'hubot' and usage_date = '2026-01-05'")[0][6] == 25
    corrected = rows(warehouse, "tool = 'claude_code' and subject = 'octocat'")
    assert corrected == [
        (
            date(2026, 1, 6),
            "claude_code",
            "octocat",
            "platform",
            "octocat",
            None,
            None,
            4,
            160000,
            Decimal("2.2"),
            "claude_code_fix.csv",
        )
    ]


GOOD_LINE = "2026-01-08,cursor,hubot,,10,5,20,10,0,0,1000,0.10"


@pytest.mark.parametrize(
    ("bad_line", "column", "rule"),
    [
        (
            "2026-01-08,cursor,octocat,,lots,5,20,10,0,0,1000,0.10",
            "suggestions_shown",
            "must be bigint but got 'lots'",
        ),
        (",cursor,octocat,,10,5,20,10,0,0,1000,0.10", "usage_date", "is required but missing"),
        ("2026-01-08,cursor,,,10,5,20,10,0,0,1000,0.10", "user_login", "or team is required"),
        ("2026-01-08,cursor,octocat,,10,5,20,10,0,0,1000,NaN", "cost_usd", "finite decimal"),
        ("2026-02-30,cursor,octocat,,10,5,20,10,0,0,1000,0.10", "usage_date", "must be date"),
    ],
)
def test_bad_value_names_file_line_column_and_rule(
    warehouse: Path, tmp_path: Path, bad_line: str, column: str, rule: str
) -> None:
    (tmp_path / "cursor_2026-02.csv").write_text(HEADER + GOOD_LINE + "\n" + bad_line + "\n")
    with pytest.raises(MalformedRecordError) as caught:
        run(tmp_path)
    message = str(caught.value)
    assert "[ai_usage_files]" in message and "ai_usage_daily" in message
    assert "cursor_2026-02.csv line 3" in message and column in message and rule in message


def test_bad_file_loads_nothing_and_the_fixed_file_loads_next_run(
    warehouse: Path, usage_dir: Path
) -> None:
    run(usage_dir)
    before = rows(warehouse)
    (usage_dir / "cursor_2026-02.csv").write_text(
        HEADER + GOOD_LINE + "\n2026-01-09,cursor,x,,lots,,,,,,,\n"
    )
    with pytest.raises(MalformedRecordError):
        run(usage_dir)
    assert rows(warehouse) == before  # not even the good line of the bad file was loaded

    (usage_dir / "cursor_2026-02.csv").write_text(HEADER + GOOD_LINE + "\n")
    assert run(usage_dir).row_counts == {"ai_usage_daily": 1}
    assert count(warehouse) == len(before) + 1


def test_unknown_column_names_file_and_column(warehouse: Path, usage_dir: Path) -> None:
    (usage_dir / "copilot_extra.csv").write_text(
        "usage_date,tool,user_login,acceptance_rate\n2026-01-05,x,y,0.4\n"
    )
    with pytest.raises(SourceError, match=r"copilot_extra\.csv: unknown column 'acceptance_rate'"):
        run(usage_dir)
    (usage_dir / "copilot_extra.csv").unlink()
    (usage_dir / "agent.jsonl").write_text(
        '{"usage_date": "2026-01-05", "tool": "x", "team": "t", "sessions": 3}\n'
    )
    with pytest.raises(SourceError, match=r"agent\.jsonl: unknown column 'sessions'"):
        run(usage_dir)


def test_invalid_json_line_and_duplicate_keys_fail_clearly(
    warehouse: Path, usage_dir: Path
) -> None:
    (usage_dir / "broken.jsonl").write_text(
        '{"usage_date": "2026-01-05", "tool": "x", "team": "t"}\n{"usage_date": \n'
    )
    with pytest.raises(SourceError, match=r"broken\.jsonl line 2: not valid JSON"):
        run(usage_dir)
    # the parser's reason and column, never the line itself (it may hold anything)
    (usage_dir / "broken.jsonl").write_text("password=hunter2\n")
    with pytest.raises(SourceError) as caught:
        run(usage_dir)
    assert str(caught.value) == (
        "[ai_usage_files] broken.jsonl line 1: not valid JSON (Expecting value at column 1)"
    )
    (usage_dir / "broken.jsonl").unlink()

    (usage_dir / "dupe.csv").write_text(HEADER + "2026-01-05,cursor,octocat,,1,1,1,1,0,0,0,0\n")
    with pytest.raises(MalformedRecordError) as caught:
        run(usage_dir)
    assert "dupe.csv line 2" in str(caught.value) and "duplicates cursor_2026-01.csv line 2" in str(
        caught.value
    )
    assert count_or_none(warehouse) is None


def count_or_none(db: Path) -> int | None:
    if not db.exists():
        return None
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw_ai_usage_files' "
            "and table_name = 'ai_usage_daily'"
        ).fetchone()[0]
    return count(db) if found else None


def test_missing_folder_is_a_clear_error(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        run(tmp_path / "nowhere")


def test_expectation_failure_names_table_column_and_rule(warehouse: Path, usage_dir: Path) -> None:
    run(usage_dir)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {TABLE} (usage_date, tool, subject, suggestions_shown, suggestions_accepted, cost_usd, "
            "source_file, _dlt_load_id, _dlt_id) values ('2026-01-07', 'cursor', 'cheater', 5, 9, -1, 'x.csv', 'x', 'y')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(NAME, SUITES, db_path=warehouse, printer=lambda _: None)
    message = str(caught.value)
    assert "raw_ai_usage_files.ai_usage_daily.suggestions_shown,suggestions_accepted" in message
    assert "must be >=" in message and "cheater" in message
    assert "raw_ai_usage_files.ai_usage_daily.cost_usd: must be between 0 and None" in message


def test_folder_from_config_toml_not_from_path_env(
    warehouse: Path, usage_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `[sources.ai_usage_files] path`, relative to the working directory, with PATH set as
    # in any shell: dlt must not resolve it from the bare `path` key (the PATH variable)
    assert os.environ.get("PATH")
    monkeypatch.delenv("SOURCES__AI_USAGE_FILES__PATH", raising=False)
    config = '[sources.ai_usage_files]\npath = "ai_usage"\n'
    with dlt_project(tmp_path, monkeypatch, config=config):
        assert run_source(NAME, source(), printer=lambda _: None).total_rows == 5


def test_folder_from_env_var(
    warehouse: Path, usage_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__AI_USAGE_FILES__PATH", str(usage_dir))
    assert run_source(NAME, source(), printer=lambda _: None).total_rows == 5


# -- the drop-folder boundary ---------------------------------------------------------------
SECRET = "TOPSECRET-hunter2"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A usage file outside the folder whose first line is a secret."""
    path = tmp_path / "elsewhere" / "private.csv"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n2026-01-05\n")
    return path


def test_a_symlink_out_of_the_folder_is_refused_unread(
    warehouse: Path, usage_dir: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (usage_dir / "leak.csv").symlink_to(outside)
    with pytest.raises(SourceError) as caught:
        run(usage_dir)
    message = str(caught.value)
    assert message == (
        f"[ai_usage_files] leak.csv is refused: it resolves outside the usage file folder "
        f"{usage_dir} (a symlink or '..' pointing elsewhere); only files inside the folder "
        "are read"
    )
    captured = capsys.readouterr()
    assert SECRET not in message + captured.out + captured.err
    assert count_or_none(warehouse) is None  # the good files of the run are not loaded either


def test_a_glob_climbing_out_with_dotdot_is_refused(
    warehouse: Path, usage_dir: Path, outside: Path
) -> None:
    (usage_dir / "sub").mkdir()
    pattern = usage_dir / "*" / ".." / ".." / "elsewhere" / "*.csv"
    with pytest.raises(SourceError, match=r"private\.csv is refused: it resolves outside"):
        run(pattern)


def test_a_configured_file_that_links_out_is_refused(
    warehouse: Path, usage_dir: Path, outside: Path
) -> None:
    (usage_dir / "usage.csv").symlink_to(outside)
    with pytest.raises(SourceError, match=r"usage\.csv is refused") as caught:
        run(usage_dir / "usage.csv")
    assert SECRET not in str(caught.value)


def test_a_symlink_inside_the_folder_is_read(warehouse: Path, usage_dir: Path) -> None:
    (usage_dir / "cursor_2026-01.csv").rename(usage_dir / "cursor_2026-01.export")
    (usage_dir / "latest.csv").symlink_to("cursor_2026-01.export")
    assert run(usage_dir).row_counts == {"ai_usage_daily": 5}
