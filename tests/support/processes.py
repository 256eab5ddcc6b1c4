"""Child processes a reliability test kills with SIGKILL at a point it waits for.

`child(*argv)` starts `ai-roi <argv>` through `tests/support/crash_child.py` in its own
session (so `kill` takes a build's dbt with it); `wait_for(condition, process, what)`
polls until the point is reached, failing (and killing the child) if the child ends first
or takes longer than `REACH` seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from ingestion.common.config import PROJECT_ROOT

#: seconds a child may take to reach its stop point
REACH = 90.0


def child(*argv: str, **env: str) -> subprocess.Popen[str]:
    """`ai-roi <argv>` in a child process (its own session), with the test's environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.crash_child", *argv],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL the child's whole session (a build's dbt too), then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + REACH
    while not condition():
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"the child ended ({process.returncode}) before {what}:\n{output}")
        if time.monotonic() > deadline:
            kill(process)
            pytest.fail(f"the child did not reach {what} within {REACH:g}s")
        time.sleep(0.05)
