"""Open an HTML file in headless Chromium: screenshot it and collect its console messages.

Chromium logs every page console message (log, warning, error, uncaught exception) to
stderr as `INFO:CONSOLE...` with `--enable-logging=stderr`; a page that logs nothing is
clean. `python -m ingestion.report.browser REPORT.html OUT.png` refreshes docs/report.png.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CONSOLE_LINE = re.compile(r":CONSOLE(?:\(\d+\))?[:\]]")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


@dataclass(frozen=True)
class BrowserRun:
    screenshot: Path
    console_messages: list[str]
    returncode: int
    stderr: str


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def open_in_browser(
    html_path: Path,
    screenshot_path: Path,
    *,
    width: int = 1280,
    height: int = 2400,
    wait_ms: int = 5000,
    timeout_s: int = 120,
) -> BrowserRun:
    """Load `html_path` from disk (no network), let scripts run for `wait_ms` of virtual
    time, save a PNG screenshot and return the console messages the page produced."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium not found: `make browser` installs it (Debian)")
    screenshot_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ai-roi-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--virtual-time-budget={wait_ms}",
                f"--screenshot={screenshot_path}",
                html_path.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    console = [line for line in result.stderr.splitlines() if CONSOLE_LINE.search(line)]
    return BrowserRun(screenshot_path, console, result.returncode, result.stderr)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python -m ingestion.report.browser REPORT.html OUT.png", file=sys.stderr)
        return 2
    run = open_in_browser(Path(args[0]), Path(args[1]), width=1100, height=1500)
    for line in run.console_messages:
        print(line, file=sys.stderr)
    print(f"screenshot {run.screenshot} ({run.screenshot.stat().st_size // 1024} KB)")
    return 1 if run.console_messages or run.returncode else 0


if __name__ == "__main__":
    raise SystemExit(main())
