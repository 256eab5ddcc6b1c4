"""`ai-roi run --all` runs the configured sources and skips the others, saying why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingestion.cli import main
from ingestion.sources import SOURCE_NAMES
from tests.support.dlt_project import dlt_project

#: environment variables any source reads its required settings from
SOURCE_ENV = (
    "JIRA_EMAIL",
    "JIRA_API_TOKEN",
    "PAGERDUTY_API_TOKEN",
    "PAGERDUTY_TOKEN",
    "GITLAB_TOKEN",
    "CURSOR_API_KEY",
    "ANTHROPIC_ADMIN_KEY",
    "OPENAI_ADMIN_KEY",
)


def _no_source_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SOURCES__") or name in SOURCE_ENV:
            monkeypatch.delenv(name)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No source configured anywhere: an empty .dlt project as the working directory, no
    source environment variables, a project root without the default data folders."""
    _no_source_env(monkeypatch)
    monkeypatch.setattr("ingestion.common.config.PROJECT_ROOT", tmp_path / "root")
    with dlt_project(tmp_path / "project", monkeypatch) as root:
        yield root


@pytest.fixture
def ingested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources `ingest` was called for, with nothing loaded."""
    names: list[str] = []

    def fake_ingest(name: str, config: Any = None, **_kwargs: Any) -> tuple[Any, None]:
        names.append(name)
        return None, None

    monkeypatch.setattr("ingestion.orchestrate.ingest", fake_ingest)
    return names


def test_run_all_runs_configured_sources_and_skips_the_others(
    project: Path,
    ingested: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SOURCES__COPILOT__ORG", "acme")
    monkeypatch.setenv("SOURCES__JIRA__SITE_URL", "https://acme.atlassian.net")
    monkeypatch.setenv("JIRA_EMAIL", "bot@acme.test")  # but no Jira API token
    monkeypatch.setenv("PAGERDUTY_TOKEN", "pd-token")  # the source's own fallback variable
    (project / "usage").mkdir()
    monkeypatch.setenv("SOURCES__AI_USAGE_FILES__PATH", "usage")

    assert main(["run", "--all", "--no-validate"]) == 0

    assert ingested == ["copilot", "ai_usage_files", "incidents"]
    assert capsys.readouterr().out.splitlines() == [
        "skipped github: sources.github.org / sources.github.repositories is not set",
        "skipped jira: sources.jira.api_token (or JIRA_API_TOKEN) is not set",
        "skipped git: sources.git.repo_path is not set",
        "skipped files: sources.files.path is not set and data/files does not exist",
        "skipped gitlab: sources.gitlab.groups / sources.gitlab.projects is not set",
        "skipped cursor: sources.cursor.api_key (or CURSOR_API_KEY) is not set",
        "skipped claude_code: sources.claude_code.api_key (or ANTHROPIC_ADMIN_KEY) is not set",
        "skipped ai_spend: sources.ai_spend.anthropic_admin_key / sources.ai_spend.openai_admin_key"
        " (or ANTHROPIC_ADMIN_KEY / OPENAI_ADMIN_KEY) is not set",
    ]


def test_run_all_reads_config_toml_and_secrets_toml(
    tmp_path: Path, ingested: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_source_env(monkeypatch)
    root = tmp_path / "root"
    (root / "data" / "files").mkdir(parents=True)  # the default drop folder is there
    monkeypatch.setattr("ingestion.common.config.PROJECT_ROOT", root)
    config = (
        '[sources.github]\nrepositories = ["acme/api"]\n'
        '[sources.jira]\nsite_url = "https://acme.atlassian.net"\n'
        '[sources.git]\nrepo_path = "/src/api"\n'
    )
    secrets = '[sources.jira]\nemail = "bot@acme.test"\napi_token = "jira-token"\n'
    with dlt_project(tmp_path / "project", monkeypatch, config=config, secrets=secrets):
        assert main(["run", "--all", "--no-validate"]) == 0
    assert ingested == ["github", "jira", "git", "files"]


def test_run_all_with_nothing_configured_points_at_the_config(
    project: Path, ingested: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--all"]) == 1

    assert ingested == []
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == len(SOURCE_NAMES)  # one skipped line each
    assert captured.err.startswith("error: no source is configured.")
    assert f"{project / '.dlt'}/config.toml" in captured.err


def test_named_sources_run_without_the_check(project: Path, ingested: list[str]) -> None:
    # asked for by name, a source runs and reports its own error when a setting is missing
    assert main(["run", "git", "--no-validate"]) == 0
    assert ingested == ["git"]
