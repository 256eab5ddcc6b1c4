"""Rows/s of chosen sources on the demo world: the demo server on 127.0.0.1 serves a
generated world and each source runs through `ingest` (extract, normalize, validation
before commit, load) into a scratch warehouse, twice (the second run is incremental and
should load nothing).

    .venv/bin/python -m ingestion.bench.demo_sources [--data data/demo] [--sources cursor claude_code ai_spend gitlab]

Generates the world into `--data` first when it has no manifest. Prints one line per
source and run: rows loaded, seconds, rows/s, and with `--tables` the rows of each table.
`gitlab` reads the world's GitLab-hosted team (manifest.json -> gitlab; a world generated
with `--no-gitlab` has none). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_SOURCES = ("cursor", "claude_code", "ai_spend", "gitlab")


def measure(
    data_dir: Path, sources: list[str], printer: Any = print, tables: bool = False
) -> list[dict[str, Any]]:
    from ingestion.common.config import disable_telemetry
    from ingestion.demo.server import serve
    from ingestion.demo_job import demo_source_configs
    from ingestion.orchestrate import ingest

    disable_telemetry()
    manifest_path = data_dir / "manifest.json"
    if not manifest_path.exists():
        from ingestion.demo.generator import generate

        generate(data_dir)
    manifest = json.loads(manifest_path.read_text())
    results = []
    with tempfile.TemporaryDirectory(prefix="ai_roi_bench_demo_") as tmp, serve(data_dir) as api:
        os.environ["AI_ROI_PIPELINES_DIR"] = str(Path(tmp) / "pipelines")
        configs = demo_source_configs(api, data_dir, manifest)
        for name in sources:
            if name not in configs:
                printer(f"{name:<12} skipped: this world has no data for it")
                continue
            db = Path(tmp) / f"{name}.duckdb"
            for run in ("first", "second"):
                started = time.monotonic()
                summary, _ = ingest(name, configs[name], db_path=db, printer=lambda _: None)
                seconds = time.monotonic() - started
                rows = summary.total_rows
                results.append(
                    {
                        "source": name,
                        "run": run,
                        "rows": rows,
                        "seconds": seconds,
                        "tables": dict(summary.row_counts),
                    }
                )
                printer(
                    f"{name:<12} {run:<6} {rows:>8,} rows {seconds:>7.2f}s "
                    f"{(rows / seconds if seconds else 0):>9,.0f} rows/s"
                )
                if tables:
                    for table, count in sorted(summary.row_counts.items()):
                        if count:
                            printer(f"{'':<12} {'':<6} {count:>8,} {table}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/demo"))
    parser.add_argument("--sources", nargs="+", default=list(DEFAULT_SOURCES))
    parser.add_argument("--tables", action="store_true", help="print each table's rows too")
    args = parser.parse_args(argv)
    measure(args.data, args.sources, tables=args.tables)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
