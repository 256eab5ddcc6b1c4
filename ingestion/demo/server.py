"""A local stand-in for the GitHub, GitLab, Copilot, Jira, PagerDuty, Cursor, Claude Code,
Anthropic and OpenAI APIs, serving a demo world.

    with serve(Path("data/demo")) as api:
        requests.get(f"{api.github_url}/orgs/acme/repos")

or, from a shell: `python -m ingestion.demo.server --data data/demo --port 8765`.

Paths, pagination and filters follow the vendors' public docs closely enough for the
ingestion sources to run unchanged against it (see ingestion/demo/README.md).
`POST /github/graphql` answers the github source's two GraphQL queries
(`repository.pullRequests` with labels, commits, reviews and files;
`repository.deployments` with statuses; GitHub's response shape, node IDs and `errors`
included) from the same data; it does not parse other GraphQL queries.
The GitLab REST API v4 (at `/gitlab/api/v4`) serves the world's GitLab-hosted team
(ingestion/demo/routes/gitlab.py; empty when every team is on GitHub).
GitHub Actions workflows and runs, releases, tags and issues are served from optional
attributes of the world (empty without them; shapes in `GitHubRoutes.delivery`,
ingestion/demo/routes/github.py).
The server's memory does not grow with the world: Jira issues and Copilot user reports
(the two files that grow with the organisation) stay on disk and are read by byte offset
from an in-memory index, and per-repository data is loaded on first use into a small
least-recently-used cache (`REPO_CACHE_SIZE`).
Each vendor's routes are a mixin of the request handler in ingestion/demo/routes/ (one module
per vendor); `_Handler.route` dispatches on the path prefix.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ingestion.demo.ai_tools import AiToolsApi
from ingestion.demo.routes.ai_tools import AiToolRoutes
from ingestion.demo.routes.common import NOT_FOUND, ApiError, parse_time, read_jsonl
from ingestion.demo.routes.copilot import CopilotRoutes
from ingestion.demo.routes.github import GitHubRoutes
from ingestion.demo.routes.gitlab import GitLabData, GitLabRoutes
from ingestion.demo.routes.graphql import graphql_answer, node_id
from ingestion.demo.routes.jira import JiraRoutes
from ingestion.demo.routes.pagerduty import PagerDutyRoutes

#: re-exported for callers and tests that import them from here
__all__ = [
    "NOT_FOUND",
    "ApiError",
    "DemoServer",
    "DemoWorld",
    "ServerHandle",
    "VendorUrls",
    "graphql_answer",
    "node_id",
    "parse_time",
    "serve",
]

RATE_LIMIT = 5000
#: repositories whose data the server keeps parsed at once (a source reads a few at a time)
REPO_CACHE_SIZE = 8
#: path prefixes of the native AI-tool and AI-spend APIs (ingestion/demo/ai_tools.py)
AI_TOOL_PREFIXES = ("/cursor/", "/anthropic/", "/openai/")


class JsonlFile:
    """A JSONL file read line by line by byte offset (`os.pread`, safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._lock = threading.Lock()

    def scan(self) -> Iterator[tuple[int, int, Any]]:
        """(offset, length, parsed record) of every non-blank line, in file order."""
        if not self.path.exists():
            return
        offset = 0
        with self.path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    yield offset, len(line), json.loads(line)
                offset += len(line)

    def read(self, offset: int, length: int) -> Any:
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDONLY)
            fd = self._fd
        return json.loads(os.pread(fd, length, offset))

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


class RepoData:
    """One repository's PRs, details, comments, deployments and commits."""

    def __init__(self, root: Path, name: str) -> None:
        gh = root / "api" / "github"
        self.pulls = read_jsonl(gh / "pulls" / f"{name}.jsonl")
        self.pull_by_number = {p["number"]: p for p in self.pulls}
        self.details = {d["number"]: d for d in read_jsonl(gh / "pull_details" / f"{name}.jsonl")}
        self.comments = read_jsonl(gh / "review_comments" / f"{name}.jsonl")
        self.deployments = sorted(
            read_jsonl(gh / "deployments" / f"{name}.jsonl"), key=lambda d: -d["id"]
        )
        self.statuses = {
            s["deployment_id"]: s["statuses"]
            for s in read_jsonl(gh / "deployment_statuses" / f"{name}.jsonl")
        }
        commits = read_jsonl(gh / "commits" / f"{name}.jsonl")
        for commit in commits:
            commit["_date"] = parse_time(commit["commit"]["committer"]["date"])
        self.commits = sorted(commits, key=lambda c: (c["_date"], c["sha"]), reverse=True)
        self.commit_by_sha = {c["sha"]: c for c in commits}


class DemoWorld:
    """The world files under `data_dir`, indexed for the server."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir)
        api = self.root / "api"
        if not api.is_dir():
            raise FileNotFoundError(
                f"{api} not found: run `python -m ingestion.demo.generator --out {self.root}` first"
            )
        self.repos = read_jsonl(api / "github" / "repos.jsonl")
        self.repo_by_full_name = {r["full_name"]: r for r in self.repos}
        self._repo_data: OrderedDict[str, RepoData] = OrderedDict()
        self._lock = threading.Lock()
        self.seats = read_jsonl(api / "copilot" / "seats.jsonl")
        self.legacy = read_jsonl(api / "copilot" / "metrics.jsonl")
        self.org_reports = {
            r["day"]: r for r in read_jsonl(api / "copilot" / "organization-1-day.jsonl")
        }
        #: day -> (offset, length) of its rows in users-1-day.jsonl
        self.user_report_file = JsonlFile(api / "copilot" / "users-1-day.jsonl")
        self.user_report_spans: dict[str, list[tuple[int, int]]] = {
            day: [] for day in self.org_reports
        }
        for offset, length, row in self.user_report_file.scan():
            self.user_report_spans.setdefault(row["day"], []).append((offset, length))
        #: issues sorted by (updated, id): their `updated` instants, and (key, offset, length)
        self.issue_file = JsonlFile(api / "jira" / "issues.jsonl")
        index = sorted(
            (parse_time(issue["fields"]["updated"]), int(issue["id"]), issue["key"], offset, length)
            for offset, length, issue in self.issue_file.scan()
        )
        self.issue_updated = [entry[0] for entry in index]
        self.issue_refs = [(key, offset, length) for _, _, key, offset, length in index]
        statuses_path = api / "jira" / "statuses.json"
        self.jira_statuses = json.loads(statuses_path.read_text()) if statuses_path.exists() else []
        incidents = read_jsonl(api / "pagerduty" / "incidents.jsonl")
        for incident in incidents:
            incident["_created"] = parse_time(incident["created_at"])
        self.incidents = sorted(incidents, key=lambda i: (i["_created"], i["incident_number"]))
        orgs = {r["owner"]["login"] for r in self.repos}
        self.org = next(iter(sorted(orgs))) if orgs else "acme"
        #: the GitLab-hosted team's project (ingestion/demo/routes/gitlab.py)
        self.gitlab = GitLabData(self.root)
        #: Cursor, Claude Code, Anthropic and OpenAI answers (ingestion/demo/ai_tools.py)
        self.ai_tools = AiToolsApi(api)
        #: Actions workflows and runs, releases, tags, tag objects and issues per repository
        #: full name (served by `_Handler.delivery`), from api/github/delivery/<repo>.json
        #: (ingestion/demo/delivery_styles.py); empty without those files
        self.workflows: dict[str, Any] = {}
        self.workflow_runs: dict[str, Any] = {}
        self.releases: dict[str, Any] = {}
        self.tags: dict[str, Any] = {}
        self.tag_objects: dict[str, Any] = {}
        self.github_issues: dict[str, Any] = {}
        for path in sorted((api / "github" / "delivery").glob("*.json")):
            delivery = json.loads(path.read_text(encoding="utf-8"))
            for attribute in (
                "workflows",
                "workflow_runs",
                "releases",
                "tags",
                "tag_objects",
                "github_issues",
            ):
                if attribute in delivery:
                    getattr(self, attribute)[delivery["repository"]] = delivery[attribute]

    def user_reports(self, day: str) -> list[dict[str, Any]]:
        return [
            self.user_report_file.read(offset, length)
            for offset, length in self.user_report_spans.get(day, [])
        ]

    def issue(self, offset: int, length: int) -> dict[str, Any]:
        return self.issue_file.read(offset, length)

    def close(self) -> None:
        self.user_report_file.close()
        self.issue_file.close()

    def repo(self, owner: str, name: str) -> RepoData:
        full_name = f"{owner}/{name}"
        if full_name not in self.repo_by_full_name:
            raise ApiError(404, NOT_FOUND)
        with self._lock:
            data = self._repo_data.get(full_name)
            if data is None:
                data = RepoData(self.root, name)
                self._repo_data[full_name] = data
                while len(self._repo_data) > REPO_CACHE_SIZE:
                    self._repo_data.popitem(last=False)
            else:
                self._repo_data.move_to_end(full_name)
        return data


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], world: DemoWorld, faults: dict[str, list[str]] | None
    ) -> None:
        super().__init__(address, _Handler)
        self.world = world
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.fault_lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.request_count = 0
        self.reset_at = int(time.time()) + 3600
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server: (host, port)
        self.base_url = f"http://{host}:{port}"

    def take_fault(self, path: str) -> str | None:
        with self.fault_lock:
            self.hits[path] += 1
            self.request_count += 1
            for kind, paths in self.faults.items():
                if path in paths:
                    paths.remove(path)
                    return kind
        return None


class _Handler(
    AiToolRoutes,
    GitHubRoutes,
    GitLabRoutes,
    CopilotRoutes,
    JiraRoutes,
    PagerDutyRoutes,
    BaseHTTPRequestHandler,
):
    server: DemoServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing ---------------------------------------------------------------
    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self.req_path = path
        fault = self.server.take_fault(path)
        try:
            if fault == "rate_limit_once":
                raise ApiError(
                    403,
                    {
                        "message": "API rate limit exceeded",
                        "documentation_url": "https://docs.github.com/rest",
                    },
                    {"Retry-After": "0", "X-RateLimit-Remaining": "0"},
                )
            if fault == "rate_limit_429_once":
                raise ApiError(429, {"message": "Too Many Requests"}, {"Retry-After": "0"})
            if fault == "server_error_once":
                raise ApiError(500, {"message": "Server Error"})
            self.route(path)
        except ApiError as exc:
            self.send_json(exc.body, exc.status, exc.headers)
        except (ValueError, KeyError) as exc:
            self.send_json({"message": f"Bad request: {exc}"}, 400)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/") or "/"
        self.query = {}
        self.req_path = path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fault = self.server.take_fault(path)
        try:
            if fault == "rate_limit_once":
                raise ApiError(
                    403,
                    {"message": "API rate limit exceeded"},
                    {"Retry-After": "0", "X-RateLimit-Remaining": "0"},
                )
            if fault == "server_error_once":
                raise ApiError(500, {"message": "Server Error"})
            if path != "/github/graphql" and not path.startswith(AI_TOOL_PREFIXES):
                raise ApiError(404, NOT_FOUND)
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                raise ApiError(400, {"message": "Problems parsing JSON"}) from None
            if path.startswith(AI_TOOL_PREFIXES):
                return self.ai_tool(path, body)
            self.send_json(graphql_answer(self.server.world, body))
        except ApiError as exc:
            self.send_json(exc.body, exc.status, exc.headers)

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def q_int(self, name: str, default: int) -> int:
        value = self.q(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise ApiError(422, {"message": f"Invalid value for {name}: {value!r}"}) from None

    def send_body(
        self, body: bytes, status: int, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        remaining = max(0, RATE_LIMIT - 1 - self.server.request_count % RATE_LIMIT)
        base_headers = {
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(self.server.reset_at),
        }
        base_headers.update(headers or {})
        for key, value in base_headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_body(body, status, "application/json; charset=utf-8", headers)

    def page(
        self, items: list[Any], default: int = 30, maximum: int = 100
    ) -> tuple[list[Any], dict[str, str]]:
        """GitHub pagination: `per_page`/`page` and an RFC 5988 Link header."""
        per_page = min(max(self.q_int("per_page", default), 1), maximum)
        page = max(self.q_int("page", 1), 1)
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        if page < last:
            links.append(f'<{self.link(page + 1)}>; rel="next"')
            links.append(f'<{self.link(last)}>; rel="last"')
        if page > 1:
            links.append(f'<{self.link(1)}>; rel="first"')
            links.append(f'<{self.link(min(page - 1, last))}>; rel="prev"')
        return chunk, ({"Link": ", ".join(links)} if links else {})

    def link(self, page: int) -> str:
        pairs = [(k, v) for k, values in self.query.items() if k != "page" for v in values]
        pairs.append(("page", str(page)))
        return f"{self.server.base_url}{self.req_path}?{urlencode(pairs)}"

    # -- routing ----------------------------------------------------------------------
    def route(self, path: str) -> None:
        for prefix, handler in (
            ("/github/", self.github),
            ("/gitlab/", self.gitlab),
            ("/jira/", self.jira),
            ("/pagerduty/", self.pagerduty),
            ("/downloads/", self.downloads),
        ):
            if path.startswith(prefix):
                handler(path[len(prefix) - 1 :].split("/")[1:])
                return
        if path.startswith(AI_TOOL_PREFIXES):
            return self.ai_tool(path, None)
        raise ApiError(404, NOT_FOUND)


class VendorUrls:
    """Each vendor's base URL under one demo server's `base_url`."""

    base_url: str

    @property
    def github_url(self) -> str:
        return f"{self.base_url}/github"

    @property
    def gitlab_url(self) -> str:
        """The GitLab REST API v4 base URL (the gitlab source's `base_url`)."""
        return f"{self.base_url}/gitlab/api/v4"

    @property
    def jira_url(self) -> str:
        return f"{self.base_url}/jira"

    @property
    def pagerduty_url(self) -> str:
        return f"{self.base_url}/pagerduty"

    @property
    def cursor_url(self) -> str:
        return f"{self.base_url}/cursor"

    @property
    def anthropic_url(self) -> str:
        return f"{self.base_url}/anthropic"

    @property
    def openai_url(self) -> str:
        return f"{self.base_url}/openai"


class ServerHandle(VendorUrls):
    """What `serve` yields: URLs for each vendor and request statistics."""

    def __init__(self, server: DemoServer) -> None:
        self._server = server
        self.base_url = server.base_url
        self.world = server.world

    @property
    def hits(self) -> Counter[str]:
        """Requests served, by path (query string excluded)."""
        return self._server.hits

    @property
    def request_count(self) -> int:
        return self._server.request_count


@contextmanager
def serve(
    data_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: dict[str, list[str]] | None = None,
) -> Iterator[ServerHandle]:
    """Serve the world under `data_dir` from a daemon thread for the duration of the block.

    `faults` injects one-shot failures by exact request path (query excluded):
    `rate_limit_once` (403, `Retry-After: 0`, `X-RateLimit-Remaining: 0`),
    `rate_limit_429_once` (429, `Retry-After: 0`) and `server_error_once` (500).
    """
    world = DemoWorld(Path(data_dir))
    server = DemoServer((host, port), world, faults)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield ServerHandle(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        world.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.demo.server", description="Serve a demo world."
    )
    parser.add_argument("--data", type=Path, default=Path("data/demo"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    with serve(args.data, args.host, args.port) as api:
        print(f"serving {args.data} at {api.base_url}")
        print(
            f"  GitHub/Copilot: {api.github_url}\n  GitLab: {api.gitlab_url}\n"
            f"  Jira: {api.jira_url}\n  PagerDuty: {api.pagerduty_url}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
