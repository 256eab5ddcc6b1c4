"""kill -9 and a second writer: a run killed while extracting or loading leaves nothing that
the next run does not repair (no row lost, none twice), and a run or build started while
another holds the warehouse fails at once.

The runs are child processes (`tests/support/crash_child.py`) killed with SIGKILL at a point
they signal: a PagerDuty page the fault server holds (extract), a file written after the
first table was loaded (load).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.cli import main
from ingestion.common.pipeline import make_pipeline
from tests.sources.files import samples
from tests.sources.incidents import payloads as p
from tests.support.fault_api import FaultyPagerDuty
from tests.support.processes import REACH, child, kill, wait_for

TOKEN = "pd_SECRET_TOKEN_7"


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# -- PagerDuty: killed while extracting --------------------------------------------------
@pytest.fixture
def pagerduty(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultyPagerDuty]:
    with FaultyPagerDuty(p.base_incidents()) as api:
        monkeypatch.setenv("SOURCES__INCIDENTS__API_TOKEN", TOKEN)
        monkeypatch.setenv("SOURCES__INCIDENTS__BASE_URL", api.url)
        monkeypatch.setenv("SOURCES__INCIDENTS__START_DATE", "2026-02-01")
        monkeypatch.setenv("SOURCES__INCIDENTS__END_DATE", "2026-04-01")
        assert main(["run", "incidents"]) == 0
        yield api


def changed_incidents() -> list[dict[str, Any]]:
    """PINC003 resolved and a new PINC004: two pages of two at page size 2."""
    base = p.base_incidents()
    base[2] = p.incident(
        "PINC003",
        103,
        title="Queue backlog growing",
        status="resolved",
        created_at="2026-03-04T12:00:00Z",
        last_status_change_at="2026-03-05T09:00:00Z",
    )
    base.append(
        p.incident(
            "PINC004",
            104,
            title="Disk full",
            created_at="2026-03-06T08:00:00Z",
            last_status_change_at="2026-03-06T08:00:00Z",
        )
    )
    return base


INCIDENT_ROWS = "select id, status from raw_incidents.incidents order by id"


def cursor() -> str:
    state = make_pipeline("incidents").state
    resource = state["sources"]["incidents"]["resources"]["incidents"]
    return str(resource["incremental"]["last_status_change_at"]["last_value"])


def test_kill_9_while_extracting_loses_and_doubles_nothing(
    warehouse: Path, pagerduty: FaultyPagerDuty, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rows(warehouse, INCIDENT_ROWS)
    cursor_before = cursor()
    pagerduty.incidents = changed_incidents()
    pagerduty.page_size = 2
    pagerduty.stall_offset = 2  # page 1 (PINC001, PINC002) read, page 2 held
    process = child("run", "incidents")
    wait_for(pagerduty.arrived.is_set, process, "the second page")
    kill(process)
    pagerduty.stall_offset = None
    pagerduty.release.set()

    assert rows(warehouse, INCIDENT_ROWS) == before  # nothing of the killed run
    assert cursor() == cursor_before

    capsys.readouterr()
    assert main(["run", "incidents"]) == 0
    assert rows(warehouse, INCIDENT_ROWS) == [
        ("PINC001", "resolved"),
        ("PINC002", "resolved"),
        ("PINC003", "resolved"),
        ("PINC004", "triggered"),
    ]  # each once
    assert rows(warehouse, "select count(*) = count(distinct id) from raw_incidents.incidents")
    assert main(["run", "incidents"]) == 0
    assert "(nothing new: no table changed)" in capsys.readouterr().out


def test_a_concurrent_run_or_build_fails_at_once_with_a_lock_error(
    warehouse: Path,
    pagerduty: FaultyPagerDuty,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pagerduty.incidents = changed_incidents()
    pagerduty.stall_offset = 0  # the child holds the warehouse while it waits for its page
    process = child("run", "incidents")
    try:
        wait_for(pagerduty.arrived.is_set, process, "its first request")
        monkeypatch.setenv("SOURCES__FILES__PATH", str(samples.write_folder(tmp_path / "drop")))
        dbt_calls: list[Any] = []
        monkeypatch.setattr("ingestion.orchestrate.dbt", lambda *a, **k: dbt_calls.append(a))
        capsys.readouterr()
        for argv in (["run", "files"], ["run", "incidents"], ["build"]):
            started = time.monotonic()
            assert main(argv) == 1
            assert time.monotonic() - started < 3  # at once, not after the other finished
            err = capsys.readouterr().err
            doing = "build" if argv == ["build"] else f"run {argv[1]}"
            assert err.startswith(
                f"error: [{doing}] the warehouse {warehouse} is in use by another ai-roi "
                f"process (pid {process.pid}: run incidents, since "
            ), err
            assert "nothing was started or changed" in err
        assert dbt_calls == []
        pagerduty.release.set()
        assert process.wait(timeout=REACH) == 0, process.stdout.read() if process.stdout else ""
    finally:
        if process.poll() is None:
            kill(process)
    assert [r[0] for r in rows(warehouse, INCIDENT_ROWS)] == [
        "PINC001",
        "PINC002",
        "PINC003",
        "PINC004",
    ]
    files_tables = "select count(*) from information_schema.tables where table_schema = 'raw_files'"
    assert rows(warehouse, files_tables) == [(0,)]  # the refused files run wrote nothing
    # the lock went with the process: the next run gets it
    assert main(["run", "files"]) == 0


# -- files: killed while loading -----------------------------------------------------------
def test_kill_9_while_loading_is_repaired_by_the_next_run_and_blocks_builds_until_then(
    warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = samples.write_folder(tmp_path / "drop")
    monkeypatch.setenv("SOURCES__FILES__PATH", str(folder))
    assert main(["run", "files"]) == 0
    # two files change: an invoice less and a new one, a new member
    costs = samples.CSV["ai_costs"].replace(
        "INV-003,2026-02-01,Internal,copilot,training,800,USD,search,,,16.5\n",
        "INV-004,2026-03-01,GitHub,copilot,licence,1950.00,USD,,100,,\n"
        "INV-005,2026-03-01,Anthropic,claude,usage,280.10,USD,search,,900000,\n",
    )
    roster = samples.CSV["roster"] + "carol,Carol C,engineer,search,2026-03-01,,false\n"
    (folder / "ai_costs.csv").write_text(costs)
    (folder / "roster.csv").write_text(roster)

    signal_file = tmp_path / "loaded-one-table"
    process = child("run", "files", AI_ROI_TEST_STOP_AT="load", AI_ROI_TEST_SIGNAL=str(signal_file))
    wait_for(signal_file.exists, process, "the first loaded table")
    kill(process)

    # the half-done load is never built from
    dbt_calls: list[Any] = []
    monkeypatch.setattr("ingestion.orchestrate.dbt", lambda *a, **k: dbt_calls.append(a))
    capsys.readouterr()
    assert main(["build", "--from-last-validated"]) == 1
    err = capsys.readouterr().err
    assert "refusing to build: the last load of files (load " in err
    assert "did not finish" in err and "Run `ai-roi run files` again" in err
    assert dbt_calls == []

    # the next run drops the killed run's package and loads both files again, once
    assert main(["run", "files"]) == 0
    assert "dropping a pending load package" in capsys.readouterr().out
    assert rows(warehouse, "select invoice_id from raw_files.ai_costs order by 1") == [
        ("INV-001",),
        ("INV-002",),
        ("INV-004",),
        ("INV-005",),
    ]
    assert rows(warehouse, "select login from raw_files.roster order by login, valid_from") == [
        ("alice",),
        ("bob",),
        ("bob",),
        ("carol",),
        ("dependabot[bot]",),
    ]
    for table, count in samples.ROW_COUNTS.items():
        if table not in {"ai_costs", "roster"}:
            assert rows(warehouse, f"select count(*) from raw_files.{table}") == [(count,)]
    assert main(["build"]) == 0
    assert len(dbt_calls) == 1
