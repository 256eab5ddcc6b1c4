"""The `ai-roi` command: help a newcomer understands, clear errors, status of the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.cli import main


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "run", "validate", "build", "status", "scorecard"):
        assert command in out
    assert "warehouse/ai_roi.duckdb" in out


def test_run_without_sources_asks_for_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert "Name the sources to run, or --all." in capsys.readouterr().err


def test_unknown_source_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "nosuchsource"]) == 2
    assert "Unknown source(s): nosuchsource" in capsys.readouterr().err


def test_status_without_a_warehouse_says_what_to_do(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status"]) == 1
    assert "Run `ai-roi demo` or `ai-roi run --all`" in capsys.readouterr().out


def test_a_source_error_is_reported_without_a_traceback(
    warehouse: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCES__AI_USAGE_FILES__PATH", str(tmp_path / "missing"))
    assert main(["run", "ai_usage_files", "--no-validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: [ai_usage_files]")
    assert "Traceback" not in err


def test_status_lists_loaded_tables(
    warehouse: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "usage"
    folder.mkdir()
    (folder / "cursor.csv").write_text(
        "usage_date,tool,user_login,team,suggestions_shown,suggestions_accepted\n2026-03-02,cursor,ana,,10,4\n"
    )
    from ingestion.orchestrate import ingest

    ingest("ai_usage_files", {"path": str(folder)}, printer=lambda _: None)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "raw_ai_usage_files.ai_usage_daily" in out


def _dbt_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every dbt invocation's arguments, with dbt itself never run."""
    calls: list[list[str]] = []
    monkeypatch.setattr(
        "ingestion.orchestrate.dbt", lambda args, **_kwargs: calls.append(list(args))
    )
    return calls


def test_build_passes_dbt_options_through(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _dbt_calls(monkeypatch)
    argv = ["build", "-s", "marts", "+rpt_ai_roi_scorecard", "--select", "dim_teams"]
    argv += ["--exclude", "tag:slow", "--vars", "{min_group_size: 7}", "--full-refresh"]
    argv += ["--", "--threads", "2", "--target", "ci"]
    assert main(argv) == 0
    assert calls == [
        [
            "build",
            "--fail-fast",
            "--select",
            "marts",
            "+rpt_ai_roi_scorecard",
            "dim_teams",
            "--exclude",
            "tag:slow",
            "--vars",
            "{min_group_size: 7}",
            "--full-refresh",
            "--threads",
            "2",
            "--target",
            "ci",
        ]
    ]


def test_build_without_options_builds_everything(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _dbt_calls(monkeypatch)
    assert main(["build"]) == 0
    assert main(["build", "--", "--empty"]) == 0
    assert calls == [["build", "--fail-fast"], ["build", "--fail-fast", "--empty"]]


def test_build_refuses_after_a_failed_validation_unless_from_last_validated(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingestion.common.quarantine import QuarantinedRecord, record_run

    calls = _dbt_calls(monkeypatch)
    rule = "must be between 0 and None"
    record_run(
        warehouse,
        "files",
        "1796500000.5",
        passed=False,
        load_state="rejected",
        failing_rules=[f"raw_files.ai_costs.amount: {rule}"],
        quarantined=[QuarantinedRecord("ai_costs", "INV-9", "amount", rule, -5)],
    )
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: refusing to build: the last validation of files (load 1796500000.5, "
    )
    assert f"raw_files.ai_costs.amount: {rule}; 1 records in quarantine.files) failed" in err
    assert "ai-roi build --from-last-validated" in err
    assert calls == []

    assert main(["build", "--from-last-validated"]) == 0
    assert "building from the last validated data of files" in capsys.readouterr().out
    assert calls == [["build", "--fail-fast"]]


def test_a_run_stops_before_loading_when_other_users_can_read_the_secrets(
    warehouse: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.dlt_project import dlt_project

    folder = tmp_path / "usage"
    folder.mkdir()
    (folder / "cursor.csv").write_text(
        "usage_date,tool,user_login,team,suggestions_shown,suggestions_accepted\n"
        "2026-03-02,cursor,ana,,10,4\n"
    )
    monkeypatch.setenv("SOURCES__AI_USAGE_FILES__PATH", str(folder))
    secrets = '[sources.github]\ntoken = "ghp_secret"\n'
    with dlt_project(tmp_path / "project", monkeypatch, secrets=secrets) as root:
        path = root / ".dlt" / "secrets.toml"
        path.chmod(0o644)  # as `cp secrets.toml.example secrets.toml` leaves it
        assert main(["run", "ai_usage_files"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: [secrets] {path}: mode 0644 lets other users read"), err
        assert "chmod 600" in err and "Traceback" not in err and "ghp_secret" not in err
        assert not warehouse.exists()  # nothing loaded, not even an empty warehouse
        path.chmod(0o600)
        assert main(["run", "ai_usage_files"]) == 0
    assert warehouse.exists()
