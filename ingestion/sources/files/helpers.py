"""Finding, reading and checking the drop-folder files (CSV or Parquet)."""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingestion.common.config import PROJECT_ROOT
from ingestion.common.errors import MalformedRecordError, SourceError

from .settings import CHUNK_ROWS, EXTENSIONS, REQUIRED_FILES, SOURCE, TABLES, FileTable


@dataclass(frozen=True)
class Discovery:
    files: dict[str, Path]
    notes: list[str]


def resolve_folder(path: str | Path) -> Path:
    """A relative folder is taken from the project root (like the warehouse path)."""
    folder = Path(path).expanduser()
    return folder if folder.is_absolute() else PROJECT_ROOT / folder


def outside_folder(item: Path, folder: Path) -> bool:
    """True when `item` resolves (symlinks and `..` followed) to a place outside `folder`."""
    return not item.resolve().is_relative_to(folder.resolve())


def refuse_outside(item: Path, folder: Path) -> None:
    """The drop-folder boundary: a file that resolves outside the folder is never read."""
    if outside_folder(item, folder):
        raise SourceError(
            SOURCE,
            f"{item.name} is refused: it resolves outside the drop folder {folder} (a symlink "
            "or '..' pointing elsewhere); only files inside the folder are read",
        )


def discover(folder: Path) -> Discovery:
    """Map each known table to its file; note unknown and absent optional files.

    Raises `SourceError` when the folder or a required file is missing, when a table
    has both a CSV and a Parquet file, or when a table's file resolves outside the folder
    (a symlink pointing out): that file is never opened.
    """
    if not folder.is_dir():
        raise SourceError(SOURCE, f"folder {folder} does not exist")
    files: dict[str, Path] = {}
    notes: list[str] = []
    for item in sorted(folder.iterdir()):
        if item.name.startswith("."):
            continue
        if item.suffix.lower() in EXTENSIONS and item.stem in TABLES:
            refuse_outside(item, folder)  # checked before anything opens the file
        if not item.is_file():
            continue
        if item.suffix.lower() not in EXTENSIONS:
            notes.append(f"ignoring {item.name}: not a .csv or .parquet file")
            continue
        if item.stem not in TABLES:
            notes.append(f"ignoring {item.name}: not one of the known tables ({', '.join(TABLES)})")
            continue
        if item.stem in files:
            raise SourceError(
                SOURCE, f"both {files[item.stem].name} and {item.name} exist: keep one"
            )
        files[item.stem] = item
    missing = [name for name in REQUIRED_FILES if name not in files]
    if missing:
        wanted = ", ".join(f"{name}.csv" for name in missing)
        raise SourceError(SOURCE, f"required file(s) missing from {folder}: {wanted} (or .parquet)")
    for name in TABLES:
        if name not in files:
            notes.append(f"no {name}.csv or {name}.parquet in {folder}: table {name} skipped")
    return Discovery(files, notes)


def rows_in_destination(table: str) -> int:
    """Rows `raw_files.<table>` holds now in the pipeline's destination (0 when it does not
    exist yet); called while the pipeline extracts."""
    import dlt
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    pipeline = dlt.current.pipeline()
    if SOURCE not in pipeline.schema_names:
        return 0
    try:
        with pipeline.sql_client(SOURCE) as client:
            if not client.has_dataset():
                return 0
            name = client.make_qualified_table_name(table)
            rows = client.execute_sql(f"select count(*) from {name}")
    except DatabaseUndefinedRelation:
        return 0
    return int(rows[0][0]) if rows else 0


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _malformed(table: FileTable, where: str, column: str, rule: str) -> MalformedRecordError:
    return MalformedRecordError(SOURCE, table.name, where, column, rule)


def check_header(table: FileTable, path: Path, header: list[str], where: str) -> None:
    """Unknown columns and missing required columns fail; missing optional ones are null."""
    known = [c.name for c in table.spec.columns]
    for name in header:
        if name not in known:
            raise _malformed(
                table, where, name, f"is not a column of {table.name} (expected {known})"
            )
    if len(set(header)) != len(header):
        duplicate = next(n for n in header if header.count(n) > 1)
        raise _malformed(table, where, duplicate, "appears twice in the header")
    for col in table.spec.columns:
        if col.required and col.name not in header:
            raise _malformed(table, where, col.name, "is a required column but is missing")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def shape_row(table: FileTable, record: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Type one row with the table's spec, then apply its value rules."""
    cleaned = {k: _clean(v) for k, v in record.items()}
    try:
        row = table.spec.shape(cleaned)
    except MalformedRecordError as exc:
        raise _malformed(table, where, exc.field, exc.rule) from None
    for name, value in row.items():
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            raise _malformed(table, where, name, f"must be a finite number but got {value!r}")
    for rule in table.rules:
        if not rule.check(row):
            raise _malformed(table, where, rule.column, f"{rule.text} but got {row[rule.column]!r}")
    return row


def _csv_rows(table: FileTable, path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            return  # an empty file (not even a header): no rows
        header = [(name or "").strip() for name in reader.fieldnames]
        check_header(table, path, header, f"{path.name} line 1")
        reader.fieldnames = header
        for record in reader:
            where = f"{path.name} line {reader.line_num}"
            if None in record:
                raise _malformed(
                    table, where, "<row>", f"has more cells than the header's {len(header)}"
                )
            yield where, record


def _parquet_rows(table: FileTable, path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise SourceError(SOURCE, f"{path.name} is not a readable Parquet file: {exc}") from None
    check_header(table, path, list(parquet.schema_arrow.names), f"{path.name} schema")
    index = 0
    for batch in parquet.iter_batches(batch_size=CHUNK_ROWS):
        for record in batch.to_pylist():
            yield f"{path.name} row index {index}", record
            index += 1


def read_table(table: FileTable, path: Path) -> Iterator[list[dict[str, Any]]]:
    """Chunks of typed rows of one file; raises on the first bad header, row or value."""
    reader = _parquet_rows if path.suffix.lower() == ".parquet" else _csv_rows
    chunk: list[dict[str, Any]] = []
    try:
        for where, record in reader(table, path):
            chunk.append(shape_row(table, record, where))
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, f"{path.name} is not UTF-8 text: {exc}") from None
    except csv.Error as exc:
        raise SourceError(SOURCE, f"{path.name} is not valid CSV: {exc}") from None
    if chunk:
        yield chunk
