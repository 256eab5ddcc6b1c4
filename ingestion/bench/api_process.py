"""The demo API server in a child process, so it has its own interpreter (and GIL).

In the same process, the server's request handling and the source's extract, normalize
and load share one GIL: on 2 cores the server then slows the source down and its
memory is counted with the source's. The child's peak RSS is reported separately.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingestion.common.config import PROJECT_ROOT
from ingestion.demo.server import VendorUrls


@dataclass
class ServedApi(VendorUrls):
    """The URLs `demo_source_configs` reads, and the server's peak RSS once it stopped."""

    base_url: str
    peak_rss_mb: float | None = None


@contextmanager
def served_in_subprocess(data_dir: Path) -> Iterator[ServedApi]:
    """`python -m ingestion.demo.server --port 0` serving `data_dir` for the block."""
    command = [sys.executable, "-m", "ingestion.demo.server", "--data", str(data_dir)]
    proc = subprocess.Popen(
        [*command, "--port", "0"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # "serving <data> at http://127.0.0.1:<port>"
    if " at http" not in first:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the demo server did not start (said {first!r})")
    api = ServedApi(first.rsplit(" at ", 1)[1].strip())
    try:
        yield api
    finally:
        proc.send_signal(signal.SIGINT)
        api.peak_rss_mb = _reap(proc)
        proc.stdout.close()


def _reap(proc: subprocess.Popen[str], timeout: float = 10.0) -> float:
    """Wait for the stopping child (kill it after `timeout` s); return its peak RSS in MB."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024  # Linux: kilobytes
