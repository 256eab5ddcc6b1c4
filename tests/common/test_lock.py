"""The warehouse lock: one holder, named to whoever is refused, gone with its holder."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ingestion.common.lock import WarehouseLockedError, lock_path, warehouse_lock


def test_a_second_holder_is_refused_naming_the_first(tmp_path: Path) -> None:
    db = tmp_path / "w" / "ai_roi.duckdb"
    refused: list[BaseException] = []
    with warehouse_lock(db, "run files"):
        assert lock_path(db).read_text().startswith("pid ")
        with warehouse_lock(db, "run files again"):  # the same thread: re-entrant
            pass

        def other() -> None:
            try:
                with warehouse_lock(db, "build"):
                    pass
            except WarehouseLockedError as exc:
                refused.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(refused) == 1
    assert str(refused[0]).startswith(f"[build] the warehouse {db} is in use by another ai-roi")
    assert ": run files, since " in str(refused[0])
    assert not lock_path(db).exists()  # removed on release
    with warehouse_lock(db, "build"):  # free again
        pass


def test_a_file_left_by_a_killed_holder_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "ai_roi.duckdb"
    lock_path(db).write_text("pid 99999999: run github, since 2026-01-01 00:00:00 UTC, long gone")
    with warehouse_lock(db, "run jira"):
        assert lock_path(db).read_text().startswith("pid ")
        assert "run jira" in lock_path(db).read_text()
        assert "github" not in lock_path(db).read_text()
    assert not lock_path(db).exists()


def test_the_lock_is_released_when_the_body_fails(tmp_path: Path) -> None:
    db = tmp_path / "ai_roi.duckdb"
    with pytest.raises(RuntimeError), warehouse_lock(db, "build"):
        raise RuntimeError("dbt failed")
    with warehouse_lock(db, "build"):
        pass
