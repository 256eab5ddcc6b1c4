"""`ai-roi` (or `python -m ingestion`): load, validate, build and inspect the AI ROI warehouse."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from ingestion.common.config import disable_telemetry, settings_dir, warehouse_path
from ingestion.common.errors import IngestionError
from ingestion.common.sql import scalar
from ingestion.sources import SOURCE_NAMES

DESCRIPTION = """\
Measure the return on AI tools in software teams.

Typical use:
  ai-roi demo                     generate the demo company, load, validate, build, print the scorecard
  ai-roi run --all                load every configured source (.dlt/config.toml + secrets), each load
                                  validated before it is committed; the others are skipped, each with
                                  the setting it lacks
  ai-roi run github jira          load some sources
  ai-roi validate                 re-run the Great Expectations checks on the raw tables
  ai-roi build                    dbt build (staging -> intermediate -> marts, with all tests) into a copy
                                  of the warehouse, swapped in on success; refused while a source's
                                  last load failed validation (--from-last-validated overrides)
  ai-roi build -s marts --vars '{min_group_size: 7}' -- --threads 2
                                  dbt options pass through (--select/-s, --exclude, --vars,
                                  --full-refresh; any other after --)
  ai-roi status                   what is loaded (tables, rows, last load time) and what you can see
  ai-roi scorecard                print the headline numbers from the marts
  ai-roi export-raw --to DIR      the validated raw tables as Parquet for Spark (a dlt pipeline,
                                  filesystem destination; default DIR: warehouse/spark/raw)

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
    demo.add_argument(
        "--delivery-styles",
        choices=["mixed"],
        default=None,
        help="mixed: one repository deploys by GitHub Actions runs, one by tags, and one team "
        "records incidents as labelled GitHub issues (default: Deployments API and PagerDuty)",
    )

    run = sub.add_parser("run", help="load sources with their configured settings, then validate")
    run.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="one or more of: " + ", ".join(SOURCE_NAMES)
    )
    run.add_argument(
        "--all",
        action="store_true",
        help="every configured source (skipping, with the reason, any whose required settings "
        "are not set): " + ", ".join(SOURCE_NAMES),
    )
    run.add_argument(
        "--no-validate",
        action="store_true",
        help="skip the Great Expectations suites (each load is still checked for timestamps "
        "later than now + AI_ROI_MAX_CLOCK_SKEW_HOURS before it is committed)",
    )
    run.add_argument(
        "--allow-empty",
        action="store_true",
        help="let a drop-folder file with no rows (header only, or empty) empty its table; "
        "refused by default while the table has rows (files source)",
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
        "--from-last-validated",
        action="store_true",
        help="build even though the last load of a source failed validation: from the data "
        "validated before it (a failed load is never written to the raw tables, so this only "
        "overrides the refusal)",
    )
    build.add_argument(
        "dbt_args", nargs="*", metavar="-- DBT_ARGS", help="passed to `dbt build` unchanged"
    )
    sub.add_parser(
        "status",
        help="raw tables with row counts and last load time; metric coverage per team",
    )
    sub.add_parser("scorecard", help="print the headline numbers from marts.rpt_ai_roi_scorecard")
    export_raw = sub.add_parser(
        "export-raw",
        help="the validated raw tables as Parquet in dlt's filesystem layout (for Spark)",
        description="The warehouse's validated raw tables through a dlt pipeline (filesystem "
        "destination, Parquet, replace) into DIR/<raw schema>/<table>/, where the Spark "
        "target reads them (README: Running on Spark / Databricks).",
    )
    export_raw.add_argument(
        "--to",
        metavar="DIR",
        help="the folder (default: the Spark target's raw folder, $AI_ROI_SPARK_DIR/raw or "
        "warehouse/spark/raw); dlt's state goes next to it, in DIR/../dlt_pipelines",
    )
    return parser


#: what to do about each `marts.fct_data_coverage.coverage_reason` ({sources}: the row's
#: sources_required as `ai-roi run` arguments)
COVERAGE_HINTS = {
    "source not loaded": "run `ai-roi run {sources}`",
    "no deployments recorded": (
        "no production deployments in the team's repositories: check service_ownership and "
        "the dbt vars production_environments / deployment_source_default"
    ),
    "no incidents recorded": (
        "no incidents on the team's services (good news, or map its PagerDuty services / "
        "Jira projects in service_ownership)"
    ),
    "no pull requests": "no pull requests by the team: check roster logins against GitHub",
    "no work items": "no Jira issues in the team's projects: check service_ownership",
    "no AI telemetry": (
        "no Copilot or AI usage rows for the team: run `ai-roi run copilot ai_usage_files`, "
        "check roster logins"
    ),
    "no seats": "no Copilot seats for the team's members (`ai-roi run copilot`)",
    "no costs": "no AI costs for the month: add them to ai_costs in the files drop folder",
    "no roster": "no rostered members: add the team to roster in the files drop folder",
    "below minimum group size": (
        "fewer members than the dbt var min_group_size, hidden to protect individuals"
    ),
    "outside observed window": "the month is outside the period the sources were loaded for",
}


def _load_time(load_id: object) -> str:
    """A dlt load id (unix seconds as text) as UTC time; blank when there is none."""
    if load_id is None:
        return ""
    stamp = datetime.fromtimestamp(float(str(load_id)), tz=UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


def _parent_joins(
    schema: str, table: str, columns: dict[tuple[str, str], set[str]]
) -> tuple[str, str] | None:
    """For a dlt child table: the joins `<table> t0 join <parent> t1 on ...` up to the
    nearest ancestor with load ids, and that ancestor's alias; None when there is none.

    A child table (`a__b`, `a__b__c`) has no `_dlt_load_id`: its rows hang off the root
    table's by `_dlt_root_id` (merge tables) or off the parent's by `_dlt_parent_id`.
    """

    def has(name: str, *wanted: str) -> bool:
        return set(wanted) <= columns.get((schema, name), set())

    root = table.split("__")[0]
    if has(table, "_dlt_root_id") and has(root, "_dlt_id", "_dlt_load_id"):
        return (
            f'"{schema}"."{table}" t0 join "{schema}"."{root}" t1 on t0._dlt_root_id = t1._dlt_id',
            "t1",
        )
    joins = f'"{schema}"."{table}" t0'
    child = table
    for depth in range(1, table.count("__") + 1):
        parent = child.rsplit("__", 1)[0]
        if not (has(child, "_dlt_parent_id") and has(parent, "_dlt_id")):
            return None
        joins += f' join "{schema}"."{parent}" t{depth} on t{depth - 1}._dlt_parent_id = t{depth}._dlt_id'
        if has(parent, "_dlt_load_id"):
            return joins, f"t{depth}"
        child = parent
    return None


def _raw_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, str]]:
    """(schema, table, rows, last load) of every raw table (not dlt's `raw_*_staging` copies
    of merge loads, nor its `_dlt_*` bookkeeping tables).

    The last load is the newest `_dlt_load_id` of the table's rows, for a dlt child table
    that of the rows of the nearest ancestor with load ids (`_parent_joins`); failing that
    the source's last completed load in `_dlt_loads`, marked `*`; else blank.
    """
    columns: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where starts_with(table_schema, 'raw_') and not ends_with(table_schema, '_staging')"
    ).fetchall():
        columns.setdefault((schema, table), set()).add(column)
    result = []
    for schema, table in sorted(columns):
        if table.startswith("_dlt"):
            continue
        name = f'"{schema}"."{table}"'
        rows = scalar(con, f"select count(*) from {name}")
        last = None
        marker = ""
        joins = _parent_joins(schema, table, columns)
        if "_dlt_load_id" in columns[(schema, table)]:
            sql = f"select max(cast(_dlt_load_id as double)) from {name}"
        elif joins:
            sql = f"select max(cast({joins[1]}._dlt_load_id as double)) from {joins[0]}"
        elif {"load_id", "status"} <= columns.get((schema, "_dlt_loads"), set()):
            sql = f'select max(cast(load_id as double)) from "{schema}"._dlt_loads where status = 0'
            marker = "*"
        else:
            sql = ""
        if sql:
            last = scalar(con, sql)
        when = _load_time(last) + marker if last is not None else ""
        result.append((schema, table, rows, when))
    return result


def _identity_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Per AI tool, the share of its latest month's usage that maps to a team
    (`marts.fct_ai_identity_coverage_monthly`); nothing without that mart."""
    exists = scalar(
        con,
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'fct_ai_identity_coverage_monthly'",
    )
    if not exists:
        return []
    rows = con.execute(
        "select ai_tool, month_start, usage_rows, usage_rows_mapped_to_team "
        "from marts.fct_ai_identity_coverage_monthly "
        "qualify month_start = max(month_start) over (partition by ai_tool) order by ai_tool"
    ).fetchall()
    if not rows:
        return []
    lines = ["", "AI usage mapped to a team (latest month per tool):"]
    for tool, month, total, mapped in rows:
        share = mapped / total if total else 0.0
        hint = "" if mapped == total else " -> map the rest in identity_map.csv (drop folder)"
        lines.append(f"  {tool} ({month:%Y-%m}): {share:.0%} of {total:,} usage rows{hint}")
    return lines


def _coverage_lines(con: duckdb.DuckDBPyConnection, loaded_sources: set[str]) -> list[str] | None:
    """The "What you can see" section from `marts.fct_data_coverage`, None without it."""
    exists = scalar(
        con,
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'fct_data_coverage'",
    )
    if not exists:
        return None
    month = scalar(con, "select max(month_start) from marts.fct_data_coverage")
    if month is None:
        return ["", "What you can see: marts.fct_data_coverage is empty."]
    rows = con.execute(
        "select metric_family, team_name, is_available, coverage_reason, sources_required "
        "from marts.fct_data_coverage where month_start = ? order by metric_family, team_name",
        [month],
    ).fetchall()
    families: dict[str, list[tuple[str, bool, str | None, str | None]]] = {}
    for family, team, available, reason, sources in rows:
        families.setdefault(family, []).append((team, bool(available), reason, sources))
    lines = ["", f"What you can see ({month:%Y-%m}, from marts.fct_data_coverage):"]
    for family, entries in families.items():
        teams = {team for team, *_ in entries}
        available = {team for team, ok, *_ in entries if ok}
        lines.append(f"  {family}: available for {len(available)} of {len(teams)} teams")
        reasons: dict[str, set[str]] = {}
        required: dict[str, list[str]] = {}
        for team, ok, reason, sources in entries:
            if ok or team in available:
                continue
            reason = reason or "no reason given"
            reasons.setdefault(reason, set()).add(team)
            for source in _source_names(sources) or ([sources.strip()] if sources else []):
                if source not in required.setdefault(reason, []):
                    required[reason].append(source)
        for reason, missing in sorted(reasons.items(), key=lambda item: (-len(item[1]), item[0])):
            hint = COVERAGE_HINTS.get(reason)
            if hint and "{sources}" in hint:
                wanted = required.get(reason, [])
                unloaded = [s for s in wanted if s not in loaded_sources] or wanted
                hint = hint.format(sources=" ".join(unloaded)) if unloaded else None
            lines.append(
                f"    {len(missing)} {'team' if len(missing) == 1 else 'teams'}: {reason}"
                + (f" -> {hint}" if hint else "")
            )
    return lines


def _source_names(sources_required: str | None) -> list[str]:
    """The known source names in a `sources_required` text (`github`, `copilot, files`),
    in the text's order."""
    words = re.findall(r"[a-z_]+", (sources_required or "").lower())
    return [w for w in dict.fromkeys(words) if w in SOURCE_NAMES]


def _status() -> int:
    path = warehouse_path()
    if not path.exists():
        print(f"No warehouse yet at {path}. Run `ai-roi demo` or `ai-roi run --all`.")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = _raw_tables(con)
        print(f"{'table':<60}{'rows':>12}  last load (UTC)")
        for schema, table, rows, when in tables:
            print(f"{schema + '.' + table:<60}{rows:>12,}  {when}".rstrip())
        if not tables:
            print("(no raw tables: run `ai-roi run --all` or `ai-roi demo`)")
        if any(when.endswith("*") for *_, when in tables):
            print("* the source's last load: the table has no load ids of its own")
        loaded = {schema.removeprefix("raw_") for schema, _, rows, _ in tables if rows}
        for line in (_coverage_lines(con, loaded) or []) + _identity_lines(con):
            print(line)
    finally:
        con.close()
    return 0


_NOTHING_CONFIGURED = """\
error: no source is configured. Set them in {settings}/config.toml (org, site_url,
repo_path, folders) and {settings}/secrets.toml (tokens; see secrets.toml.example), or as
environment variables (SOURCES__GITHUB__ORG, ...), then run `ai-roi run --all` again."""


def _export_raw(target: str | None) -> int:
    from pathlib import Path

    from ingestion.spark.raw import export_from_duckdb
    from ingestion.spark.session import raw_dir

    folder = Path(target) if target else raw_dir()
    try:
        written = export_from_duckdb(warehouse_path(), folder)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not written:
        print(f"error: export-raw: no raw tables in {warehouse_path()}", file=sys.stderr)
        return 1
    print(f"{len(written)} raw tables written to {folder.resolve()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    disable_telemetry()
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from ingestion.demo_job import run_demo

            run_demo(
                seed=args.seed,
                show_scorecard=not args.no_scorecard,
                delivery_styles=args.delivery_styles,
            )
        elif args.command == "run":
            from ingestion.orchestrate import ingest_many, takes_allow_empty, unconfigured

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
            if args.all:
                skipped = unconfigured(names)
                for name, reason in skipped.items():
                    print(f"skipped {name}: {reason}")
                names = [name for name in names if name not in skipped]
                if not names:
                    print(_NOTHING_CONFIGURED.format(settings=settings_dir()), file=sys.stderr)
                    return 1
            if args.allow_empty and not any(takes_allow_empty(name) for name in names):
                takers = [name for name in SOURCE_NAMES if takes_allow_empty(name)]
                print(f"--allow-empty applies to: {', '.join(takers)}.", file=sys.stderr)
                return 2
            ingest_many(
                {name: {} for name in names},
                validate=not args.no_validate,
                allow_empty=args.allow_empty,
            )
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
                from_last_validated=args.from_last_validated,
            )
        elif args.command == "status":
            return _status()
        elif args.command == "scorecard":
            from ingestion.scorecard import print_scorecard

            print_scorecard()
        elif args.command == "export-raw":
            return _export_raw(args.to)
    except IngestionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
