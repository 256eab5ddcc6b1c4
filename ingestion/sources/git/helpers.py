"""Reading a local git repository with plain `git` subprocesses.

Commits come from ONE streamed `git log` whose records are separated by ASCII record
separators (0x1e) and fields by unit separators (0x1f), parsed chunk by chunk, so memory
stays flat however long the history is. Revisions (tips, and `^sha` exclusions) are given
to git on stdin, so a repository with thousands of tags does not hit the argument limit.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ingestion.common.errors import SourceError
from ingestion.sources.git import settings

GIT_OPTIONS = (
    "-c",
    "log.showSignature=false",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
    "-c",
    "color.ui=never",
)


def git(repo_path: Path, *args: str) -> str:
    """Run one git command in `repo_path` and return its stdout (raise `SourceError` on failure)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo_path), *GIT_OPTIONS, *args],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError(
            settings.NAME, "the `git` executable is not installed or not on PATH"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(
            settings.NAME,
            f"`git {args[0]}` failed in {repo_path}: {detail[-1] if detail else 'no message'}",
        )
    return done.stdout.decode("utf-8", "replace")


def check_repository(repo_path: Path) -> None:
    if not repo_path.is_dir():
        raise SourceError(settings.NAME, f"repo_path {repo_path} does not exist or is not a folder")
    try:
        git(repo_path, "rev-parse", "--git-dir")
    except SourceError:
        raise SourceError(settings.NAME, f"repo_path {repo_path} is not a git repository") from None


def resolve_commit(repo_path: Path, rev: str) -> str:
    """The commit sha `rev` points at (a branch, tag, `HEAD` or sha)."""
    try:
        return git(repo_path, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except SourceError:
        raise SourceError(
            settings.NAME, f"branch or revision {rev!r} not found in {repo_path}"
        ) from None


def is_reachable(repo_path: Path, sha: str, tips: Iterable[str]) -> bool:
    """True when commit `sha` exists and is reachable from at least one of `tips`."""
    try:
        git(repo_path, "cat-file", "-e", f"{sha}^{{commit}}")
    except SourceError:
        return False
    # `rev-list sha --not tips` lists nothing exactly when sha is an ancestor of a tip
    revisions = "".join(f"^{tip}\n" for tip in tips) + f"{sha}\n"
    done = subprocess.run(
        ["git", "-C", str(repo_path), *GIT_OPTIONS, "rev-list", "-n", "1", "--stdin"],
        input=revisions.encode(),
        capture_output=True,
        check=False,
    )
    return done.returncode == 0 and not done.stdout.strip()


def stream_log(repo_path: Path, revisions: list[str]) -> Iterator[str]:
    """Yield one raw record (fields joined by 0x1f) per commit from a single `git log`.

    `revisions` are tips (`sha`, a branch) and exclusions (`^sha`): the commits reachable
    from any tip and from none of the exclusions.
    """
    args = ["git", "-C", str(repo_path), *GIT_OPTIONS, "log", f"--format={settings.LOG_FORMAT}"]
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as wanted:
        # a file, not a pipe: git reads all revisions before it writes, so nothing can block
        wanted.write("".join(f"{rev}\n" for rev in revisions).encode())
        wanted.seek(0)
        process = subprocess.Popen(
            [*args, "--stdin", "--"], stdin=wanted, stdout=subprocess.PIPE, stderr=errors
        )
        assert process.stdout is not None
        try:
            yield from _split_records(process.stdout)
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise SourceError(
                settings.NAME, f"`git log` failed in {repo_path}: {detail[-1] if detail else code}"
            )


def _split_records(stream: IO[bytes]) -> Iterator[str]:
    separator = settings.RECORD_SEP.encode()
    rest = b""
    while chunk := stream.read(settings.READ_CHUNK):
        parts = (rest + chunk).split(separator)
        rest = parts.pop()
        for part in parts:
            yield part.decode("utf-8", "replace").lstrip("\n")
    tail = rest.decode("utf-8", "replace").strip("\n")
    if tail:
        yield tail


def login_from(email: str, name: str) -> str | None:
    """The author's login: the email's local part (GitHub no-reply aware), else the name."""
    email = email.strip()
    if "@" in email:
        local, _, domain = email.partition("@")
        if domain.lower() == settings.NOREPLY_DOMAIN and "+" in local:
            local = local.split("+", 1)[1]
        if local:
            return local
    return name.strip() or None


def commit_record(raw: str, repository: str) -> dict[str, Any]:
    """One `git log` record as a vendor-shaped dict (shaped and checked by `COMMITS`)."""
    fields = raw.split(settings.FIELD_SEP, settings.LOG_FIELDS - 1)
    if len(fields) < settings.LOG_FIELDS:
        fields += [""] * (settings.LOG_FIELDS - len(fields))
    sha, parents, email, name, author_date, committer_date, message = fields
    return {
        "repository": repository,
        "sha": sha or None,
        "parent_shas": ",".join(parents.split()) or None,
        "author_login": login_from(email, name),
        "author_date": author_date or None,
        "committer_date": committer_date or None,
        "message": message.rstrip("\n"),
    }


def list_tags(repo_path: Path, repository: str) -> list[dict[str, Any]]:
    """Tags pointing (directly or through annotated tags) at commits, vendor-shaped.

    A tag is a deployment: `target_sha` is the peeled commit, `tagged_at` the tagger date
    of an annotated tag (a tag object; for a tag of a tag, the outer tag's) and the
    committer date of the commit for a lightweight tag. Tags of trees or blobs are skipped.
    """
    out = git(repo_path, "for-each-ref", f"--format={settings.TAG_FORMAT}", "refs/tags")
    tags: list[dict[str, Any]] = []
    for line in out.splitlines():
        if not line:
            continue
        name, kind, sha, peeled_kind, peeled_sha, tagger_date, commit_date, peeled_date = (
            line.split(settings.FIELD_SEP) + [""] * 8
        )[:8]
        if kind == "commit":  # lightweight
            target, tagged_at = sha, commit_date
        elif kind == "tag" and peeled_kind == "commit":  # annotated (git >= 2.44 peels fully)
            target, tagged_at = peeled_sha, tagger_date or peeled_date
        elif kind == "tag" and peeled_kind == "tag":  # a tag of a tag (older git peels once)
            peeled = _peel(repo_path, sha)
            if peeled is None:
                continue
            target = peeled
            tagged_at = tagger_date or git(repo_path, "log", "-1", "--format=%cI", target).strip()
        else:
            continue  # tags of trees or blobs are not releases
        tags.append(
            {
                "repository": repository,
                "name": name,
                "target_sha": target,
                "tagged_at": tagged_at or None,
                "is_annotated": kind == "tag",
            }
        )
    return tags


def _peel(repo_path: Path, sha: str) -> str | None:
    try:
        return resolve_commit(repo_path, sha)
    except SourceError:
        return None
