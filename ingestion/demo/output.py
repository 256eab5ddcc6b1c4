"""Deterministic file writers that count what they write (for the manifest)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class Output:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.counts: dict[str, int] = {}
        self._handles: dict[str, TextIO] = {}

    def path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_jsonl(self, rel: str, rows: Iterable[Any]) -> int:
        count = 0
        with self.path(rel).open("w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(dumps(row))
                handle.write("\n")
                count += 1
        self.counts[rel] = self.counts.get(rel, 0) + count
        return count

    def append_jsonl(self, rel: str, rows: Iterable[Any]) -> int:
        """Append to a file kept open for the whole run (closed by `close`)."""
        handle = self._handles.get(rel)
        if handle is None:
            handle = self.path(rel).open("w", encoding="utf-8", newline="\n")
            self._handles[rel] = handle
            self.counts.setdefault(rel, 0)
        count = 0
        for row in rows:
            handle.write(dumps(row))
            handle.write("\n")
            count += 1
        self.counts[rel] += count
        return count

    def write_json(self, rel: str, obj: Any, count: int | None = None) -> None:
        with self.path(rel).open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(json.dumps(obj, indent=2, ensure_ascii=False))
            handle.write("\n")
        if count is not None:
            self.counts[rel] = count

    def write_csv(self, rel: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        with self.path(rel).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow(["" if value is None else value for value in row])
                count += 1
        self.counts[rel] = count
        return count

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()
