"""Daily AI tool usage from a folder of CSV / JSON-lines files -> `raw_ai_usage_files`.

One table, `ai_usage_daily`, merged on (usage_date, tool, subject). Files already loaded
with the same content (sha256, kept in dlt state) are skipped, so a re-run loads
nothing new; a changed file is loaded again and its rows are merged in place.
See README.md and settings.py for the file format.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration

from ingestion.common.config import source_setting
from ingestion.common.errors import MalformedRecordError
from ingestion.common.pipeline import Progress
from ingestion.sources.ai_usage_files.expectations import SUITES
from ingestion.sources.ai_usage_files.helpers import (
    content_hash,
    find_files,
    read_rows,
    row_key,
    shape_row,
)
from ingestion.sources.ai_usage_files.settings import AI_USAGE_DAILY, DEFAULT_PATH, NAME, TABLE

__all__ = ["NAME", "SUITES", "source"]


@configspec
class AiUsageFilesConfiguration(BaseConfiguration):
    """Nothing for dlt to inject into `source()`.

    `path` is read by `source_setting` as exactly `sources.ai_usage_files.path`: injected,
    dlt would fall back to the bare key `path`, the `PATH` environment variable.
    """


@dlt.source(name=NAME, spec=AiUsageFilesConfiguration)
def source(path: str | None = None) -> Any:
    """AI usage files under `path`: a folder (its .csv/.jsonl/.ndjson/.json files) or a glob.

    `path` defaults to `sources.ai_usage_files.path` (`.dlt/config.toml`, env
    `SOURCES__AI_USAGE_FILES__PATH`), else `data/ai_usage`. Relative paths are taken from
    the working directory when they exist there, else from the project root.
    """
    path = path or source_setting(NAME, "path") or DEFAULT_PATH
    progress = Progress(NAME)

    @dlt.resource(
        name=TABLE,
        primary_key=list(AI_USAGE_DAILY.primary_key),
        write_disposition="merge",
        columns=AI_USAGE_DAILY.column_hints(),
    )
    def ai_usage_daily() -> Iterator[list[dict[str, Any]]]:
        loaded: dict[str, str] = dlt.current.resource_state().setdefault("loaded_files", {})
        seen: dict[tuple[Any, ...], str] = {}
        for file in find_files(path):
            data = Path(file).read_bytes()
            digest = content_hash(data)
            if digest in loaded:
                continue
            rows = []
            for line, raw in read_rows(file.name, data):
                row = shape_row(raw, file.name, line)
                key = row_key(row)
                where = f"{file.name} line {line}"
                if key in seen:
                    raise MalformedRecordError(
                        NAME,
                        TABLE,
                        where,
                        ",".join(AI_USAGE_DAILY.primary_key),
                        f"duplicates {seen[key]} (same usage_date, tool and user/team)",
                    )
                seen[key] = where
                rows.append(row)
            progress.add(TABLE, len(rows))
            if rows:
                yield rows
            loaded[digest] = file.name

    return ai_usage_daily
