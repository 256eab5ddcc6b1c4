"""What every vendor's routes share: the error answer, time parsing, filters, reading the
demo's JSONL files."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def read_jsonl(path: Path) -> list[Any]:
    """The records of a JSONL file, blank lines skipped; a missing file has none."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


class ApiError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def parse_time(value: str) -> datetime:
    """ISO 8601 (with Z, an offset, or a bare date; Jira's `+0100` too) -> aware UTC datetime."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    text = text.replace(" ", "T")
    match = re.search(r"([+-]\d{2})(\d{2})$", text)
    if match and not re.search(r"[+-]\d{2}:\d{2}$", text):
        text = text[: match.start()] + f"{match.group(1)}:{match.group(2)}"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _date_matches(value: str, query: str) -> bool:
    """GitHub's date qualifier (`>=2026-02-10`, `<2026-03-01`, `2026-02-01..2026-02-28`,
    `2026-02-10`) against an ISO timestamp, by its UTC day."""
    day = parse_time(value).date()
    if ".." in query:
        low, high = query.split("..", 1)
        return (low in ("", "*") or day >= date.fromisoformat(low[:10])) and (
            high in ("", "*") or day <= date.fromisoformat(high[:10])
        )
    for operator, test in (
        (">=", day.__ge__),
        ("<=", day.__le__),
        (">", day.__gt__),
        ("<", day.__lt__),
    ):
        if query.startswith(operator):
            return bool(test(date.fromisoformat(query[len(operator) :][:10])))
    return day == date.fromisoformat(query[:10])


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}
