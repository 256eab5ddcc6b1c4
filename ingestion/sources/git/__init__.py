"""Local git repository source: commits (with parents) and tags, a tag being a deployment.

Loads `raw_git.commits` and `raw_git.tags` (see `ingestion/RAW_TABLES.md`) from a local
clone, so deployment ancestry and lead times work without a hosted API.

Commits are those reachable from `branch` and, with `include_tags`, from every tag (a
tag on any branch is a deployment, so the commits it ships must be there too).

Incremental design: the tips loaded last (the branch tip and every tag's commit) are
kept in dlt state, per repository and branch. The next run reads only
`git log <new tips> --not <loaded tips>`, so a run with no new tip reads nothing and a
new tag on another branch reads only that branch's new commits. A loaded tip that is no
longer reachable from any current tip (force push, rebase, a deleted tag's orphan
branch, a fresh clone lacking it) is dropped from the exclusions: what it covered is read
again and merged on (repository, sha), which is idempotent. A committer-date cursor is
not used because committer dates are not monotonic along a history (merges bring in
older commits, clocks skew).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dlt
from dlt.sources import DltResource

from ingestion.common.errors import SourceError
from ingestion.common.pipeline import Progress
from ingestion.sources.git import helpers, settings
from ingestion.sources.git.expectations import SUITES

NAME = settings.NAME

__all__ = ["NAME", "SUITES", "source"]

Rows = list[dict[str, Any]]


def _commit_batches(
    repo_path: Path,
    repository: str,
    branch: str,
    include_tags: bool,
    batch_size: int,
    progress: Progress,
) -> Iterator[Rows]:
    state = dlt.current.resource_state()
    loaded_tips: dict[str, list[str]] = state.setdefault("tips", {})
    state_key = f"{repository}:{branch}"
    legacy: dict[str, str] = state.get("heads", {})  # one branch tip, before tags were read
    loaded = set(loaded_tips.get(state_key) or ([legacy[state_key]] if state_key in legacy else []))
    tips = {helpers.resolve_commit(repo_path, branch)}
    if include_tags:
        tips.update(tag["target_sha"] for tag in helpers.list_tags(repo_path, repository))

    new = sorted(tips - loaded)
    if new:
        # loaded tips still in the history bound the read; the others are forgotten
        still = {sha for sha in loaded - tips if helpers.is_reachable(repo_path, sha, tips)}
        gone = loaded - tips - still
        if gone:
            progress.printer(
                f"  [{NAME}] {repository}: {len(gone)} loaded tip(s) "
                f"({', '.join(sorted(sha[:12] for sha in gone))}) no longer reachable from "
                f"{branch} or a tag (history rewritten or tag deleted); reading again what "
                "they covered"
            )
        exclusions = sorted((loaded & tips) | still)
        yield from _read_log(
            repo_path, repository, [*new, *(f"^{sha}" for sha in exclusions)], batch_size, progress
        )
    else:
        progress.add("commits", 0)
    loaded_tips[state_key] = sorted(tips)
    if state_key in legacy:
        del legacy[state_key]
        if not legacy:
            del state["heads"]


def _read_log(
    repo_path: Path, repository: str, revisions: list[str], batch_size: int, progress: Progress
) -> Iterator[Rows]:
    shape = settings.COMMITS.shape
    batch: Rows = []
    for raw in helpers.stream_log(repo_path, revisions):
        batch.append(shape(helpers.commit_record(raw, repository)))
        if len(batch) >= batch_size:
            progress.add("commits", len(batch))
            yield batch
            batch = []
    progress.add("commits", len(batch))
    if batch:
        yield batch


def _tag_rows(repo_path: Path, repository: str, progress: Progress) -> Iterator[Rows]:
    """All tags of the repository, only when the tag set changed since the last run."""
    rows = [settings.TAGS.shape(tag) for tag in helpers.list_tags(repo_path, repository)]
    digest = hashlib.sha1(
        repr(
            sorted(
                (r["name"], r["target_sha"], str(r["tagged_at"]), r["is_annotated"]) for r in rows
            )
        ).encode()
    )
    digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
    if digests.get(repository) == digest.hexdigest():
        progress.add("tags", 0)
        return
    digests[repository] = digest.hexdigest()
    progress.add("tags", len(rows))
    if rows:
        yield rows


@dlt.source(name=NAME)
def source(
    repo_path: str = dlt.config.value,
    repository: str | None = None,
    branch: str = settings.DEFAULT_BRANCH,
    include_tags: bool = True,
    batch_size: int = settings.DEFAULT_BATCH_SIZE,
) -> Sequence[DltResource]:
    """Commits reachable from `branch` (default `HEAD`) of the clone at `repo_path` and,
    with `include_tags`, from every tag; and the tags (deployments).

    `repository` is the name recorded in every row (default: the folder name), e.g. the
    GitHub full name `acme/api` so rows join to `raw_github`.
    """
    if not repo_path:
        raise SourceError(NAME, "config 'repo_path' (sources.git.repo_path) is required")
    path = Path(repo_path).expanduser().resolve()
    helpers.check_repository(path)
    name = repository or path.name
    progress = Progress(NAME)

    def commits() -> Iterator[Rows]:
        yield from _commit_batches(path, name, branch, include_tags, batch_size, progress)

    def tags() -> Iterator[Rows]:
        yield from _tag_rows(path, name, progress)

    resources = [
        dlt.resource(
            commits,
            name="commits",
            primary_key=list(settings.COMMITS.primary_key),
            write_disposition="merge",
            columns=settings.COMMITS.column_hints(),
            # parquet load files: DuckDB ingests them ~5x faster than INSERT statements
            file_format="parquet",
        )
    ]
    if include_tags:
        resources.append(
            dlt.resource(
                tags,
                name="tags",
                primary_key=list(settings.TAGS.primary_key),
                # the whole tag set of a repository replaces its earlier one (deleted tags go)
                merge_key="repository",
                write_disposition="merge",
                columns=settings.TAGS.column_hints(),
            )
        )
    return resources
