"""Finding, reading and checking AI usage files (CSV or JSON lines)."""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ingestion.common.config import PROJECT_ROOT
from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.sources.ai_usage_files.settings import (
    AI_USAGE_DAILY,
    EXTENSIONS,
    FILE_COLUMN_NAMES,
    NAME,
    REQUIRED_HEADER,
    TABLE,
    TEAM_SUBJECT_PREFIX,
)

Row = tuple[int, dict[str, Any]]


def _resolve(path: str | Path) -> Path:
    candidate = Path(path).expanduser()
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return PROJECT_ROOT / candidate


def _glob_base(pattern: str) -> Path:
    """The folder a glob searches: its leading parts without wildcards."""
    parts = Path(pattern).parts
    base: list[str] = []
    for part in parts[:-1]:
        if any(ch in part for ch in "*?["):
            break
        base.append(part)
    return Path(*base) if base else Path(".")


def _refuse_outside(files: list[Path], folder: Path) -> list[Path]:
    """The drop-folder boundary: every file must resolve (symlinks and `..` followed) inside
    `folder`; one that does not is refused before it is opened."""
    root = folder.resolve()
    for file in files:
        if not file.resolve().is_relative_to(root):
            raise SourceError(
                NAME,
                f"{file.name} is refused: it resolves outside the usage file folder {folder} "
                "(a symlink or '..' pointing elsewhere); only files inside the folder are read",
            )
    return files


def find_files(path: str | Path) -> list[Path]:
    """The usage files under a folder (its CSV/JSON-lines files), or matching a glob.

    Each must resolve inside the folder (for a glob: its leading part without wildcards;
    for a single file: its folder), else `SourceError` names it and the rule.
    """
    text = str(path)
    if any(ch in text for ch in "*?["):
        pattern = str(_resolve(text)) if not Path(text).expanduser().is_absolute() else text
        files = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        unsupported = [f.name for f in files if f.suffix.lower() not in EXTENSIONS]
        if unsupported:
            raise SourceError(
                NAME,
                f"{path}: unsupported file type {unsupported[0]!r} (use {', '.join(EXTENSIONS)})",
            )
        return _refuse_outside(files, _glob_base(pattern))
    folder = _resolve(text)
    if folder.is_file():
        return _refuse_outside([folder], folder.parent)
    if not folder.is_dir():
        raise SourceError(NAME, f"usage file folder {text!r} does not exist")
    candidates = sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS)
    return [p for p in _refuse_outside(candidates, folder) if p.is_file()]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_columns(file_name: str, columns: list[str]) -> None:
    for column in columns:
        if column.strip().lower() not in FILE_COLUMN_NAMES:
            raise SourceError(
                NAME,
                f"{file_name}: unknown column {column!r} (allowed: {', '.join(FILE_COLUMN_NAMES)})",
            )


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_csv(file_name: str, text: str) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    _check_columns(file_name, header)
    missing = [c for c in REQUIRED_HEADER if c not in {h.strip().lower() for h in header}]
    if missing:
        raise SourceError(NAME, f"{file_name}: missing required column {missing[0]!r}")
    for raw in reader:
        if None in raw:
            raise SourceError(
                NAME, f"{file_name} line {reader.line_num}: more values than header columns"
            )
        yield reader.line_num, {k.strip().lower(): _clean(v) for k, v in raw.items()}


def read_json_lines(file_name: str, text: str) -> Iterator[Row]:
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(
                NAME, f"{file_name}: not valid JSON ({exc.msg} at line {exc.lineno})"
            ) from None
        numbered: Iterator[tuple[int, Any]] = iter(enumerate(items, start=1))
    else:
        numbered = _json_lines(file_name, text)
    for number, item in numbered:
        if not isinstance(item, Mapping):
            raise SourceError(NAME, f"{file_name} line {number}: expected a JSON object")
        _check_columns(file_name, list(item))
        yield number, {k.strip().lower(): _clean(v) for k, v in item.items()}


def _json_lines(file_name: str, text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            # the parser's reason and column only: the line may hold anything
            raise SourceError(
                NAME,
                f"{file_name} line {number}: not valid JSON ({exc.msg} at column {exc.colno})",
            ) from None


def read_rows(file_name: str, data: bytes) -> Iterator[Row]:
    """(line number, raw row) pairs of one file; unknown columns raise `SourceError`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(NAME, f"{file_name}: not UTF-8 text") from None
    if file_name.lower().endswith(".csv"):
        return read_csv(file_name, text)
    return read_json_lines(file_name, text)


def shape_row(raw: dict[str, Any], file_name: str, line: int) -> dict[str, Any]:
    """Check and type one row; errors name the file and line as the record key."""
    where = f"{file_name} line {line}"
    login, team = raw.get("user_login"), raw.get("team")
    if login is None and team is None:
        raise MalformedRecordError(
            NAME, TABLE, where, "user_login", "or team is required (both empty)"
        )
    record = {
        **raw,
        "subject": str(login) if login is not None else f"{TEAM_SUBJECT_PREFIX}{team}",
        "source_file": file_name,
    }
    try:
        row = AI_USAGE_DAILY.shape(record)
    except MalformedRecordError as exc:
        raise MalformedRecordError(exc.source, exc.table, where, exc.field, exc.rule) from None
    cost = row.get("cost_usd")
    if isinstance(cost, Decimal) and not cost.is_finite():
        raise MalformedRecordError(
            NAME, TABLE, where, "cost_usd", f"must be a finite decimal but got {cost}"
        )
    return row


def row_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[k] for k in AI_USAGE_DAILY.primary_key)
