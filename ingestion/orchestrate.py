"""Run sources (each load validated before it is committed), build the warehouse, print
the scorecard.

This is the job an orchestrator schedules (`ai-roi run --all && ai-roi build`), and the
body of `make demo` (`ai-roi demo`), which points the very same sources at the demo
organisation served by a local HTTP server.

`build` publishes only consistent marts: it refuses while the last load of a source
failed its checks (`--from-last-validated` overrides that: the raw tables only ever hold
validated rows) or never finished, and it builds a copy of the warehouse file that
replaces the file only when dbt succeeded, so readers see the previous marts or the new
ones, never a half-built mix, and a failed build changes nothing.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from ingestion.common.config import (
    PROJECT_ROOT,
    TELEMETRY_OFF,
    missing_config,
    refuse_exposed_secrets,
    settings_dir,
    warehouse_path,
)
from ingestion.common.errors import BuildRefusedError, IngestionError
from ingestion.common.lock import warehouse_lock
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.common.quarantine import failed_validations, interrupted_loads
from ingestion.common.validation import ValidationReport
from ingestion.sources import SOURCE_NAMES

Printer = Callable[[str], None]


def load_source_module(name: str) -> ModuleType:
    if name not in SOURCE_NAMES:
        raise IngestionError(f"unknown source {name!r}; known: {', '.join(SOURCE_NAMES)}")
    return importlib.import_module(f"ingestion.sources.{name}")


def unconfigured(names: Iterable[str]) -> dict[str, str]:
    """The sources among `names` that lack a setting they cannot run without, each with
    why (`sources.git.repo_path is not set`): each source's `settings.REQUIRED_CONFIG`
    checked against dlt config/secrets and the environment."""
    reasons: dict[str, str] = {}
    for name in names:
        if name not in SOURCE_NAMES:
            raise IngestionError(f"unknown source {name!r}; known: {', '.join(SOURCE_NAMES)}")
        settings = importlib.import_module(f"ingestion.sources.{name}.settings")
        missing = missing_config(name, getattr(settings, "REQUIRED_CONFIG", ()))
        if missing:
            reasons[name] = "; ".join(missing)
    return reasons


#: the source argument `--allow-empty` sets (only sources whose `source()` takes it)
ALLOW_EMPTY_ARGUMENT = "allow_empty_replace"


def takes_allow_empty(name: str) -> bool:
    """Whether the source accepts `allow_empty_replace` (a file may empty a table)."""
    parameters = inspect.signature(load_source_module(name).source).parameters
    return ALLOW_EMPTY_ARGUMENT in parameters


def ingest(
    name: str,
    config: Mapping[str, Any] | None = None,
    *,
    validate: bool = True,
    db_path: Path | None = None,
    printer: Printer = print,
    allow_empty: bool = False,
    run_deadline: float | None = None,
) -> tuple[LoadSummary, ValidationReport | None]:
    """Load one source (config from arguments, else dlt config/secrets), its rows checked
    by the source's suites before they are committed (`validate=False`: only the clock and
    cursor checks).

    `allow_empty` passes `allow_empty_replace=True` to a source that takes it; `run_deadline`
    (seconds) overrides `AI_ROI_RUN_DEADLINE_SECONDS`.
    """
    module = load_source_module(name)
    refuse_exposed_secrets(settings_dir() / "secrets.toml")  # tokens no one else may read
    printer(f"==> ingest {name}")
    arguments = dict(config or {})
    if allow_empty and takes_allow_empty(name):
        arguments[ALLOW_EMPTY_ARGUMENT] = True
    summary = run_source(
        name,
        module.source(**arguments),
        db_path=db_path,
        printer=printer,
        run_deadline=run_deadline,
        suites=module.SUITES if validate else None,
    )
    for line in summary.report():
        printer(line)
    return summary, summary.validation


def ingest_many(
    configs: Mapping[str, Mapping[str, Any]],
    *,
    validate: bool = True,
    db_path: Path | None = None,
    printer: Printer = print,
    allow_empty: bool = False,
    run_deadline: float | None = None,
) -> dict[str, LoadSummary]:
    """Load several sources; stop at the first failure (load or validation) before dbt runs
    (the sources loaded before it keep their loads)."""
    summaries: dict[str, LoadSummary] = {}
    for name, config in configs.items():
        summary, _ = ingest(
            name,
            config,
            validate=validate,
            db_path=db_path,
            printer=printer,
            allow_empty=allow_empty,
            run_deadline=run_deadline,
        )
        summaries[name] = summary
    return summaries


def dbt_env(db_path: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TELEMETRY_OFF)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT))
    # logs/dbt.log at info, not dbt's default debug (every statement of every node): about
    # 1 s of a 300-node build. Compiled SQL stays in target/; set DBT_LOG_LEVEL_FILE=debug
    # to get the statements back.
    env.setdefault("DBT_LOG_LEVEL_FILE", "info")
    env["AI_ROI_DUCKDB_PATH"] = str(db_path or warehouse_path())
    return env


def dbt(
    args: Iterable[str],
    *,
    db_path: Path | None = None,
    printer: Printer = print,
    quiet: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> None:
    """Run a dbt command in the project; raise with dbt's own output when it fails."""
    args = list(args)  # read three times below: a generator would be spent after the first
    executable = Path(sys.executable).with_name("dbt")
    command = [str(executable) if executable.exists() else "dbt", *args]
    env = dbt_env(db_path)
    if extra_env:
        env.update(extra_env)
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip()
        lines.append(line)
        if not quiet and _worth_showing(line):
            printer(f"  {line}")
    code = process.wait()
    if code != 0:
        tail = "\n".join(lines[-60:])
        raise IngestionError(f"dbt {' '.join(args)} failed (exit {code}):\n{tail}")
    printer(f"  dbt {args[0] if args else ''} finished in {time.monotonic() - started:.1f}s")


def _worth_showing(line: str) -> bool:
    """dbt's progress lines, without the per-node chatter of hundreds of tests."""
    keep = ("Found ", "Finished running", "Completed", "Done.", "ERROR", "FAIL", "WARN", "Failure")
    return any(token in line for token in keep)


def build_args(
    *,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    dbt_vars: str | None = None,
    full_refresh: bool = False,
    extra_args: Sequence[str] = (),
) -> list[str]:
    """`dbt build --fail-fast` with the given options, then `extra_args` as they are."""
    args = ["build", "--fail-fast"]
    for option, value in (("--select", select), ("--exclude", exclude)):
        values = [value] if isinstance(value, str) else list(value or ())
        if values:
            args += [option, *values]
    if dbt_vars:
        args += ["--vars", dbt_vars]
    if full_refresh:
        args.append("--full-refresh")
    return args + list(extra_args)


def build(
    *,
    db_path: Path | None = None,
    printer: Printer = print,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    dbt_vars: str | None = None,
    full_refresh: bool = False,
    extra_args: Sequence[str] = (),
    from_last_validated: bool = False,
) -> None:
    """`dbt build` of the project (all of it unless `select`/`exclude`); `dbt_vars` is dbt's
    YAML string (`'{min_group_size: 7}'`); `extra_args` go to dbt unchanged.

    Refuses (`BuildRefusedError`) while the latest load of a source failed its checks,
    unless `from_last_validated` (the raw tables hold only the validated loads before it),
    and while a source's latest load never finished (run that source again). dbt builds a
    copy of the warehouse, which replaces it only when the build succeeded.
    """
    db = Path(db_path or warehouse_path())
    printer("==> dbt build")
    args = build_args(
        select=select,
        exclude=exclude,
        dbt_vars=dbt_vars,
        full_refresh=full_refresh,
        extra_args=extra_args,
    )
    with warehouse_lock(db, "build"):
        _check_buildable(db, printer, from_last_validated)
        with staged_copy(db, printer) as copy:
            dbt(args, db_path=copy, printer=printer)


def _check_buildable(db: Path, printer: Printer, from_last_validated: bool) -> None:
    unfinished = interrupted_loads(db)
    if unfinished:
        names = " ".join(run.source for run in unfinished)
        raise BuildRefusedError(
            "refusing to build: the last load of "
            + ", ".join(f"{run.source} (load {run.load_id})" for run in unfinished)
            + " did not finish (the process was stopped, or the load failed, while loading), "
            f"so its raw tables may hold part of it. Run `ai-roi run {names}` again (it loads "
            "what that load had), then build"
        )
    failed = failed_validations(db)
    if not failed:
        return
    names = " ".join(run.source for run in failed)
    if not from_last_validated:
        raise BuildRefusedError(
            "refusing to build: the last validation of "
            + "; ".join(run.describe() for run in failed)
            + f" failed. Fix the source data and run `ai-roi run {names}` again, or build from "
            "the last validated data with `ai-roi build --from-last-validated`"
        )
    printer(
        f"  building from the last validated data of {', '.join(r.source for r in failed)}: "
        "its failed loads were never written to the raw tables (they are in quarantine.<source>)"
    )


#: the folder, beside the warehouse file, that `build` builds its copy in
BUILD_DIR_PREFIX = ".build-"


@contextlib.contextmanager
def staged_copy(db: Path, printer: Printer = print) -> Iterator[Path]:
    """A copy of warehouse `db` to build in; on success it atomically replaces `db`.

    The copy has the same file name (DuckDB names the database after the file, and views
    refer to it), in `<folder>/.build-<name>-<pid>/`, on the same file system. Readers
    holding the old file keep reading it; new readers see the new one: never a half-built
    mix. On failure the copy is deleted and `db` is untouched. Copies left by a killed build
    are deleted first (the caller holds the warehouse lock, so no other build is running).
    """
    for stale in db.parent.glob(f"{BUILD_DIR_PREFIX}{db.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = db.parent / f"{BUILD_DIR_PREFIX}{db.name}-{os.getpid()}"
    work.mkdir(parents=True)
    copy = work / db.name
    try:
        if db.exists():
            _checkpoint(db)
            shutil.copyfile(db, copy)
        yield copy
        if copy.exists():
            _checkpoint(copy)
            with open(copy, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(copy, db)
            _fsync_dir(db.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _checkpoint(path: Path) -> None:
    """Fold a write-ahead log left beside `path` into it, so the file alone is complete."""
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        with duckdb.connect(str(path)) as con:
            con.execute("checkpoint")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
