"""A throwaway dlt project folder: `.dlt/config.toml` (and secrets) read as the CLI reads them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dlt.common.configuration.container import Container
from dlt.common.configuration.specs import PluggableRunContext


@contextmanager
def dlt_project(
    root: Path, monkeypatch: pytest.MonkeyPatch, config: str = "", secrets: str = ""
) -> Iterator[Path]:
    """`root/.dlt/config.toml` and `secrets.toml` (mode 0600) with the given text, `root` the working
    directory and dlt's run context reloaded from it (as `ai-roi` started there would);
    the previous context comes back on exit."""
    settings = root / ".dlt"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "config.toml").write_text(config)
    (settings / "secrets.toml").write_text(secrets)
    (settings / "secrets.toml").chmod(0o600)  # the owner's alone, or nothing reads it
    monkeypatch.delenv("DLT_PROJECT_DIR", raising=False)
    monkeypatch.chdir(root)
    context = Container()[PluggableRunContext]
    cookie = context.push_context()
    try:
        context.reload(str(root))
        yield root
    finally:
        context.pop_context(cookie)
