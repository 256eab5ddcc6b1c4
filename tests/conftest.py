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
