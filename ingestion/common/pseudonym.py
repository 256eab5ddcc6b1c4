"""Person pseudonyms: HMAC-SHA256 (hex) of the trimmed, lower-cased identifier with a
secret key that is never written to the warehouse, to dbt's target/ or logs/, or to any
compiled SQL.

The key is read at connection time, in this order:

1. the environment variable `AI_ROI_PSEUDONYM_KEY`;
2. `pseudonym_key` in the `[ai_roi]` table of `.dlt/secrets.toml` (git-ignored; refused
   while other users may read it: `ingestion.common.config.refuse_exposed_secrets`);
3. neither: a random 32-byte key (hex) is generated, appended to `.dlt/secrets.toml`
   (created with mode 0600; existing content is kept) and one line says where.

dbt computes pseudonyms with the DuckDB function `ai_roi_pseudonym(varchar)` that the
dbt-duckdb plugin `ingestion.dbt_plugins.pseudonym_plugin` registers on each connection
(`macros/pseudonymize.sql` calls it); Python code calls `pseudonym()` here, so both give
the same value for the same key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingestion.common.config import refuse_exposed_secrets

#: environment variable holding the key (any characters; UTF-8 encoded for HMAC)
KEY_ENV = "AI_ROI_PSEUDONYM_KEY"
#: the secrets.toml table and key holding it
SECRETS_TABLE = "ai_roi"
SECRETS_KEY = "pseudonym_key"
#: the DuckDB scalar function dbt models call (macros/pseudonymize.sql)
UDF_NAME = "ai_roi_pseudonym"

_TABLE_HEADER = re.compile(r'^[ \t]*\[[ \t]*"?ai_roi"?[ \t]*\][ \t]*(#.*)?$', re.MULTILINE)


class PseudonymKeyError(RuntimeError):
    """The key cannot be read or stored; the message says what to do."""


def pseudonym(value: str | None, key: bytes | str) -> str | None:
    """HMAC-SHA256 (hex) of `value.strip().lower()` with `key`; None stays None."""
    if value is None:
        return None
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.new(raw_key, value.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymizer(key: bytes | str) -> Callable[[str | None], str | None]:
    """`pseudonym` bound to one key, memoised (logins repeat across millions of rows)."""
    base = hmac.new(key.encode("utf-8") if isinstance(key, str) else key, None, hashlib.sha256)

    @lru_cache(maxsize=1 << 16)
    def one(value: str) -> str:
        digest = base.copy()
        digest.update(value.strip().lower().encode("utf-8"))
        return digest.hexdigest()

    def apply(value: str | None) -> str | None:
        return None if value is None else one(value)

    return apply


def register_udf(con: Any, key: bytes | str) -> None:
    """Register `ai_roi_pseudonym(varchar) -> varchar` on a DuckDB connection (and so on
    its cursors). Vectorised over Arrow arrays; null in, null out."""
    import pyarrow as pa

    apply = pseudonymizer(key)

    def udf(values: Any) -> Any:
        return pa.array([apply(value) for value in values.to_pylist()], type=pa.string())

    con.create_function(UDF_NAME, udf, ["VARCHAR"], "VARCHAR", type="arrow")


def secrets_file(project_dir: Path | str | None = None) -> Path:
    """The `.dlt/secrets.toml` dlt reads: under `DLT_PROJECT_DIR` when set, else under
    `project_dir` (the dbt project), else under the working directory."""
    base = os.environ.get("DLT_PROJECT_DIR") or project_dir or Path.cwd()
    return Path(base) / ".dlt" / "secrets.toml"


def _key_in(text: str, path: Path) -> str | None:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PseudonymKeyError(
            f"{path} is not valid TOML ({exc}): fix it, or set {KEY_ENV}"
        ) from exc
    table = document.get(SECRETS_TABLE)
    value = table.get(SECRETS_KEY) if isinstance(table, dict) else None
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PseudonymKeyError(f"{path}: [{SECRETS_TABLE}] {SECRETS_KEY} must be a string")
    return value


def _with_key(text: str, key: str) -> str:
    """`text` plus `pseudonym_key = "<key>"` in its `[ai_roi]` table (added at the end
    when absent); nothing else changes."""
    line = f'{SECRETS_KEY} = "{key}"\n'
    header = _TABLE_HEADER.search(text)
    if header:
        end = header.end()
        if end < len(text) and text[end] == "\n":
            return text[: end + 1] + line + text[end + 1 :]
        return text[:end] + "\n" + line + text[end:]
    separator = (
        "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    )
    comment = "# Pseudonym key (HMAC-SHA256 of person identifiers); see README: Privacy.\n"
    return f"{text}{separator}[{SECRETS_TABLE}]\n{comment}{line}"


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform: first writer wins
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def load_key(
    project_dir: Path | str | None = None,
    *,
    create: bool = True,
    printer: Callable[[str], None] = print,
) -> bytes:
    """The key's UTF-8 bytes: env, else secrets.toml, else (when `create`) a new one
    written to secrets.toml (0600) with one line through `printer` saying where."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return configured.encode("utf-8")
    path = secrets_file(project_dir)
    refuse_exposed_secrets(path)
    if path.exists():
        stored = _key_in(path.read_text(encoding="utf-8"), path)
        if stored is not None:
            return stored.encode("utf-8")
    if not create:
        raise PseudonymKeyError(
            f"no pseudonym key: set {KEY_ENV} or [{SECRETS_TABLE}] {SECRETS_KEY} in {path}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise PseudonymKeyError(
            f"no pseudonym key set and {path} cannot be written ({exc}): "
            f"set {KEY_ENV} or [{SECRETS_TABLE}] {SECRETS_KEY} in a secrets.toml"
        ) from exc
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        _lock(fd)  # another process generating at the same moment waits, then reads ours
        text = handle.read()
        stored = _key_in(text, path)
        if stored is not None:
            return stored.encode("utf-8")
        key = secrets.token_hex(32)
        updated = _with_key(text, key)
        if _key_in(updated, path) != key:  # never leave a file dlt cannot parse
            raise PseudonymKeyError(
                f"cannot add [{SECRETS_TABLE}] {SECRETS_KEY} to {path} safely: add it by hand"
            )
        handle.seek(0)
        handle.write(updated)
        handle.truncate()
        handle.flush()
        os.fsync(fd)
        os.chmod(path, 0o600)  # a file holding the key: owner only
    printer(
        f"No pseudonym key set: generated one into {path} (keep it: a new key changes every "
        "person pseudonym; README: Privacy)"
    )
    return key.encode("utf-8")
