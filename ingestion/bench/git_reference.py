"""Deployment metrics of a tagged repository computed from `git` alone, as a reference.

A tag is a deployment of its repository: an annotated tag deploys at its tagger date, a
lightweight tag at its commit's committer date; tags of trees or blobs are not deployments.
A commit is deployed by the earliest-deploying tag that contains it (ties by tag name); its
lead time is that tag's time minus the commit's author time, in hours. Weeks are ISO weeks
(keyed by their Monday) of the UTC time.

Only `git` subprocesses are used (no code of the git source), reading times as epoch
seconds, a different path from the source's `for-each-ref ... iso-strict` parsing. The
tests compare the warehouse with it (tests/test_setups.py), and
`python -m ingestion.bench.tags_check CLONE` compares a build of any clone with it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


def _git(path: Path, *args: str) -> str:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LC_ALL": "C",
        "TZ": "UTC",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(path), *args], env=env, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


@dataclass(frozen=True)
class Reference:
    #: the repository name the rows are expected under (as passed in)
    repository: str
    #: tag name -> deployment time (aware, UTC); deployments only (no tree/blob tags)
    tag_times: dict[str, datetime]
    #: tag name -> Monday of the ISO week of its deployment time (UTC)
    tag_weeks: dict[str, date]
    #: commit sha -> name of the earliest-deploying tag containing it
    commit_tags: dict[str, str]
    #: commit sha -> hours from its author time to its earliest tag's time
    commit_lead_times: dict[str, float]
    #: Monday -> number of tags deploying that week (weeks without one are absent)
    deployments_per_week: dict[date, int]
    #: Monday -> continuous median of the lead times of the commits first deployed that week
    median_commit_lead_time_hours_per_week: dict[date, float]


def _monday(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _epoch(seconds: str) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=UTC)


def _deployment_times(path: Path) -> dict[str, tuple[str, datetime]]:
    """tag name -> (peeled commit sha, deployment time), from `git` only."""
    found: dict[str, tuple[str, datetime]] = {}
    for name in _git(path, "tag", "--list").splitlines():
        ref = f"refs/tags/{name}"
        kind = _git(path, "cat-file", "-t", ref)
        try:
            commit = _git(path, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except RuntimeError:
            continue  # a tag of a tree or blob: not a deployment
        if kind == "tag":
            header = _git(path, "cat-file", "tag", ref).split("\n\n", 1)[0]
            tagger = next(line for line in header.splitlines() if line.startswith("tagger "))
            # tagger Name <email> 1768478400 +0000
            moment = _epoch(tagger.rsplit(" ", 2)[-2])
        else:
            moment = _epoch(_git(path, "log", "-1", "--format=%ct", commit))
        found[name] = (commit, moment)
    return found


def reference_from_git(path: Path, repository: str) -> Reference:
    """The deployment metrics of the repository at `path`, computed from `git` alone.

    `repository` is only carried into the result (the name the loaded rows use).
    """
    tags = _deployment_times(path)
    tag_times = {name: moment for name, (_, moment) in tags.items()}
    tag_weeks = {name: _monday(moment) for name, moment in tag_times.items()}

    commit_tags: dict[str, str] = {}
    for name in sorted(tags, key=lambda n: (tag_times[n], n)):  # earliest first, ties by name
        for sha in _git(path, "rev-list", tags[name][0]).splitlines():
            commit_tags.setdefault(sha, name)

    authored: dict[str, datetime] = {}
    if tags:
        log = _git(path, "log", "--format=%H %at", *sorted({c for c, _ in tags.values()}))
        for line in log.splitlines():
            sha, seconds = line.split()
            authored[sha] = _epoch(seconds)
    commit_lead_times = {
        sha: (tag_times[name] - authored[sha]).total_seconds() / 3600
        for sha, name in commit_tags.items()
    }

    by_week: dict[date, list[float]] = defaultdict(list)
    for sha, hours in commit_lead_times.items():
        by_week[tag_weeks[commit_tags[sha]]].append(hours)
    return Reference(
        repository=repository,
        tag_times=tag_times,
        tag_weeks=tag_weeks,
        commit_tags=commit_tags,
        commit_lead_times=commit_lead_times,
        deployments_per_week=dict(sorted(Counter(tag_weeks.values()).items())),
        median_commit_lead_time_hours_per_week={
            week: float(statistics.median(hours)) for week, hours in sorted(by_week.items())
        },
    )
