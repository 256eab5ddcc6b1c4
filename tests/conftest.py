"""Shared pytest fixtures: an isolated warehouse per test and a scripted local API."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.common.config import TELEMETRY_OFF
from tests.support.fake_api import FakeApi

for _key, _value in TELEMETRY_OFF.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DuckDB path and dlt state folder for one test."""
    db = tmp_path / "warehouse" / "test.duckdb"
    monkeypatch.setenv("AI_ROI_DUCKDB_PATH", str(db))
    monkeypatch.setenv("AI_ROI_PIPELINES_DIR", str(tmp_path / "warehouse" / ".dlt_pipelines"))
    return db


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    with FakeApi() as api:
        yield api


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The whole `make demo` job (generate, serve, ingest, validate, dbt build) into a
    private warehouse, once per test session. Yields the paths and the generator manifest."""
    from ingestion.demo_job import run_demo

    reuse = os.environ.get("AI_ROI_TEST_REUSE_DEMO")
    if (
        reuse
    ):  # developer shortcut: a folder holding warehouse/ai_roi.duckdb and data/ of a demo run
        import json

        base = Path(reuse)
        manifest = json.loads((base / "data" / "manifest.json").read_text())
        return {
            "db": base / "warehouse" / "ai_roi.duckdb",
            "data": base / "data",
            "manifest": manifest,
            "log": [],
            "root": base,
        }
    root = tmp_path_factory.mktemp("demo")
    db = root / "warehouse" / "ai_roi.duckdb"
    saved = {k: os.environ.get(k) for k in ("AI_ROI_DUCKDB_PATH", "AI_ROI_PIPELINES_DIR")}
    os.environ["AI_ROI_DUCKDB_PATH"] = str(db)
    os.environ["AI_ROI_PIPELINES_DIR"] = str(root / "warehouse" / ".dlt_pipelines")
    lines: list[str] = []
    try:
        manifest = run_demo(
            data_dir=root / "data", db_path=db, printer=lines.append, show_scorecard=False
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {"db": db, "data": root / "data", "manifest": manifest, "log": lines, "root": root}


@pytest.fixture(scope="session")
def project_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The project's dbt manifest from `dbt parse` into a private target folder (no warehouse)."""
    import json
    import subprocess
    import sys

    from ingestion.common.config import PROJECT_ROOT

    target = tmp_path_factory.mktemp("manifest_target")
    env = {
        **TELEMETRY_OFF,
        "PATH": "/usr/bin:/bin",
        "HOME": str(target),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "AI_ROI_DUCKDB_PATH": str(target / "parse.duckdb"),
    }
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [
            str(dbt),
            "parse",
            "--quiet",
            "--project-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(target),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads((target / "manifest.json").read_text())
