"""`ai-roi` in a child process that can be made to stop at a chosen point, for a test to
kill it there with SIGKILL.

    python -m tests.support.crash_child run files

Environment:
- `AI_ROI_TEST_STOP_AT=load`: once the first table's load file is in the warehouse (a
  DuckDB copy job finished), write `AI_ROI_TEST_SIGNAL` (a file path) and sleep: the load
  is half done, its package not complete.
- unset: plain `ai-roi` (a test stops it by other means, e.g. a stalled HTTP answer).

The test kills the process (or its whole session, for a build's dbt) and checks what the
next run or build makes of what it left.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

SLEEP_SECONDS = 120.0


def stop_after_first_copy_job(signal: Path) -> None:
    from dlt.destinations.impl.duckdb.duck import DuckDbCopyJob

    original = DuckDbCopyJob.run
    done: list[str] = []

    def run(self: Any) -> None:
        original(self)
        done.append(self._file_name)
        if len(done) == 1:
            signal.write_text(self._file_name)
            time.sleep(SLEEP_SECONDS)

    DuckDbCopyJob.run = run  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    stop_at = os.environ.get("AI_ROI_TEST_STOP_AT", "")
    if stop_at == "load":
        stop_after_first_copy_job(Path(os.environ["AI_ROI_TEST_SIGNAL"]))
    elif stop_at:
        raise SystemExit(f"unknown AI_ROI_TEST_STOP_AT {stop_at!r}")
    from ingestion.cli import main as cli

    return cli(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
