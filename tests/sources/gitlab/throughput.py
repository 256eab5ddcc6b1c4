"""Rows per second of the GitLab source against a generated GitLab served on 127.0.0.1.

Not a test (nothing is timed or asserted): `python -m tests.sources.gitlab.throughput
[projects] [merge requests per project]` loads a generated group into a temporary
warehouse twice (the second run must load nothing) and prints the figures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from tests.sources.gitlab import payloads as p
from tests.support.fake_api import FakeApi

API = "/api/v4"
PER_PAGE = 100


def _ts(day: int, minute: int) -> str:
    return f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}T{minute // 60 % 24:02d}:{minute % 60:02d}:00.000Z"


def generate(api: FakeApi, projects: int, mrs: int) -> int:
    """Script `projects` projects of `mrs` merge requests each; returns the requests a
    first run makes."""
    listed = [p.project(100 + i, f"acme/svc{i}") for i in range(projects)]
    api.add(f"{API}/groups/acme/projects", listed)
    requests = 1
    for index in range(projects):
        base = f"{API}/projects/{100 + index}"
        name = f"acme/svc{index}"
        items = [
            p.merge_request(
                n,
                index * 1_000_000 + n,
                _ts(n % 300, n),
                labels=["ai-assisted"] if n % 3 == 0 else [],
                squash=n % 2 == 0,
                references={"full": f"{name}!{n}"},
            )
            for n in range(mrs, 0, -1)
        ]
        pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)] or [[]]
        for number, page in enumerate(pages, start=1):
            headers = {}
            if number < len(pages):
                headers["Link"] = api.link(f"{base}/merge_requests", f"page={number + 1}")
            api.add(
                f"{base}/merge_requests",
                page,
                headers=headers,
                query=None if number == 1 else f"page={number}",
            )
        requests += len(pages)
        for n in range(1, mrs + 1):
            mr = f"{base}/merge_requests/{n}"
            api.add(
                f"{mr}/commits",
                [
                    p.commit(f"{n:038x}{k:02x}", f"Change {k}\n\nCo-authored-by: X <x@y>")
                    for k in range(3)
                ],
            )
            api.add(f"{mr}/approvals", p.approvals(p.approver("reviewer", 2, _ts(n % 300, n + 5))))
            api.add(
                f"{mr}/notes",
                [
                    p.note(n * 10 + k, n, _ts(n % 300, n + k), kind="DiffNote" if k else None)
                    for k in range(3)
                ],
            )
            api.add(
                f"{mr}/diffs",
                [p.diff(f"src/f{k}.py", "@@ -1,2 +1,3 @@\n a\n-b\n+c\n+d\n") for k in range(4)],
            )
            requests += 4
        api.add(f"{base}/environments", [p.environment(1, "production", "production")])
        api.add(
            f"{base}/deployments",
            [
                p.deployment(
                    500 + index * 1000 + k, f"{k:040x}", "production", "success", _ts(k, 0)
                )
                for k in range(mrs // 5, 0, -1)
            ],
        )
        api.add(
            f"{base}/pipelines",
            [
                p.pipeline(900 + index * 1000 + k, "main", "success", _ts(k, 1), name="deploy")
                for k in range(mrs // 5, 0, -1)
            ],
        )
        api.add(f"{base}/repository/tags", [p.tag(f"v1.{k}", f"{k:040x}") for k in range(20)])
        api.add(
            f"{base}/releases", [p.release(f"v1.{k}", f"{k:040x}", _ts(k, 2)) for k in range(20)]
        )
        api.add(
            f"{base}/issues",
            [p.issue(index * 100_000 + k, k, _ts(k, 3), ["incident"]) for k in range(1, 21)],
        )
        api.add(
            f"{base}/repository/commits",
            [
                p.commit(f"{k:040x}", "Merge", _ts(k % 300, k), parents=[f"{k - 1:040x}"])
                for k in range(mrs, 0, -1)
            ],
        )
        requests += 7
    return requests


def main(argv: list[str]) -> None:
    projects = int(argv[0]) if argv else 4
    mrs = int(argv[1]) if len(argv) > 1 else 500
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["AI_ROI_DUCKDB_PATH"] = str(Path(tmp) / "w.duckdb")
        os.environ["AI_ROI_PIPELINES_DIR"] = str(Path(tmp) / "pipelines")
        from ingestion.common.pipeline import run_source
        from ingestion.sources.gitlab import NAME, source

        with FakeApi() as api:
            requests = generate(api, projects, mrs)
            options = {"groups": ["acme"], "base_url": f"{api.url}{API}", "private_token": "x"}
            for label in ("first run", "second run"):
                api.requests.clear()
                started = time.perf_counter()
                summary = run_source(NAME, source(**options), printer=lambda _line: None)
                seconds = time.perf_counter() - started
                print(
                    f"{label}: {summary.total_rows:,} rows, {len(api.requests):,} requests "
                    f"in {seconds:.1f}s = {summary.total_rows / seconds:,.0f} rows/s, "
                    f"{len(api.requests) / seconds:,.0f} requests/s"
                )
        print(f"({projects} projects x {mrs} merge requests; {requests:,} requests expected)")


if __name__ == "__main__":
    main(sys.argv[1:])
