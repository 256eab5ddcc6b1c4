"""Benchmark the git source: build a synthetic repository with `git fast-import`, load it.

    python -m ingestion.sources.git.bench --commits 100000

Everything happens in a temporary folder (repository, warehouse, dlt state); prints the
commits per second of the first (full) load, the time of a second, no-op run, and of a
third run after a tagged side branch (`release/bench`, 1% of the commits, forked at the
middle of `main`) appeared: only that branch's commits are read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from ingestion.common.pipeline import run_source
from ingestion.sources.git import NAME, source

AUTHORS = ["ana", "bo", "chen", "dee", "eli", "fay", "gus", "hal"]


def fast_import_stream(commits: int, start: int = 1_700_000_000) -> bytes:
    """A fast-import stream of `commits` commits on `main`, a merge every 50, a tag every 1000."""
    out: list[bytes] = []
    for i in range(1, commits + 1):
        who = AUTHORS[i % len(AUTHORS)]
        when = start + i * 60
        message = f"Change {i}: update module {i % 97}\n"
        if i % 5 == 0:
            message += "\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n"
        body = f"line {i}\n".encode()
        data = message.encode()
        parts = [
            b"commit refs/heads/main\n",
            f"mark :{i}\n".encode(),
            f"author {who.title()} <{who}@example.com> {when} +0100\n".encode(),
            f"committer {who.title()} <{who}@example.com> {when + 30} +0000\n".encode(),
            f"data {len(data)}\n".encode(),
            data,
        ]
        if i > 1:
            parts.append(f"from :{i - 1}\n".encode())
        if i > 2 and i % 50 == 0:
            parts.append(f"merge :{i - 2}\n".encode())
        parts.append(
            f"M 644 inline src/file_{i % 200}.txt\ndata {len(body)}\n".encode() + body + b"\n"
        )
        if i % 1000 == 0:
            parts.append(f"reset refs/tags/v{i // 1000}.0.0\nfrom :{i}\n\n".encode())
        out.append(b"".join(parts))
    return b"".join(out)


def side_branch_stream(base: str, commits: int, start: int = 1_800_000_000) -> bytes:
    """`commits` commits on `release/bench` forked at commit `base`, its tip tagged."""
    out: list[bytes] = []
    for i in range(1, commits + 1):
        when = start + i * 60
        data = f"Backport {i}\n".encode()
        body = f"backport {i}\n".encode()
        out.append(
            b"".join(
                [
                    b"commit refs/heads/release/bench\n",
                    f"mark :{i}\n".encode(),
                    f"author Ana <ana@example.com> {when} +0000\n".encode(),
                    f"committer Ana <ana@example.com> {when} +0000\n".encode(),
                    f"data {len(data)}\n".encode(),
                    data,
                    f"from {base}\n".encode() if i == 1 else f"from :{i - 1}\n".encode(),
                    f"M 644 inline release/file_{i % 50}.txt\ndata {len(body)}\n".encode(),
                    body,
                    b"\n",
                ]
            )
        )
    out.append(f"reset refs/tags/release-bench\nfrom :{commits}\n\n".encode())
    return b"".join(out)


def add_tagged_side_branch(path: Path, commits: int, fork_back: int) -> None:
    base = subprocess.run(
        ["git", "-C", str(path), "rev-parse", f"main~{fork_back}"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input=side_branch_stream(base, commits),
        check=True,
    )


def build_repository(path: Path, commits: int) -> float:
    started = time.monotonic()
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input=fast_import_stream(commits),
        check=True,
    )
    subprocess.run(["git", "-C", str(path), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    with tempfile.TemporaryDirectory(prefix="git-bench-") as tmp:
        repo = Path(tmp) / "bench-repo"
        built = build_repository(repo, args.commits)
        print(f"built a repository of {args.commits:,} commits in {built:.1f}s")
        db, state = Path(tmp) / "bench.duckdb", Path(tmp) / "state"
        summary = run_source(NAME, source(repo_path=str(repo)), db_path=db, state_dir=state)
        rows = summary.row_counts.get("commits", 0)
        print(
            f"first load: {rows:,} commits, {summary.row_counts.get('tags', 0)} tags in "
            f"{summary.seconds:.1f}s = {rows / summary.seconds:,.0f} commits/s"
        )
        again = run_source(NAME, source(repo_path=str(repo)), db_path=db, state_dir=state)
        print(f"second (no-op) run: {again.total_rows} rows in {again.seconds:.1f}s")
        side = max(1, args.commits // 100)
        add_tagged_side_branch(repo, side, fork_back=args.commits // 2)
        third = run_source(NAME, source(repo_path=str(repo)), db_path=db, state_dir=state)
        print(
            f"third run, a tag on a new side branch of {side:,} commits: "
            f"{third.row_counts.get('commits', 0):,} commits, "
            f"{third.row_counts.get('tags', 0)} tags in {third.seconds:.1f}s"
        )


if __name__ == "__main__":
    main()
