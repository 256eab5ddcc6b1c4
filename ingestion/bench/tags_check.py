"""Tags-only check on any clone: load it with the git source, build, and compare the
warehouse's weekly deployments and per-commit lead times with what `git` itself gives.

    python -m ingestion.bench.tags_check /path/to/clone [--repository owner/name]

The clone is loaded into a throwaway warehouse with a minimal drop folder (one team of
five owning the repository), as a company with only a clone and the drop folder would.
Prints one line per ISO week that differs (none when the warehouse agrees with git), the
totals, and the load and build times. Exit 1 when anything differs.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from ingestion.bench.git_reference import reference_from_git
from ingestion.orchestrate import build, ingest

TEAM = "release-eng"


def _drop_folder(folder: Path, repository: str, first_week: str) -> None:
    folder.mkdir(parents=True)
    rows = {
        "roster": (
            ["login", "display_name", "role", "team", "valid_from", "valid_to", "is_bot"],
            [
                [f"dev{i}", f"Dev {i}", "engineer", TEAM, "1970-01-01", "", "false"]
                for i in range(5)
            ],
        ),
        "service_ownership": (
            ["service", "service_type", "team"],
            [[repository, "repository", TEAM]],
        ),
        "ai_rollout": (
            ["team", "tool", "cohort", "rollout_date"],
            [[TEAM, "github_copilot", "treatment", first_week]],
        ),
    }
    for name, (header, body) in rows.items():
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(body)


def check(clone: Path, repository: str, printer: Callable[[str], None] = print) -> bool:
    started = time.monotonic()
    reference = reference_from_git(clone, repository)
    printer(
        f"git: {len(reference.tag_times)} tags in {len(reference.deployments_per_week)} weeks, "
        f"{len(reference.commit_lead_times)} deployed commits ({time.monotonic() - started:.1f}s)"
    )
    if not reference.tag_times:
        printer("no tags: nothing to compare")
        return False
    with tempfile.TemporaryDirectory(prefix="tags_check_") as tmp:
        root = Path(tmp)
        db = root / "warehouse" / "ai_roi.duckdb"
        os.environ["AI_ROI_DUCKDB_PATH"] = str(db)
        os.environ["AI_ROI_PIPELINES_DIR"] = str(root / "pipelines")
        _drop_folder(root / "files", repository, min(reference.tag_weeks.values()).isoformat())
        quiet = lambda _line: None  # noqa: E731
        loaded = time.monotonic()
        ingest(
            "git", {"repo_path": str(clone), "repository": repository}, db_path=db, printer=quiet
        )
        ingest("files", {"path": str(root / "files")}, db_path=db, printer=quiet)
        built = time.monotonic()
        build(db_path=db, printer=quiet)
        done = time.monotonic()
        with duckdb.connect(str(db), read_only=True) as con:
            weeks = {
                week: (deployments, median)
                for week, deployments, median in con.execute(
                    "select week_start, successful_deployments, commit_lead_time_median_hours "
                    "from marts.fct_delivery_team_weekly where team_name = ?",
                    [TEAM],
                ).fetchall()
            }
    printer(f"load {built - loaded:.1f}s, build {done - built:.1f}s")
    differing = 0
    for week in sorted(set(weeks) | set(reference.deployments_per_week)):
        got_deploys, got_median = weeks.get(week, (0, None))
        want_deploys = reference.deployments_per_week.get(week, 0)
        want_median = reference.median_commit_lead_time_hours_per_week.get(week)
        same_median = (got_median is None and want_median is None) or (
            got_median is not None
            and want_median is not None
            and math.isclose(got_median, want_median, rel_tol=1e-9, abs_tol=1e-9)
        )
        if got_deploys != want_deploys or not same_median:
            differing += 1
            printer(
                f"  {week}: deployments {got_deploys} vs git {want_deploys}; "
                f"median commit lead time {got_median} vs git {want_median}"
            )
    printer(f"{len(reference.deployments_per_week)} weeks with deployments; {differing} differ")
    return differing == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("clone", type=Path)
    parser.add_argument(
        "--repository", default=None, help="name the rows use (default: folder name)"
    )
    args = parser.parse_args(argv)
    clone = args.clone.expanduser().resolve()
    return 0 if check(clone, args.repository or f"local/{clone.name}") else 1


if __name__ == "__main__":
    sys.exit(main())
