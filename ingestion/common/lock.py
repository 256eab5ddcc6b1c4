"""One writer at a time: an exclusive lock on the warehouse for every source run and build.

`ai-roi run` (each source's load) and `ai-roi build` take `<warehouse>.lock` (an advisory
`flock` on a file that says who holds it, removed on release) for as long as they may write.
A second run or build started meanwhile fails at once with `WarehouseLockedError`, naming
the holder (pid, what it does, since when) and changing nothing. The kernel releases the
lock when its process ends, killed or not, so a crash never leaves the warehouse locked
(only the file, which the next run takes over). Readers (`ai-roi status`, the report, a BI
tool) take no lock.

Needed because `ai-roi build` no longer writes the warehouse file in place (it builds a copy
and swaps it in, `ingestion.orchestrate.build`): without the lock, a load committed while
the copy is built would be lost by the swap.

The lock is re-entrant within one thread (a job may hold it around several runs).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingestion.common.errors import IngestionError

#: (warehouse, thread) -> depth of the locks this process holds
_held: dict[tuple[str, int], int] = {}
_guard = threading.Lock()


class WarehouseLockedError(IngestionError):
    """Another process is loading into or building the warehouse."""

    def __init__(self, db: Path, doing: str, holder: str) -> None:
        super().__init__(
            f"[{doing}] the warehouse {db} is in use by another ai-roi process ({holder}); "
            "nothing was started or changed. Run again when it has finished (a killed process "
            "releases the lock with it)"
        )
        self.db = db
        self.doing = doing
        self.holder = holder


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


@contextmanager
def warehouse_lock(db: Path, doing: str) -> Iterator[None]:
    """Hold the exclusive lock of warehouse `db` while `doing` (e.g. `run files`, `build`)."""
    db = Path(db)
    key = (str(db.resolve()), threading.get_ident())
    with _guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(db, doing)
    try:
        since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)  # a killed holder leaves its note (and no lock)
        os.pwrite(fd, f"pid {os.getpid()}: {doing}, since {since}".encode(), 0)
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
            # the file goes with the lock: unlinked while still held, so a process that
            # opens it meanwhile finds it gone (`_acquire` checks) rather than free
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock_path(db))
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(db: Path, doing: str) -> int:
    """An open descriptor of `<db>.lock` holding its exclusive lock, or `WarehouseLockedError`.

    The lock file exists only while held. A descriptor locked after its file was unlinked by
    the holder that just finished is not the lock: try again with the new file.
    """
    path = lock_path(db)
    for _ in range(100):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "unknown holder"
            os.close(fd)
            raise WarehouseLockedError(db, doing, holder) from None
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(fd).st_ino:
            return fd
        os.close(fd)  # the file was replaced while we locked it: not ours
    raise WarehouseLockedError(db, doing, "the lock file keeps changing")
