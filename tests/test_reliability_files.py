"""The drop-folder sources through `ai-roi run`: no secret leaks across the folder boundary,
no table emptied by accident, an honest summary, and no copy of the rows left on disk."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.cli import main
from ingestion.common.errors import MalformedRecordError
from ingestion.common.pipeline import run_source
from ingestion.sources import files
from tests.sources.files import samples

SECRET = "TOPSECRET-hunter2"
#: what a roster row identifies a person by; a copy must not stay in dlt's working folder
PERSONAL = (b"alice", b"Alice A", b"dependabot", b"bob@example.com")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample drop folder, configured as `ai-roi run files` reads it."""
    roster = samples.CSV["roster"].replace("bob,Bob B,", "bob@example.com,Bob B,")
    path = samples.write_folder(tmp_path / "drop", {**samples.CSV, "roster": roster})
    monkeypatch.setenv("SOURCES__FILES__PATH", str(path))
    return path


def count(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select count(*) from raw_files.{table}").fetchone()[0]


def test_cli_refuses_an_empty_replace_unless_allow_empty(
    warehouse: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "files", "--no-validate"]) == 0
    (folder / "ai_costs.csv").write_text(samples.CSV["ai_costs"].splitlines()[0] + "\n")
    capsys.readouterr()

    assert main(["run", "files", "--no-validate"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "error: [files] ai_costs.csv has no rows: it would replace the 3 rows of table "
        "ai_costs with none. Refused"
    )
    assert "--allow-empty" in captured.err
    assert "nothing new" not in captured.out
    assert count(warehouse, "ai_costs") == 3

    assert main(["run", "files", "--no-validate", "--allow-empty"]) == 0
    out = capsys.readouterr().out
    assert "    ai_costs: replaced (3 -> 0 rows)" in out.splitlines()
    assert "nothing new" not in out
    assert count(warehouse, "ai_costs") == 0


def test_allow_empty_is_refused_for_sources_without_replace_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "github", "--allow-empty"]) == 2
    assert "--allow-empty applies to: files" in capsys.readouterr().err


def test_cli_prints_replaced_counts(
    warehouse: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "files", "--no-validate"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert "    roster: replaced (0 -> 4 rows)" in first
    lines = samples.CSV["ai_costs"].splitlines()
    (folder / "ai_costs.csv").write_text("\n".join(lines[:3]) + "\n")

    assert main(["run", "files", "--no-validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    summary = [line for line in out if line.startswith("  [files] loaded")]
    assert summary and summary[0].startswith("  [files] loaded 2 rows in ")
    assert "    ai_costs: replaced (3 -> 2 rows)" in out
    assert not any("roster:" in line for line in out)  # unchanged: kept as is, not reported


def test_cli_symlink_out_of_the_folder_leaks_nothing(
    warehouse: Path, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "private" / "secrets.csv"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\n{SECRET}-2\n")
    (folder / "service_ownership.csv").unlink()
    (folder / "service_ownership.csv").symlink_to(secret)

    assert main(["run", "files"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "error: [files] service_ownership.csv is refused: it resolves outside the drop folder"
    )
    assert SECRET not in captured.out + captured.err


def _pipeline_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "warehouse" / ".dlt_pipelines").rglob("*") if p.is_file()]


def _holding_personal_data(paths: list[Path]) -> list[Path]:
    return [p for p in paths if any(value in p.read_bytes() for value in PERSONAL)]


def test_completed_load_packages_are_deleted(
    warehouse: Path, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "files"]) == 0
    loaded = [p for p in _pipeline_files(tmp_path) if "loaded" in p.parts]
    assert loaded == []  # no package, no parquet copy of any table
    assert _holding_personal_data(_pipeline_files(tmp_path)) == []
    assert count(warehouse, "roster") == 4  # the data itself is in the warehouse

    # a failed run's (aborted) package goes too
    (folder / "roster.csv").write_text(samples.CSV["roster"].replace(",,true", ",,maybe"))
    with pytest.raises(MalformedRecordError):
        run_source(files.NAME, files.source(path=str(folder)), printer=lambda _m: None)
    assert [p for p in _pipeline_files(tmp_path) if "loaded" in p.parts] == []
    assert _holding_personal_data(_pipeline_files(tmp_path)) == []


def test_load_packages_are_kept_for_debugging_when_asked(
    warehouse: Path, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_ROI_KEEP_LOAD_PACKAGES", "1")
    assert main(["run", "files", "--no-validate"]) == 0
    loaded = [p for p in _pipeline_files(tmp_path) if "loaded" in p.parts]
    assert any(p.name.startswith("roster.") and p.suffix == ".parquet" for p in loaded)
    assert _holding_personal_data(loaded)  # what the default deletes, and why
