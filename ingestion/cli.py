"""`ai-roi` (or `python -m ingestion`): load, validate, build and inspect the AI ROI warehouse."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import duckdb

from ingestion.common.config import disable_telemetry, warehouse_path
from ingestion.common.errors import IngestionError
from ingestion.sources import SOURCE_NAMES

DESCRIPTION = """\
Measure the return on AI tools in software teams.

Typical use:
  ai-roi demo                     generate the demo company, load, validate, build, print the scorecard
  ai-roi run --all                load every configured source (.dlt/config.toml + secrets), then validate
  ai-roi run github jira          load some sources
  ai-roi validate                 re-run the Great Expectations checks on the raw tables
  ai-roi build                    dbt build (staging -> intermediate -> marts, with all tests)
  ai-roi build -s marts --vars '{min_group_size: 7}' -- --threads 2
                                  dbt options pass through (--select/-s, --exclude, --vars,
                                  --full-refresh; any other after --)
  ai-roi status                   what is loaded: tables, rows, last load time
  ai-roi scorecard                print the headline numbers from the marts

The warehouse is a DuckDB file: $AI_ROI_DUCKDB_PATH or warehouse/ai_roi.duckdb.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ai-roi", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole job on the bundled demo organisation")
    demo.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    demo.add_argument("--no-scorecard", action="store_true", help="skip printing the scorecard")

    run = sub.add_parser("run", help="load sources with their configured settings, then validate")
    run.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="one or more of: " + ", ".join(SOURCE_NAMES)
    )
    run.add_argument("--all", action="store_true", help="every source: " + ", ".join(SOURCE_NAMES))
    run.add_argument(
        "--no-validate", action="store_true", help="skip the Great Expectations checks"
    )

    validate = sub.add_parser("validate", help="run the Great Expectations checks on raw tables")
    validate.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="default: every loaded source"
    )

    build = sub.add_parser(
        "build",
        help="dbt build the warehouse",
        description="dbt build the warehouse (staging -> intermediate -> marts, with all tests).",
        epilog="Any other dbt option goes after `--`: ai-roi build -s marts -- --threads 2",
    )
    build.add_argument(
        "-s",
        "--select",
        nargs="+",
        action="extend",
        metavar="SELECTOR",
        help="dbt node selection, e.g. `-s marts` or `-s +rpt_ai_roi_scorecard`",
    )
    build.add_argument(
        "--exclude", nargs="+", action="extend", metavar="SELECTOR", help="dbt nodes to leave out"
    )
    build.add_argument("--vars", metavar="YAML", help="dbt vars, e.g. --vars '{min_group_size: 7}'")
    build.add_argument(
        "--full-refresh", action="store_true", help="rebuild incremental models from scratch"
    )
    build.add_argument(
        "dbt_args", nargs="*", metavar="-- DBT_ARGS", help="passed to `dbt build` unchanged"
    )
    sub.add_parser("status", help="list raw tables with row counts and last load time")
    sub.add_parser("scorecard", help="print the headline numbers from marts.rpt_ai_roi_scorecard")
    return parser


def _status() -> int:
    path = warehouse_path()
    if not path.exists():
        print(f"No warehouse yet at {path}. Run `ai-roi demo` or `ai-roi run --all`.")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw_%' and table_name not like '_dlt%' order by 1, 2"
        ).fetchall()
        print(f"{'table':<60}{'rows':>12}  last load (UTC)")
        for schema, table in tables:
            rows, last = con.execute(
                f'select count(*), max(to_timestamp(cast(_dlt_load_id as double))) from "{schema}"."{table}"'
            ).fetchone()
            print(f"{schema + '.' + table:<60}{rows:>12,}  {last}")
    finally:
        con.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    disable_telemetry()
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from ingestion.demo_job import run_demo

            run_demo(seed=args.seed, show_scorecard=not args.no_scorecard)
        elif args.command == "run":
            from ingestion.orchestrate import ingest_many

            names = list(SOURCE_NAMES) if args.all else list(args.sources)
            unknown = sorted(set(names) - set(SOURCE_NAMES))
            if unknown:
                print(
                    f"Unknown source(s): {', '.join(unknown)}. Known: {', '.join(SOURCE_NAMES)}",
                    file=sys.stderr,
                )
                return 2
            if not names:
                print("Name the sources to run, or --all.", file=sys.stderr)
                return 2
            ingest_many({name: {} for name in names}, validate=not args.no_validate)
        elif args.command == "validate":
            from ingestion.common.validation import validate_tables
            from ingestion.orchestrate import load_source_module

            for name in args.sources or SOURCE_NAMES:
                validate_tables(name, load_source_module(name).SUITES)
        elif args.command == "build":
            from ingestion.orchestrate import build

            build(
                select=args.select,
                exclude=args.exclude,
                dbt_vars=args.vars,
                full_refresh=args.full_refresh,
                extra_args=args.dbt_args,
            )
        elif args.command == "status":
            return _status()
        elif args.command == "scorecard":
            from ingestion.scorecard import print_scorecard

            print_scorecard()
    except IngestionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
