"""Project paths and environment defaults shared by the CLI, the sources and the tests."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.common.errors import SecretsExposedError

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Environment that turns every tool's telemetry off. Applied by `disable_telemetry()`
#: and by the Makefile, so nothing in the front door phones home.
TELEMETRY_OFF = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "GX_ANALYTICS_ENABLED": "false",
}


def disable_telemetry() -> None:
    for key, value in TELEMETRY_OFF.items():
        os.environ.setdefault(key, value)


def warehouse_path() -> Path:
    """The DuckDB file: `AI_ROI_DUCKDB_PATH` or `warehouse/ai_roi.duckdb` under the project."""
    configured = os.environ.get("AI_ROI_DUCKDB_PATH")
    path = Path(configured) if configured else PROJECT_ROOT / "warehouse" / "ai_roi.duckdb"
    return path if path.is_absolute() else (PROJECT_ROOT / path)


def pipelines_dir() -> Path:
    """Where dlt keeps pipeline state: beside the warehouse file, so one file set is one install."""
    configured = os.environ.get("AI_ROI_PIPELINES_DIR")
    return Path(configured) if configured else warehouse_path().parent / ".dlt_pipelines"


def dataset_name(source: str) -> str:
    """The DuckDB schema a source loads into; equal to the dbt source schema."""
    return f"raw_{source}"


def source_setting(source: str, key: str, *, secret: bool = False) -> Any:
    """`sources.<source>.<key>` as configured, or None when unset (or empty).

    Looked up in dlt's providers in their order: the environment
    (`SOURCES__<SOURCE>__<KEY>`), `.dlt/secrets.toml`, then (unless `secret`)
    `.dlt/config.toml`; the `.dlt` folder is the working directory's, or `DLT_PROJECT_DIR`'s.
    Exactly that key: an argument dlt injects into a source would also fall back to
    `sources.<key>` and to the bare `<key>`, which for `path` is the `PATH` environment
    variable.
    """
    import dlt

    accessor = dlt.secrets if secret else dlt.config
    # dlt types `get` without `expected_type` as returning no value at all (an unsolved
    # type variable): any value it may return, as the lookup does
    get: Callable[[str], Any] = accessor.get
    value = get(f"sources.{source}.{key}")
    return None if value is None or value == "" else value


@dataclass(frozen=True)
class Requirement:
    """A setting a source cannot run without (its `REQUIRED_CONFIG` lists them).

    Met by any of: `sources.<source>.<key>` for a key in `keys` (`source_setting`), an
    environment variable in `env` (the source's own fallbacks, e.g. `JIRA_API_TOKEN`), or,
    for a folder setting, its default `folder` existing under the working directory or
    the project root.
    """

    keys: tuple[str, ...]
    env: tuple[str, ...] = ()
    folder: str | None = None

    def met(self, source: str) -> bool:
        return (
            any(source_setting(source, key) is not None for key in self.keys)
            or any(os.environ.get(name) for name in self.env)
            or (
                self.folder is not None
                and any((base / self.folder).is_dir() for base in (Path.cwd(), PROJECT_ROOT))
            )
        )

    def describe(self, source: str) -> str:
        """`sources.jira.api_token (or JIRA_API_TOKEN) is not set`, ..."""
        text = " / ".join(f"sources.{source}.{key}" for key in self.keys)
        if self.env:
            text += f" (or {' / '.join(self.env)})"
        text += " is not set"
        if self.folder:
            text += f" and {self.folder} does not exist"
        return text


def missing_config(source: str, required: Iterable[Requirement]) -> list[str]:
    """What `source` lacks to run, per unmet requirement; [] when it is configured."""
    return [req.describe(source) for req in required if not req.met(source)]


def settings_dir() -> Path:
    """The `.dlt` folder dlt reads `config.toml` and `secrets.toml` from."""
    from dlt.common.configuration.container import Container
    from dlt.common.configuration.specs import PluggableRunContext

    return Path(Container()[PluggableRunContext].context.settings_dir).absolute()


def refuse_exposed_secrets(path: Path) -> None:
    """Stop when the secrets file `path` exists and users other than its owner may read or
    change it (any group or other permission bit: a copy of `secrets.toml.example` is 0644
    under the usual umask). It holds API tokens and the pseudonym key, whose reader can
    reverse every pseudonym by hashing the roster; ssh refuses a readable private key the
    same way. No effect where files carry no POSIX modes (Windows)."""
    if os.name != "posix" or not path.is_file():
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretsExposedError(
            f"[secrets] {path}: mode {mode:04o} lets other users read or change it, and it "
            "holds API tokens and the pseudonym key (rule: the owner's alone, mode 0600). "
            f"Run `chmod 600 {path}`, then run again; if others could read it, rotate the "
            "tokens and the key (README: Privacy)"
        )
