"""Tags are deployments: tag rows by the metric contract, commits reachable from any tag.

The repositories are built in tmp_path with fixed identities and dates, so every expected
value below is computed by hand from the dates written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from ingestion.common.pipeline import LoadSummary, make_pipeline, run_source
from ingestion.sources.git import NAME, source
from tests.sources.git.tagged_repo import git, make_tagged_repo, reference_from_git


def load(path: Path, **kwargs: Any) -> LoadSummary:
    return run_source(NAME, source(repo_path=str(path), **kwargs), printer=lambda _line: None)


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def loaded_shas(db: Path, last_load_only: bool = False) -> set[str]:
    where = (
        " where _dlt_load_id = (select max(_dlt_load_id) from raw_git.commits)"
        if last_load_only
        else ""
    )
    return {row[0] for row in query(db, f"select sha from raw_git.commits{where}")}


class Branched:
    """main: m1 - m2 - m3; release/1.x from m1: r1 - r2 - r3 (all times UTC unless offset).

    m1 01-05 10:00   m2 01-06 10:00   m3 01-07 10:00 (committed 01-07 15:30+02:00)
    r1 01-06 14:00   r2 01-07 09:00   r3 01-08 09:00 (committed 01-08 11:00-03:00)

    tags: v2.0 annotated on m2 (tagger 01-09 18:00+01:00), nightly lightweight on m3,
    v1.1 annotated on r2 (tagger 01-10 08:00-05:00), v1.1.1 lightweight on r3,
    v1.1-final annotated on the tag object v1.1 (tagger 01-11 09:00), and two tags of
    m1's tree (tree-light lightweight, tree-notes annotated) which are not deployments.
    HEAD is main, so r1..r3 are reachable from tags only.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        self.sha: dict[str, str] = {}
        self.commit("m1", "2026-01-05T10:00:00+00:00")
        self.commit("m2", "2026-01-06T10:00:00+00:00")
        self.commit("m3", "2026-01-07T10:00:00+00:00", committed="2026-01-07T15:30:00+02:00")
        git(path, "checkout", "-q", "-b", "release/1.x", self.sha["m1"])
        self.commit("r1", "2026-01-06T14:00:00+00:00")
        self.commit("r2", "2026-01-07T09:00:00+00:00")
        self.commit("r3", "2026-01-08T09:00:00+00:00", committed="2026-01-08T11:00:00-03:00")
        git(path, "checkout", "-q", "main")
        self.annotated("v2.0", self.sha["m2"], "2026-01-09T18:00:00+01:00")
        git(path, "tag", "nightly", self.sha["m3"])
        self.annotated("v1.1", self.sha["r2"], "2026-01-10T08:00:00-05:00")
        git(path, "tag", "v1.1.1", self.sha["r3"])
        self.annotated("v1.1-final", "v1.1", "2026-01-11T09:00:00+00:00")  # a tag of a tag
        tree = git(path, "rev-parse", f"{self.sha['m1']}^{{tree}}")
        git(path, "tag", "tree-light", tree)
        self.annotated("tree-notes", tree, "2026-01-11T10:00:00+00:00")

    def commit(self, label: str, when: str, committed: str | None = None) -> None:
        git(
            self.path,
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            label,
            when=when,
            committed=committed,
        )
        self.sha[label] = git(self.path, "rev-parse", "HEAD")

    def annotated(self, name: str, target: str, when: str) -> None:
        git(self.path, "tag", "-a", name, "-m", f"Release {name}", target, when=when)


@pytest.fixture
def branched(tmp_path: Path) -> Branched:
    return Branched(tmp_path / "api")


def test_tag_rows_follow_the_deployment_rule(warehouse: Path, branched: Branched) -> None:
    sha = branched.sha
    summary = load(branched.path, repository="acme/api")

    assert summary.row_counts == {"commits": 6, "tags": 5}  # the tree tags are skipped
    assert query(
        warehouse,
        "select repository, name, target_sha, tagged_at::varchar, is_annotated "
        "from raw_git.tags order by name",
    ) == [
        # lightweight: m3's committer date 01-07 15:30+02:00 = 13:30 UTC (authored 10:00)
        ("acme/api", "nightly", sha["m3"], "2026-01-07 13:30:00+00", False),
        # annotated: tagger 01-10 08:00-05:00 = 13:00 UTC (r2 was committed 01-07 09:00)
        ("acme/api", "v1.1", sha["r2"], "2026-01-10 13:00:00+00", True),
        # a tag of a tag: the outer tag's tagger date, peeled through v1.1 to r2
        ("acme/api", "v1.1-final", sha["r2"], "2026-01-11 09:00:00+00", True),
        # lightweight: r3's committer date 01-08 11:00-03:00 = 14:00 UTC (authored 09:00)
        ("acme/api", "v1.1.1", sha["r3"], "2026-01-08 14:00:00+00", False),
        # annotated: tagger 01-09 18:00+01:00 = 17:00 UTC (m2 was committed 01-06 10:00)
        ("acme/api", "v2.0", sha["m2"], "2026-01-09 17:00:00+00", True),
    ]


def test_commits_reachable_from_tags_on_another_branch(warehouse: Path, branched: Branched) -> None:
    sha = branched.sha
    load(branched.path)

    # main (HEAD) gives m1..m3; the tags on release/1.x add r1..r3
    assert loaded_shas(warehouse) == set(sha.values())
    side_only = {sha["r1"], sha["r2"], sha["r3"]}
    assert side_only <= loaded_shas(warehouse)
    assert query(
        warehouse, f"select parent_shas from raw_git.commits where sha = '{sha['r1']}'"
    ) == [(sha["m1"],)]


def test_without_tags_only_the_branch(warehouse: Path, branched: Branched) -> None:
    sha = branched.sha
    assert load(branched.path, include_tags=False).row_counts == {"commits": 3}
    assert loaded_shas(warehouse) == {sha["m1"], sha["m2"], sha["m3"]}


def test_second_run_loads_nothing_and_a_new_side_tag_only_its_commits(
    warehouse: Path, branched: Branched
) -> None:
    sha = branched.sha
    load(branched.path)

    assert load(branched.path).total_rows == 0

    # two commits on release/1.x after r3, tagged: only those two are read
    git(branched.path, "checkout", "-q", "release/1.x")
    branched.commit("r4", "2026-01-12T09:00:00+00:00")
    branched.commit("r5", "2026-01-13T09:00:00+00:00")
    git(branched.path, "checkout", "-q", "main")
    branched.annotated("v1.2", sha["r5"], "2026-01-14T10:00:00+00:00")

    summary = load(branched.path)

    assert summary.row_counts == {"commits": 2, "tags": 6}  # the changed tag set is rewritten
    assert loaded_shas(warehouse, last_load_only=True) == {sha["r4"], sha["r5"]}
    assert len(loaded_shas(warehouse)) == 8
    assert query(
        warehouse, "select target_sha, tagged_at::varchar from raw_git.tags where name = 'v1.2'"
    ) == [(sha["r5"], "2026-01-14 10:00:00+00")]
    assert load(branched.path).total_rows == 0


def test_a_deleted_tag_then_a_new_one_reads_only_new_commits(
    warehouse: Path, branched: Branched
) -> None:
    sha = branched.sha
    load(branched.path)
    # v1.1.1 was the only tag on r3: the tag set shrinks, no tip is new, nothing is read,
    # and the loaded tips forget r3
    git(branched.path, "tag", "-d", "v1.1.1")
    assert load(branched.path).row_counts == {"tags": 4}
    git(branched.path, "checkout", "-q", "main")
    branched.commit("m4", "2026-01-12T09:00:00+00:00")

    summary = load(branched.path)

    assert summary.row_counts == {"commits": 1}  # m2, m3 (tags) and r2 still bound the read
    assert loaded_shas(warehouse, last_load_only=True) == {sha["m4"]}
    assert len(loaded_shas(warehouse)) == 7  # r3 stays (it existed)


def test_tagged_fixture_loads_as_the_git_reference_says(warehouse: Path, tmp_path: Path) -> None:
    repo = make_tagged_repo(tmp_path / "tagged")
    ref = reference_from_git(repo.path, repo.repository)

    summary = load(repo.path, repository=repo.repository)

    # HEAD (main) plus the release/1.x tags: every one of the 30 commits
    assert summary.row_counts == {"commits": 30, "tags": 8}
    assert loaded_shas(warehouse) == set(repo.commits.values())
    rows = query(warehouse, "select repository, name, tagged_at, is_annotated from raw_git.tags")
    assert {name: tagged_at for _, name, tagged_at, _ in rows} == ref.tag_times
    assert {repository for repository, *_ in rows} == {"acme/tagged"}
    assert sorted(name for _, name, _, annotated in rows if not annotated) == [
        "v0.1.0",
        "v1.0.1",
        "v1.0.3",
        "v1.2.0-rc1",
    ]


def test_state_of_the_one_branch_design_is_taken_over(warehouse: Path, branched: Branched) -> None:
    """State written before tags were read (`heads`: one branch tip) is the loaded tip."""
    sha = branched.sha
    assert load(branched.path, include_tags=False).row_counts == {"commits": 3}

    @dlt.source(name=NAME, section=NAME)
    def earlier_version() -> Any:
        def commits() -> Iterator[list[dict[str, Any]]]:
            state = dlt.current.resource_state()
            state.pop("tips", None)
            state["heads"] = {"api:HEAD": sha["m3"]}
            yield from ()

        return dlt.resource(commits, name="commits")

    run_source(NAME, earlier_version(), printer=lambda _line: None)
    state = make_pipeline(NAME).state["sources"][NAME]["resources"]["commits"]
    assert state == {"heads": {"api:HEAD": sha["m3"]}}

    summary = load(branched.path)

    # main's m1..m3 are not read again: only the tagged side branch
    assert loaded_shas(warehouse, last_load_only=True) == {sha["r1"], sha["r2"], sha["r3"]}
    assert summary.row_counts == {"commits": 3, "tags": 5}
    state = make_pipeline(NAME).state["sources"][NAME]["resources"]["commits"]
    assert "heads" not in state
    assert state["tips"] == {"api:HEAD": sorted({sha["m2"], sha["m3"], sha["r2"], sha["r3"]})}
