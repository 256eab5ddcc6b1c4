"""The git source against small real repositories built with `git` in tmp_path."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.common.validation import validate_tables
from ingestion.sources.git import NAME, SUITES, helpers, settings, source


class Repo:
    """A throw-away repository with deterministic identities and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(
        self,
        *args: str,
        when: str = "2026-01-05T10:00:00+00:00",
        email: str = "ana@example.com",
        name: str = "Ana Lyst",
        committed: str | None = None,
    ) -> str:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.path.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": committed or when,
        }
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, check=True
        )
        return done.stdout.decode().strip()

    def commit(self, message: str, **kwargs: Any) -> str:
        self.git("commit", "-q", "--allow-empty", "-m", message, **kwargs)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Repo, dict[str, str]]:
    """main: c1 - c2 - merge(c4) with feature c3; tags v0.1 (light, c1), v1.0 (annotated, c4)."""
    r = Repo(tmp_path / "api")
    shas = {"c1": r.commit("Initial commit")}
    shas["c2"] = r.commit(
        "Add export\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
        when="2026-01-06T11:00:00+02:00",
        committed="2026-01-06T12:30:00+02:00",
        email="12345+bo-dev@users.noreply.github.com",
        name="Bo Dev",
    )
    r.git("checkout", "-q", "-b", "feature", shas["c1"])
    shas["c3"] = r.commit("Feature work", when="2026-01-06T15:00:00+00:00", email="", name="chen")
    r.git("checkout", "-q", "main")
    r.git(
        "merge", "-q", "--no-ff", "-m", "Merge feature", "feature", when="2026-01-07T08:00:00+00:00"
    )
    shas["c4"] = r.git("rev-parse", "HEAD")
    r.git("tag", "v0.1", shas["c1"])
    r.git("tag", "-a", "v1.0", "-m", "Release 1.0", shas["c4"], when="2026-01-08T09:00:00+00:00")
    return r, shas


def load(path: Path, **kwargs: Any) -> LoadSummary:
    return run_source(NAME, source(repo_path=str(path), **kwargs), printer=lambda _line: None)


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def counts(db: Path) -> dict[str, int]:
    return {t: query(db, f"select count(*) from raw_git.{t}")[0][0] for t in ("commits", "tags")}


def test_happy_path_loads_commits_and_tags(
    warehouse: Path, repo: tuple[Repo, dict[str, str]]
) -> None:
    r, sha = repo
    summary = load(r.path)

    assert summary.row_counts == {"commits": 4, "tags": 2}
    rows = {
        row[0]: row[1:]
        for row in query(
            warehouse,
            "select sha, repository, parent_shas, author_login, author_date::varchar, committer_date::varchar, "
            "message from raw_git.commits",
        )
    }
    assert rows[sha["c1"]] == (
        "api",
        None,
        "ana",
        "2026-01-05 10:00:00+00",
        "2026-01-05 10:00:00+00",
        "Initial commit",
    )
    assert rows[sha["c2"]] == (
        "api",
        sha["c1"],
        "bo-dev",  # GitHub no-reply address: the login after the numeric id
        "2026-01-06 09:00:00+00",  # +02:00 stored as UTC
        "2026-01-06 10:30:00+00",
        "Add export\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    )
    assert rows[sha["c3"]][2] == "chen"  # no email: the author name
    assert rows[sha["c4"]][1] == f"{sha['c2']},{sha['c3']}"  # first parent first
    assert query(
        warehouse,
        "select name, target_sha, tagged_at::varchar, is_annotated from raw_git.tags order by name",
    ) == [
        # lightweight: the commit's committer date
        ("v0.1", sha["c1"], "2026-01-05 10:00:00+00", False),
        # annotated: the tagger date
        ("v1.0", sha["c4"], "2026-01-08 09:00:00+00", True),
    ]
    assert validate_tables(NAME, SUITES, printer=lambda _line: None).ok


def test_no_emails_are_loaded(warehouse: Path, repo: tuple[Repo, dict[str, str]]) -> None:
    r, _ = repo
    load(r.path)
    # messages are kept whole (trailers name co-authors); no other column holds an email
    for sql in ("select * exclude (message) from raw_git.commits", "select * from raw_git.tags"):
        text = str(query(warehouse, sql))
        assert "@" not in text and "example.com" not in text


def test_second_run_adds_nothing(warehouse: Path, repo: tuple[Repo, dict[str, str]]) -> None:
    r, _ = repo
    load(r.path)
    before = counts(warehouse)

    summary = load(r.path)

    assert summary.total_rows == 0
    assert counts(warehouse) == before


def test_new_commits_are_read_incrementally(
    warehouse: Path, repo: tuple[Repo, dict[str, str]]
) -> None:
    r, _ = repo
    load(r.path)
    new = r.commit("Later work", when="2026-01-09T10:00:00+00:00")

    summary = load(r.path)

    assert summary.row_counts == {"commits": 1}
    assert query(warehouse, f"select message from raw_git.commits where sha = '{new}'") == [
        ("Later work",)
    ]
    assert counts(warehouse)["commits"] == 5


@pytest.mark.parametrize(
    ("include_tags", "read_again"),
    [
        # only the branch tip was loaded: the whole branch is read again
        (False, 5),
        # the tags' commits (c1, c4) are still in the history and bound the read: only "Fixed"
        (True, 1),
    ],
)
def test_rewritten_history_is_read_again_and_merged(
    warehouse: Path, repo: tuple[Repo, dict[str, str]], include_tags: bool, read_again: int
) -> None:
    r, sha = repo
    first = r.commit("Oops", when="2026-01-09T10:00:00+00:00")
    load(r.path, include_tags=include_tags)
    r.git(
        "commit", "-q", "--amend", "--allow-empty", "-m", "Fixed", when="2026-01-09T11:00:00+00:00"
    )
    amended = r.git("rev-parse", "HEAD")

    summary = load(r.path, include_tags=include_tags)

    assert summary.row_counts["commits"] == read_again  # merged idempotently
    shas = {row[0] for row in query(warehouse, "select sha from raw_git.commits")}
    assert {amended, first, *sha.values()} == shas  # the rewritten-away commit stays (documented)
    assert len(shas) == 6


def test_moved_tag_is_merged_in_place(warehouse: Path, repo: tuple[Repo, dict[str, str]]) -> None:
    r, sha = repo
    load(r.path)
    r.git("tag", "-f", "v0.1", sha["c2"])

    summary = load(r.path)

    assert summary.row_counts == {"tags": 2}
    assert counts(warehouse) == {"commits": 4, "tags": 2}
    assert query(warehouse, "select target_sha from raw_git.tags where name = 'v0.1'") == [
        (sha["c2"],)
    ]
    r.git("tag", "-d", "v1.0")
    load(r.path)
    assert query(warehouse, "select name from raw_git.tags") == [("v0.1",)]  # deleted tags go


def test_malformed_record_fails_the_run_and_next_run_succeeds(
    warehouse: Path, repo: tuple[Repo, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    r, _ = repo
    load(r.path)
    before = counts(warehouse)
    new = r.commit("Later work", when="2026-01-09T10:00:00+00:00")
    real_stream = helpers.stream_log

    def corrupted(path: Path, revisions: list[str]) -> Iterator[str]:
        for raw in real_stream(path, revisions):
            fields = raw.split(settings.FIELD_SEP)
            fields[4] = "yesterday-ish"
            yield settings.FIELD_SEP.join(fields)

    monkeypatch.setattr(helpers, "stream_log", corrupted)
    with pytest.raises(MalformedRecordError) as caught:
        load(r.path)
    message = str(caught.value)
    assert (
        "[git]" in message
        and "'commits'" in message
        and new in message
        and "'author_date'" in message
    )
    assert counts(warehouse) == before

    monkeypatch.setattr(helpers, "stream_log", real_stream)
    assert load(r.path).row_counts == {"commits": 1}
    assert counts(warehouse)["commits"] == 5


def test_branch_and_repository_options(warehouse: Path, repo: tuple[Repo, dict[str, str]]) -> None:
    r, sha = repo
    summary = load(r.path, branch="feature", repository="acme/api", include_tags=False)

    assert summary.row_counts == {"commits": 2}
    assert query(warehouse, "select distinct repository from raw_git.commits") == [("acme/api",)]
    assert {row[0] for row in query(warehouse, "select sha from raw_git.commits")} == {
        sha["c1"],
        sha["c3"],
    }


def test_bad_path_or_branch_fails_clearly(
    warehouse: Path, repo: tuple[Repo, dict[str, str]], tmp_path: Path
) -> None:
    r, _ = repo
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(SourceError, match=r"\[git\] repo_path .* is not a git repository"):
        source(repo_path=str(plain))
    with pytest.raises(SourceError, match="does not exist"):
        source(repo_path=str(tmp_path / "missing"))
    with pytest.raises(SourceError, match="'release' not found"):
        load(r.path, branch="release")


def test_validation_failure_names_table_column_and_rule(
    warehouse: Path, repo: tuple[Repo, dict[str, str]]
) -> None:
    r, _ = repo
    load(r.path)
    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into raw_git.commits (repository, sha, author_date, committer_date, _dlt_load_id, _dlt_id) "
        "values ('api', 'deadbeef', now(), now() + interval 400 day, 'x', 'y')"
    )
    con.close()

    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(NAME, SUITES, tables=["commits"], printer=lambda _line: None)

    message = str(caught.value)
    assert (
        "raw_git.commits.committer_date" in message
        and "must be between" in message
        and "deadbeef" in message
    )


@pytest.mark.parametrize(
    ("email", "name", "login"),
    [
        ("ana@example.com", "Ana", "ana"),
        ("12345+bo-dev@users.noreply.github.com", "Bo", "bo-dev"),
        ("bo-dev@users.noreply.github.com", "Bo", "bo-dev"),
        ("", "chen", "chen"),
        ("", "", None),
    ],
)
def test_login_from_email_or_name(email: str, name: str, login: str | None) -> None:
    assert helpers.login_from(email, name) == login


def test_records_are_split_across_read_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "READ_CHUNK", 7)
    stream = io.BytesIO("a\x1fb\x1e\nsecond\x1fmsg \u00e9\n\x1e\nthird\x1e\n".encode())
    assert list(helpers._split_records(stream)) == ["a\x1fb", "second\x1fmsg \u00e9\n", "third"]
