"""Run MetricFlow's `mf` CLI offline and against any dbt target folder.

`python -m ingestion.report.metricflow_cli validate-configs --skip-dw` is `mf validate-configs
--skip-dw`, with two local changes to dbt-metricflow 0.15's CLI:

- its PyPI update check (run on every call) answers "no update" without the network;
- the semantic manifest is read from `$DBT_TARGET_PATH/semantic_manifest.json` when that
  variable is set (dbt's own variable for `--target-path`); the CLI hard-codes `target/`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _patch() -> None:
    import update_checker
    from dbt_metricflow.cli.dbt_connectors import dbt_config_accessor
    from metricflow_semantic_interfaces.protocols.semantic_manifest import SemanticManifest
    from metricflow_semantics.model.dbt_manifest_parser import (
        parse_manifest_from_dbt_generated_manifest,
    )

    update_checker.UpdateChecker.check = lambda *_args, **_kwargs: None

    original = dbt_config_accessor.dbtArtifacts.build_semantic_manifest_from_dbt_project_root

    def build_semantic_manifest(project_root: Path) -> SemanticManifest:
        target = os.environ.get("DBT_TARGET_PATH")
        if not target:
            return original(project_root=project_root)
        path = Path(project_root, target, "semantic_manifest.json").resolve()
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run `dbt parse` first")
        return parse_manifest_from_dbt_generated_manifest(path.read_text())

    dbt_config_accessor.dbtArtifacts.build_semantic_manifest_from_dbt_project_root = staticmethod(  # type: ignore[method-assign]  # a patch: the CLI has no hook for the path
        build_semantic_manifest
    )


def main(argv: list[str] | None = None) -> int:
    _patch()
    from dbt_metricflow.cli.main import cli

    try:
        cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="mf")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    # nothing after the try: click's standalone `main` always ends in SystemExit (NoReturn)


if __name__ == "__main__":
    raise SystemExit(main())
