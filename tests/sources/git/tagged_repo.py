"""A reusable tagged git repository and the deployment metrics `git` itself gives for it.

Import from tests (no tests here):

    from tests.sources.git.tagged_repo import make_tagged_repo, reference_from_git

    repo = make_tagged_repo(tmp_path / "tagged")      # ~1 s, deterministic shas
    ref = reference_from_git(repo.path, repo.repository)
    ref.deployments_per_week[date(2026, 1, 19)]        # 2

The metric contract it encodes: a tag is a deployment of its repository. An annotated tag
deploys at its tagger date, a lightweight tag at its commit's committer date; tags of
trees or blobs are not deployments. A commit is deployed by the earliest-deploying tag
that contains it (ties by tag name); its lead time is that tag's time minus the commit's
author time, in hours. Weeks are ISO weeks (keyed by their Monday) of the UTC time.

`reference_from_git` uses only `git` subprocesses (no code from `ingestion/`), reading
times as epoch seconds (`%at`, `%ct`, the tagger line of the tag object), a different
path from the source's `for-each-ref ... iso-strict` parsing.

The history (all times UTC unless an offset is written; "->" is the deployment time):

    week of 2026-01-05  main c01-c03; v0.1.0 light on c03 (authored 01-07 14:00,
                        committed 01-08 09:00 -> 01-08 09:00)
    week of 2026-01-12  main c04, c07; feature/a c05, c06 merged as c08;
                        v0.2.0 annotated on c08 -> tagger 01-15 12:00
    week of 2026-01-19  main c09, c10, c11; release/1.x branches at c10;
                        v1.0.0 annotated on c10 -> 01-22 10:00;
                        release c12 (committed 01-23 09:00+01:00), v1.0.1 light on c12
                        -> 01-23 08:00 (two deployments this week)
    week of 2026-01-26  main c13, c14, merge of release/1.x c15, c16 (no deployment)
    week of 2026-02-02  release c17, c18; v1.0.2 annotated on c18 -> 02-04 16:00+01:00
                        (15:00 UTC); main c19
    week of 2026-02-09  main c20; feature/b c21 (09:00+02:00), c22 merged as c23;
                        v1.1.0 annotated on c23, tagged Sunday 02-15 22:00-05:00, i.e.
                        Monday 02-16 03:00 UTC: a deployment of the NEXT week
    week of 2026-02-16  release c24 (committed 12:00), v1.0.3 light on c24 -> 02-16 12:00
                        (two deployments this week with v1.1.0); main c25, c26
    week of 2026-02-23  main c27 (committed 17:00), v1.2.0-rc1 light on c27 -> 02-23 17:00;
                        main c28-c30 never tagged
    plus `docs-tree`, an annotated tag of a tree (not a deployment)

30 commits (27 deployed), 8 deployments in 6 of the 8 weeks. `main` ends at c30,
`release/1.x` at c24; HEAD is `main`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.bench.git_reference import Reference, reference_from_git

__all__ = ["Reference", "TaggedRepo", "git", "make_tagged_repo", "reference_from_git"]

REPOSITORY = "acme/tagged"
MAIN = "main"
RELEASE = "release/1.x"

_PEOPLE = {
    "ana": ("Ana Lyst", "ana@example.com"),
    "bo": ("Bo Dev", "12345+bo-dev@users.noreply.github.com"),
    "chen": ("Chen Wu", "chen@example.com"),
}


@dataclass(frozen=True)
class TaggedRepo:
    path: Path
    repository: str = REPOSITORY
    #: commit label ("c01".."c30") -> sha
    commits: dict[str, str] = field(default_factory=dict)
    main: str = MAIN
    release: str = RELEASE


def git(
    path: Path,
    *args: str,
    when: str | None = None,
    committed: str | None = None,
    who: str = "ana",
) -> str:
    """Run git in `path` with no user or system config and a fixed identity and dates."""
    name, email = _PEOPLE[who]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(path.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "LC_ALL": "C",
        "TZ": "UTC",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = when
        env["GIT_COMMITTER_DATE"] = committed or when
    done = subprocess.run(
        ["git", "-C", str(path), *args], env=env, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.shas: dict[str, str] = {}
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", MAIN)

    def commit(self, label: str, when: str, committed: str | None = None, who: str = "ana") -> None:
        folder = self.path / "changes"
        folder.mkdir(exist_ok=True)
        (folder / f"{label}.txt").write_text(f"{label}\n")
        git(self.path, "add", f"changes/{label}.txt")
        git(
            self.path,
            "commit",
            "-q",
            "-m",
            f"{label}: change",
            when=when,
            committed=committed,
            who=who,
        )
        self.shas[label] = git(self.path, "rev-parse", "HEAD")

    def merge(self, label: str, branch: str, when: str, who: str = "bo") -> None:
        git(
            self.path,
            "merge",
            "-q",
            "--no-ff",
            "-m",
            f"{label}: merge {branch}",
            branch,
            when=when,
            who=who,
        )
        self.shas[label] = git(self.path, "rev-parse", "HEAD")

    def checkout(self, branch: str, start: str | None = None) -> None:
        if start is None:
            git(self.path, "checkout", "-q", branch)
        else:
            git(self.path, "checkout", "-q", "-b", branch, self.shas[start])

    def light(self, name: str, label: str) -> None:
        git(self.path, "tag", name, self.shas[label])

    def annotated(self, name: str, target: str, when: str, who: str = "chen") -> None:
        # the tagger date is GIT_COMMITTER_DATE
        git(self.path, "tag", "-a", name, "-m", f"Release {name}", target, when=when, who=who)


def make_tagged_repo(path: Path) -> TaggedRepo:
    """Build the history described in the module docstring at `path` (created if needed)."""
    b = _Builder(path)
    # week of 2026-01-05
    b.commit("c01", "2026-01-05T09:00:00+00:00")
    b.commit("c02", "2026-01-06T10:00:00+00:00", who="bo")
    b.commit("c03", "2026-01-07T14:00:00+00:00", committed="2026-01-08T09:00:00+00:00")
    b.light("v0.1.0", "c03")
    # week of 2026-01-12
    b.commit("c04", "2026-01-12T09:00:00+00:00")
    b.checkout("feature/a", "c04")
    b.commit("c05", "2026-01-12T15:00:00+00:00", who="chen")
    b.commit("c06", "2026-01-13T11:00:00+00:00", who="chen")
    b.checkout(MAIN)
    b.commit("c07", "2026-01-13T16:00:00+00:00", who="bo")
    b.merge("c08", "feature/a", "2026-01-14T10:00:00+00:00")
    b.annotated("v0.2.0", b.shas["c08"], "2026-01-15T12:00:00+00:00")
    # week of 2026-01-19
    b.commit("c09", "2026-01-19T09:00:00+00:00")
    b.commit("c10", "2026-01-20T09:00:00+00:00", who="bo")
    b.annotated("v1.0.0", b.shas["c10"], "2026-01-22T10:00:00+00:00")
    b.checkout(RELEASE, "c10")
    b.checkout(MAIN)
    b.commit("c11", "2026-01-21T09:00:00+00:00", who="chen")
    b.checkout(RELEASE)
    b.commit("c12", "2026-01-22T15:00:00+00:00", committed="2026-01-23T09:00:00+01:00", who="bo")
    b.light("v1.0.1", "c12")
    # week of 2026-01-26: no deployment
    b.checkout(MAIN)
    b.commit("c13", "2026-01-26T10:00:00+00:00")
    b.commit("c14", "2026-01-27T10:00:00+00:00", who="bo")
    b.merge("c15", RELEASE, "2026-01-28T10:00:00+00:00")
    b.commit("c16", "2026-01-29T10:00:00+00:00", who="chen")
    # week of 2026-02-02
    b.checkout(RELEASE)
    b.commit("c17", "2026-02-02T09:00:00+00:00", who="bo")
    b.commit("c18", "2026-02-03T11:00:00+00:00", who="bo")
    b.annotated("v1.0.2", b.shas["c18"], "2026-02-04T16:00:00+01:00")
    b.checkout(MAIN)
    b.commit("c19", "2026-02-03T14:00:00+00:00")
    # week of 2026-02-09
    b.commit("c20", "2026-02-09T10:00:00+00:00", who="chen")
    b.checkout("feature/b", "c20")
    b.commit("c21", "2026-02-10T09:00:00+02:00")
    b.commit("c22", "2026-02-10T17:00:00+00:00")
    b.checkout(MAIN)
    b.merge("c23", "feature/b", "2026-02-11T10:00:00+00:00")
    b.annotated("v1.1.0", b.shas["c23"], "2026-02-15T22:00:00-05:00")  # Monday 03:00 UTC
    # week of 2026-02-16
    b.checkout(RELEASE)
    b.commit("c24", "2026-02-16T09:00:00+00:00", committed="2026-02-16T12:00:00+00:00")
    b.light("v1.0.3", "c24")
    b.checkout(MAIN)
    b.commit("c25", "2026-02-17T10:00:00+00:00", who="bo")
    b.commit("c26", "2026-02-18T10:00:00+00:00")
    # week of 2026-02-23
    b.commit("c27", "2026-02-23T09:00:00+00:00", committed="2026-02-23T17:00:00+00:00")
    b.light("v1.2.0-rc1", "c27")
    b.commit("c28", "2026-02-24T09:00:00+00:00", who="chen")
    b.commit("c29", "2026-02-25T10:00:00+00:00")
    b.commit("c30", "2026-02-26T10:00:00+00:00", who="bo")
    # not a deployment: an annotated tag of a tree
    b.annotated(
        "docs-tree",
        git(path, "rev-parse", f"{b.shas['c30']}^{{tree}}"),
        "2026-02-26T12:00:00+00:00",
    )
    git(path, "branch", "-q", "-D", "feature/a", "feature/b")
    return TaggedRepo(path=path, commits=dict(b.shas))
