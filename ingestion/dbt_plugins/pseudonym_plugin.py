"""dbt-duckdb plugin: registers `ai_roi_pseudonym(varchar) -> varchar` on every connection
dbt opens, so `macros/pseudonymize.sql` compiles to a function call and the secret key
never appears in SQL, in target/, in logs/ or in the warehouse.

The key is resolved once per dbt process when the first connection opens (env
`AI_ROI_PSEUDONYM_KEY`, else `.dlt/secrets.toml` of the dbt project, else generated
there): see `ingestion.common.pseudonym`. It never comes from a dbt var or env_var(),
which dbt would record in its artifacts. Optional plugin config: `project_dir` (where
`.dlt/` is; default: dbt's project dir).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from ingestion.common.pseudonym import load_key, register_udf


def _dbt_project_dir() -> Path | None:
    try:
        from dbt.flags import get_flags

        project_dir = getattr(get_flags(), "PROJECT_DIR", None)
    except Exception:  # flags not set (plugin used outside the dbt CLI)
        return None
    return Path(project_dir) if project_dir else None


def _announce(line: str) -> None:
    # `WARN` keeps the line in `ai-roi build` / `ai-roi demo` output, which shows dbt's
    # progress and warning lines only
    print(f"WARN {line}", file=sys.stdout, flush=True)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._project_dir = plugin_config.get("project_dir") or _dbt_project_dir()
        self._key: bytes | None = None

    def configure_connection(self, conn: Any) -> None:
        if self._key is None:
            self._key = load_key(self._project_dir, printer=_announce)
        register_udf(conn, self._key)
