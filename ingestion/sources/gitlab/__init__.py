"""GitLab source (REST v4): work in progress, see README.md."""

from __future__ import annotations

from typing import Any

from ingestion.common.errors import SourceError
from ingestion.sources.gitlab import settings

NAME = settings.NAME
SUITES: list[Any] = []

__all__ = ["NAME", "SUITES", "source"]


def source(**_config: Any) -> Any:
    raise SourceError(NAME, "the GitLab source is not implemented yet")
