"""The drop folder's deployment rules file and the roster's bot rows, on hand-written files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError
from ingestion.common.pipeline import run_source
from ingestion.sources import files
from ingestion.sources.files import helpers
from ingestion.sources.files.settings import TABLES
from tests.sources.files import samples

RULES = (
    "repository,deployment_source,workflow_pattern,branch,tag_pattern,include_prereleases\n"
    "acme/api,actions,^Deploy to production$,main,,\n"
    "acme/sdk,releases,,,^v[0-9],true\n"
    "acme/cli,tags,,,,\n"
)


def _read(path: Path) -> list[dict[str, Any]]:
    return [row for batch in helpers.read_table(TABLES[path.stem], path) for row in batch]


def test_deployment_rules_load_typed(warehouse: Path, tmp_path: Path) -> None:
    folder = samples.write_folder(tmp_path / "drop")
    (folder / "deployment_rules.csv").write_text(RULES)
    run_source(files.NAME, files.source(path=str(folder)), printer=lambda _m: None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select repository, deployment_source, workflow_pattern, branch, tag_pattern, "
            "include_prereleases from raw_files.deployment_rules order by 1"
        ).fetchall()
    assert rows == [
        ("acme/api", "actions", "^Deploy to production$", "main", None, None),
        ("acme/cli", "tags", None, None, None, None),
        ("acme/sdk", "releases", None, None, "^v[0-9]", True),
    ]


@pytest.mark.parametrize(
    ("line", "column", "rule"),
    [
        ("acme/web,kubernetes,,,,", "deployment_source", "must be one of"),
        ("acme/web,actions,deploy(,,,", "workflow_pattern", "must be a valid regular expression"),
        ("acme/web,tags,,,[v,", "tag_pattern", "must be a valid regular expression"),
    ],
)
def test_a_bad_rule_is_named_by_file_line_field_and_rule(
    tmp_path: Path, line: str, column: str, rule: str
) -> None:
    path = tmp_path / "deployment_rules.csv"
    path.write_text(RULES + line + "\n")
    with pytest.raises(MalformedRecordError) as caught:
        _read(path)
    message = str(caught.value)
    assert "deployment_rules.csv line 5" in message
    assert f"field '{column}'" in message
    assert rule in message


def test_a_bot_row_may_leave_its_team_empty_but_a_person_may_not(tmp_path: Path) -> None:
    header = samples.CSV["roster"].splitlines()[0]
    path = tmp_path / "roster.csv"
    path.write_text(f"{header}\nci-bot,CI Bot,bot,,2025-01-01,,true\n")
    assert [(r["login"], r["team"], r["is_bot"]) for r in _read(path)] == [("ci-bot", None, True)]
    path.write_text(f"{header}\nalice,Alice A,engineer,,2025-01-01,,false\n")
    with pytest.raises(MalformedRecordError) as caught:
        _read(path)
    assert "field 'team'" in str(caught.value)
    assert "only bot rows may leave it empty" in str(caught.value)
