"""A throwaway dbt project on DuckDB for testing the project's conventions in isolation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ingestion.common.config import PROJECT_ROOT, TELEMETRY_OFF


def make_project(
    tmp_path: Path,
    files: dict[str, str],
    macros: tuple[str, ...] = (),
    *,
    project_yml: str = "",
    threads: int = 1,
) -> Path:
    """`files`: path (under the project) -> text; `macros`: project macro files to copy;
    `project_yml`: extra dbt_project.yml lines; `threads`: dbt's threads."""
    root = tmp_path / "project"
    (root / "macros").mkdir(parents=True)
    for macro in macros:
        shutil.copy(PROJECT_ROOT / macro, root / "macros")
    (root / "dbt_project.yml").write_text(
        "name: throwaway\nversion: '1.0'\nprofile: throwaway\nconfig-version: 2\n" + project_yml
    )
    (root / "profiles.yml").write_text(
        "throwaway:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {tmp_path / 'throwaway.duckdb'}\n      threads: {threads}\n"
    )
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def dbt_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    dbt = Path(sys.executable).with_name("dbt")
    env = {**TELEMETRY_OFF, "PATH": "/usr/bin:/bin", "HOME": str(root)}
    return subprocess.run(
        [str(dbt), "build", "--profiles-dir", str(root), "--project-dir", str(root), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
