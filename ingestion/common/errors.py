"""Errors that name the source, the record or table, the field and the rule broken."""

from __future__ import annotations

from collections.abc import Sequence


class IngestionError(Exception):
    """Base class: every message starts with the source name."""


class SourceError(IngestionError):
    """A source could not fetch or parse what the vendor returned."""

    def __init__(self, source: str, message: str, status: int | None = None) -> None:
        super().__init__(f"[{source}] {message}")
        self.source = source
        #: the HTTP status when the error is a vendor's answer (e.g. 404 = no data that day)
        self.status = status


class MalformedRecordError(IngestionError):
    """A record broke the source's schema: nothing from the run is loaded."""

    def __init__(self, source: str, table: str, key: object, field: str, rule: str) -> None:
        super().__init__(
            f"[{source}] malformed record in table '{table}' (key {key!r}): field '{field}' {rule}"
        )
        self.source = source
        self.table = table
        self.key = key
        self.field = field
        self.rule = rule


class ValidationFailedError(IngestionError):
    """One or more checks failed: on a load before it was committed (`run_source`: the
    source's Great Expectations suites, the clock check, the cursor guard), or on the raw
    tables (`validate_tables`).

    `source` (when given) starts the message; `note` ends it (e.g. that nothing was loaded
    and where the failing rows were quarantined).
    """

    def __init__(
        self, failures: Sequence[object], *, source: str | None = None, note: str | None = None
    ) -> None:
        lines = [str(f) for f in failures]
        head = f"[{source}] data validation failed" if source else "data validation failed"
        message = f"{head}:\n  " + "\n  ".join(lines)
        if note:
            message += f"\n  {note}"
        super().__init__(message)
        self.failures = list(failures)
        self.source = source
        self.note = note


class SecretsExposedError(IngestionError):
    """A file holding secrets (API tokens, the pseudonym key) can be read or changed by
    users other than its owner: nothing reads it until it is the owner's alone."""


class BuildRefusedError(IngestionError):
    """`ai-roi build` will not publish marts from data whose last check failed or whose last
    load did not finish."""


class DeadlineExceededError(SourceError):
    """A request or a whole source run took longer than its deadline.

    `kind` is "request" (one HTTP request: connect, headers and the whole body) or "run"
    (one source run); `seconds` is the deadline that passed and `setting` the environment
    variable that sets it.
    """

    def __init__(self, source: str, message: str, *, kind: str, seconds: float) -> None:
        super().__init__(source, message)
        self.kind = kind
        self.seconds = seconds
        self.setting = (
            "AI_ROI_REQUEST_DEADLINE_SECONDS"
            if kind == "request"
            else "AI_ROI_RUN_DEADLINE_SECONDS"
        )
        #: the message without the `[source] ` prefix (to reword it, e.g. `run_source` adds
        #: that nothing from the run was loaded)
        self.detail = message
