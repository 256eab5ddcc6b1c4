"""A drop folder of CSV or Parquet files -> `raw_files`: one typed table per file name stem.

Each known file (`roster.csv`, `ai_costs.parquet`, ...) replaces its table. Every row is
typed and checked while extracting, so one bad value in any file fails the whole run
before anything is written (all tables of a run are one dlt load package). A file whose
content hash is unchanged since the last successful run is skipped and its table kept
as is; a missing optional file is skipped with a note; a missing required file fails.

A file with no rows (header only, or empty) would empty its table: that is refused while
the table holds rows, unless `allow_empty_replace=True` (`ai-roi run files --allow-empty`).
A file that resolves outside the folder (a symlink pointing out) is refused unopened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dlt
from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration

from ingestion.common.config import source_setting
from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress

from . import helpers
from .expectations import SUITES
from .settings import DEFAULT_PATH, TABLES, FileTable

NAME = "files"

__all__ = ["NAME", "SUITES", "source"]

STATE_KEY = "file_hashes"


def _file_resource(
    table: FileTable,
    path: Path,
    full_refresh: bool,
    allow_empty_replace: bool,
    progress: Progress,
    printer: Callable[[str], None],
) -> Any:
    name = table.name

    @dlt.resource(
        name=name,
        write_disposition="replace",
        primary_key=list(table.spec.primary_key),
        columns=table.spec.column_hints(),
    )
    def rows() -> Iterator[Any]:
        digest = helpers.file_digest(path)
        hashes: dict[str, str] = dlt.current.source_state().setdefault(STATE_KEY, {})
        if not full_refresh and hashes.get(name) == digest:
            printer(f"  [{NAME}] {path.name} unchanged since the last run: {name} kept as is")
            # dlt truncates a `replace` table whose resource yielded nothing; switching this
            # run's disposition to append (with no rows) keeps the table exactly as it is
            yield dlt.mark.with_hints([], dlt.mark.make_hints(write_disposition="append"))
            return
        loaded = 0
        for chunk in helpers.read_table(table, path):
            progress.add(name, len(chunk))
            loaded += len(chunk)
            yield chunk
        if not loaded:
            existing = 0 if allow_empty_replace else helpers.rows_in_destination(name)
            if existing:
                raise SourceError(
                    NAME,
                    f"{path.name} has no rows: it would replace the {existing:,} rows of table "
                    f"{name} with none. Refused: fix the file, or empty the table on purpose "
                    "with `ai-roi run files --allow-empty` (source argument "
                    "allow_empty_replace=True)",
                )
            yield dlt.mark.materialize_table_schema()  # an empty file empties its table
        hashes[name] = digest

    return rows


@configspec
class FilesConfiguration(BaseConfiguration):
    """What dlt injects into `source()`: `full_refresh` and `allow_empty_replace`.

    `path` is read by `source_setting` as exactly `sources.files.path`: injected, dlt would
    fall back to the bare key `path`, the `PATH` environment variable, which is always set.
    """

    full_refresh: bool = False
    allow_empty_replace: bool = False


@dlt.source(name=NAME, spec=FilesConfiguration)
def source(
    path: str | None = None, full_refresh: bool = False, allow_empty_replace: bool = False
) -> Any:
    """The lookup files in `path` (relative paths are taken from the project root).

    `path` defaults to `sources.files.path` (`.dlt/config.toml`, env `SOURCES__FILES__PATH`),
    else `data/files`. `full_refresh=True` reloads every file even when its content did not
    change. `allow_empty_replace=True` lets a file with no rows empty a table that has rows
    (refused otherwise).
    """
    printer = print
    folder = helpers.resolve_folder(path or source_setting(NAME, "path") or DEFAULT_PATH)
    found = helpers.discover(folder)
    for note in found.notes:
        printer(f"  [{NAME}] note: {note}")
    progress = Progress(NAME, printer)
    return [
        _file_resource(
            TABLES[name], file_path, full_refresh, allow_empty_replace, progress, printer
        )
        for name, file_path in found.files.items()
    ]
