"""Builds publish only validated, consistent marts, on a copy of the demo warehouse.

- A rejected row (a negative invoice in the drop folder's ai_costs) never reaches the raw
  tables; after another source's load, `ai-roi build` refuses, naming the source and the
  rule; built from the last validated data, the marts agree with each other (AI total cost
  in fct_ai_tco_team_monthly = in fct_net_productivity_team_monthly = the demo's).
- A build that fails midway (a model's SQL broken through `--vars`, after ~150 nodes were
  built) leaves every mart's rows unchanged and readable.
- kill -9 of a build (the whole process group, dbt included) leaves the previous marts; the
  next build works.

Each test builds a selection (`+fct_net_productivity_team_monthly`, `+fct_kpi_launch_deltas`,
`dim_date`) with dbt's target and logs in a temp folder.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.cli import main
from ingestion.common.errors import IngestionError
from ingestion.orchestrate import build
from tests.support.processes import child, kill, wait_for

pytestmark = pytest.mark.slow

NET = "+fct_net_productivity_team_monthly"


@pytest.fixture
def demo_copy(
    demo_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """The demo warehouse (with its dlt state) and drop folders, copied; `ai-roi` set to them."""
    root = tmp_path / "demo"
    source = Path(demo_run["db"]).parent
    shutil.copytree(source, root / "warehouse", ignore=shutil.ignore_patterns("*.lock"))
    for folder in ("files", "ai_usage"):
        shutil.copytree(Path(demo_run["data"]) / folder, root / "data" / folder)
    db = root / "warehouse" / Path(demo_run["db"]).name
    monkeypatch.setenv("AI_ROI_DUCKDB_PATH", str(db))
    monkeypatch.setenv("AI_ROI_PIPELINES_DIR", str(root / "warehouse" / ".dlt_pipelines"))
    monkeypatch.setenv("SOURCES__FILES__PATH", str(root / "data" / "files"))
    monkeypatch.setenv("SOURCES__AI_USAGE_FILES__PATH", str(root / "data" / "ai_usage"))
    return {
        "db": db,
        "data": root / "data",
        "target": tmp_path / "dbt_target",
        "logs": tmp_path / "dbt_logs",
    }


def dbt_paths(copy: dict[str, Path]) -> list[str]:
    return ["--target-path", str(copy["target"]), "--log-path", str(copy["logs"])]


def marts(db: Path) -> dict[str, tuple[int, str]]:
    """Every relation of schema marts: (rows, md5 of all its rows in order)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        return {
            name: con.execute(
                f"select count(*), md5(coalesce(string_agg(cast(t as varchar), '|' "
                f"order by cast(t as varchar)), '')) from marts.\"{name}\" as t"
            ).fetchone()
            for name in names
        }


def ai_total_cost(db: Path) -> tuple[Decimal, Decimal]:
    """AI total cost summed over every team-month: in the TCO mart, in the net productivity mart."""
    with duckdb.connect(str(db), read_only=True) as con:
        return (
            con.execute(
                "select sum(ai_total_cost_usd) from marts.fct_ai_tco_team_monthly"
            ).fetchone()[0],
            con.execute(
                "select sum(ai_total_cost_usd) from marts.fct_net_productivity_team_monthly"
            ).fetchone()[0],
        )


def build_dirs(db: Path) -> list[Path]:
    return sorted(db.parent.glob(".build-*"))


def test_a_rejected_invoice_never_reaches_the_marts_and_the_marts_agree(
    demo_copy: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo_copy["db"]
    tco, net = ai_total_cost(db)
    assert tco == net and tco > 0

    costs = demo_copy["data"] / "files" / "ai_costs.csv"
    costs.write_text(
        costs.read_text() + "INV-NEG-1,2026-02-01,Anthropic,claude_code,usage,-250232.86,USD,,,,\n"
    )
    capsys.readouterr()
    assert main(["run", "files"]) == 1
    err = capsys.readouterr().err
    assert (
        "raw_files.ai_costs.amount: must be between 0 and None (1 failing rows; sample keys: "
        "'INV-NEG-1')" in err
    )
    with duckdb.connect(str(db), read_only=True) as con:
        negative = "select count(*) from raw_files.ai_costs where amount < 0"
        assert con.execute(negative).fetchone() == (0,)
        assert con.execute(
            "select record_key, field, value from quarantine.files where table_name = 'ai_costs'"
        ).fetchall() == [("INV-NEG-1", "amount", "-250232.86")]

    # the next job: another source loads, then a build
    (demo_copy["data"] / "ai_usage" / "late_usage.csv").write_text(
        "usage_date,tool,user_login,team,suggestions_shown,suggestions_accepted,cost_usd\n"
        "2026-10-30,cursor,late-user,,10,4,0.10\n"
    )
    assert main(["run", "ai_usage_files"]) == 0
    before = marts(db)
    assert main(["build", "-s", NET, "--", *dbt_paths(demo_copy)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: refusing to build: the last validation of files (load ")
    assert (
        "raw_files.ai_costs.amount: must be between 0 and None; 1 records in quarantine.files"
        in err
    )
    assert "ai-roi build --from-last-validated" in err
    assert marts(db) == before  # refused: nothing built

    lines: list[str] = []
    build(
        select=NET, extra_args=dbt_paths(demo_copy), from_last_validated=True, printer=lines.append
    )
    assert any("building from the last validated data of files" in line for line in lines)
    assert ai_total_cost(db) == (tco, net)  # the marts agree, without the rejected invoice
    assert build_dirs(db) == []


def test_a_build_failing_midway_leaves_every_mart_unchanged_and_readable(
    demo_copy: dict[str, Path],
) -> None:
    db = demo_copy["db"]
    before = marts(db)
    assert len(before) > 10
    with pytest.raises(IngestionError) as caught:
        build(
            select="+fct_kpi_launch_deltas",
            dbt_vars="{kpi_window_days: 'oops'}",  # breaks the SQL of the selection's last models
            extra_args=dbt_paths(demo_copy),
            printer=lambda _line: None,
        )
    message = str(caught.value)
    assert "ERROR" in message
    done = next(line for line in message.splitlines() if "Done. PASS=" in line)
    assert int(done.split("PASS=")[1].split()[0]) > 50  # failed midway, not at the start
    assert marts(db) == before  # every mart: same rows, readable
    assert build_dirs(db) == []


def test_kill_9_during_a_build_leaves_the_previous_marts_and_the_next_build_works(
    demo_copy: dict[str, Path],
) -> None:
    db = demo_copy["db"]
    before = marts(db)
    log = demo_copy["logs"] / "dbt.log"

    def some_models_built() -> bool:
        return log.exists() and log.read_text(errors="replace").count(" OK created ") >= 3

    process = child("build", "-s", NET, "--", *dbt_paths(demo_copy))
    wait_for(some_models_built, process, "three built models")
    kill(process)
    assert build_dirs(db)  # the killed build's copy, never swapped in
    assert marts(db) == before

    build(select="dim_date", extra_args=dbt_paths(demo_copy), printer=lambda _line: None)
    assert build_dirs(db) == []  # the stale copy went
    assert marts(db) == before  # dim_date rebuilt the same; nothing else touched
