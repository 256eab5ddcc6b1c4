"""A local stand-in for the GitHub, Copilot, Jira, PagerDuty, Cursor, Claude Code,
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
GitHub Actions workflows and runs, releases, tags and issues are served from optional
attributes of the world (empty without them; shapes in `_Handler.delivery`).
The server's memory does not grow with the world: Jira issues and Copilot user reports
(the two files that grow with the organisation) stay on disk and are read by byte offset
from an in-memory index, and per-repository data is loaded on first use into a small
least-recently-used cache (`REPO_CACHE_SIZE`).
"""

from __future__ import annotations

import argparse
import base64
import bisect
import json
import math
import os
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ingestion.demo.ai_tools import AiToolsApi

RATE_LIMIT = 5000
#: repositories whose data the server keeps parsed at once (a source reads a few at a time)
REPO_CACHE_SIZE = 8
NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
#: path prefixes of the native AI-tool and AI-spend APIs (ingestion/demo/ai_tools.py)
AI_TOOL_PREFIXES = ("/cursor/", "/anthropic/", "/openai/")


class ApiError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _read_jsonl(path: Path) -> list[Any]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


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


def parse_time(value: str) -> datetime:
    """ISO 8601 (with Z, an offset, or a bare date; Jira's `+0100` too) -> aware UTC datetime."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    text = text.replace(" ", "T")
    match = re.search(r"([+-]\d{2})(\d{2})$", text)
    if match and not re.search(r"[+-]\d{2}:\d{2}$", text):
        text = text[: match.start()] + f"{match.group(1)}:{match.group(2)}"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class RepoData:
    """One repository's PRs, details, comments, deployments and commits."""

    def __init__(self, root: Path, name: str) -> None:
        gh = root / "api" / "github"
        self.pulls = _read_jsonl(gh / "pulls" / f"{name}.jsonl")
        self.pull_by_number = {p["number"]: p for p in self.pulls}
        self.details = {d["number"]: d for d in _read_jsonl(gh / "pull_details" / f"{name}.jsonl")}
        self.comments = _read_jsonl(gh / "review_comments" / f"{name}.jsonl")
        self.deployments = sorted(
            _read_jsonl(gh / "deployments" / f"{name}.jsonl"), key=lambda d: -d["id"]
        )
        self.statuses = {
            s["deployment_id"]: s["statuses"]
            for s in _read_jsonl(gh / "deployment_statuses" / f"{name}.jsonl")
        }
        commits = _read_jsonl(gh / "commits" / f"{name}.jsonl")
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
        self.repos = _read_jsonl(api / "github" / "repos.jsonl")
        self.repo_by_full_name = {r["full_name"]: r for r in self.repos}
        self._repo_data: OrderedDict[str, RepoData] = OrderedDict()
        self._lock = threading.Lock()
        self.seats = _read_jsonl(api / "copilot" / "seats.jsonl")
        self.legacy = _read_jsonl(api / "copilot" / "metrics.jsonl")
        self.org_reports = {
            r["day"]: r for r in _read_jsonl(api / "copilot" / "organization-1-day.jsonl")
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
        incidents = _read_jsonl(api / "pagerduty" / "incidents.jsonl")
        for incident in incidents:
            incident["_created"] = parse_time(incident["created_at"])
        self.incidents = sorted(incidents, key=lambda i: (i["_created"], i["incident_number"]))
        orgs = {r["owner"]["login"] for r in self.repos}
        self.org = next(iter(sorted(orgs))) if orgs else "acme"
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


def _date_matches(value: str, query: str) -> bool:
    """GitHub's date qualifier (`>=2026-02-10`, `<2026-03-01`, `2026-02-01..2026-02-28`,
    `2026-02-10`) against an ISO timestamp, by its UTC day."""
    day = parse_time(value).date()
    if ".." in query:
        low, high = query.split("..", 1)
        return (low in ("", "*") or day >= date.fromisoformat(low[:10])) and (
            high in ("", "*") or day <= date.fromisoformat(high[:10])
        )
    for operator, test in (
        (">=", day.__ge__),
        ("<=", day.__le__),
        (">", day.__gt__),
        ("<", day.__lt__),
    ):
        if query.startswith(operator):
            return bool(test(date.fromisoformat(query[len(operator) :][:10])))
    return day == date.fromisoformat(query[:10])


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


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


class _Handler(BaseHTTPRequestHandler):
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

    # -- Cursor, Claude Code, Anthropic and OpenAI (ingestion/demo/ai_tools.py) ----------
    def ai_tool(self, path: str, body: Any) -> None:
        vendor, _, rest = path[1:].partition("/")
        status, answer = self.server.world.ai_tools.answer(vendor, "/" + rest, self.query, body)
        self.send_json(answer, status)

    # -- GitHub and Copilot ------------------------------------------------------------
    def github(self, seg: list[str]) -> None:
        world = self.server.world
        if len(seg) >= 2 and seg[0] == "orgs":
            if seg[1] != world.org:
                raise ApiError(404, NOT_FOUND)
            rest = seg[2:]
            if rest == ["repos"]:
                return self.org_repos()
            if rest[:1] == ["copilot"]:
                return self.copilot(rest[1:])
        if len(seg) >= 3 and seg[0] == "repos":
            repo = world.repo(seg[1], seg[2])
            rest = seg[3:]
            if not rest:
                return self.send_json(world.repo_by_full_name[f"{seg[1]}/{seg[2]}"])
            if rest == ["pulls"]:
                return self.pulls(repo)
            if rest == ["pulls", "comments"]:
                return self.review_comments(repo)
            if len(rest) >= 2 and rest[0] == "pulls" and rest[1].isdigit():
                return self.pull(repo, int(rest[1]), rest[2:])
            if rest == ["deployments"]:
                return self.deployments(repo)
            if len(rest) == 2 and rest[0] == "deployments" and rest[1].isdigit():
                found = [d for d in repo.deployments if d["id"] == int(rest[1])]
                if not found:
                    raise ApiError(404, NOT_FOUND)
                return self.send_json(found[0])
            if (
                len(rest) == 3
                and rest[0] == "deployments"
                and rest[1].isdigit()
                and rest[2] == "statuses"
            ):
                statuses = repo.statuses.get(int(rest[1]))
                if statuses is None:
                    raise ApiError(404, NOT_FOUND)
                chunk, headers = self.page(statuses)
                return self.send_json(chunk, headers=headers)
            if rest == ["commits"]:
                return self.commits(repo)
            if len(rest) == 2 and rest[0] == "commits":
                commit = repo.commit_by_sha.get(rest[1])
                if commit is None:
                    raise ApiError(404, NOT_FOUND)
                return self.send_json(_public(commit))
            if rest[:1] in (["actions"], ["releases"], ["git"], ["issues"]):
                return self.delivery(f"{seg[1]}/{seg[2]}", rest)
        if len(seg) == 3 and seg[0] == "users" and seg[2] == "repos":
            return self.user_repos(seg[1])
        raise ApiError(404, NOT_FOUND)

    def user_repos(self, owner: str) -> None:
        """`GET /users/{owner}/repos`: the repositories the account owns (orgs too, as GitHub)."""
        repos = [r for r in self.server.world.repos if r["owner"]["login"] == owner]
        if not repos and owner != self.server.world.org:
            raise ApiError(404, NOT_FOUND)
        chunk, headers = self.page(sorted(repos, key=lambda r: r["full_name"]))
        self.send_json(chunk, headers=headers)

    # -- delivery signals without the Deployments API --------------------------------
    def delivery(self, full_name: str, rest: list[str]) -> None:
        """Actions workflows and runs, releases, tags and issues of one repository.

        Served from optional attributes of the world, each a dict keyed by repository full
        name (`acme/api`); a world without one serves empty lists:

        - `workflows`: `[{"id", "name", "path", "state", ...}]` (GitHub's workflow objects)
        - `workflow_runs`: `[{"id", "workflow_id", "name", "path", "head_branch",
          "head_sha", "event", "status", "conclusion", "run_attempt", "created_at",
          "run_started_at", "updated_at", ...}]` (GitHub's run objects, any workflow)
        - `releases`: `[{"id", "tag_name", "target_commitish", "name", "draft",
          "prerelease", "created_at", "published_at", ...}]`
        - `tags`: `[{"ref": "refs/tags/v1", "object": {"sha", "type": "tag"|"commit"}}]`;
          a lightweight tag's commit is served by `/commits/{sha}` from the repository's
          commits file
        - `tag_objects`: `{sha: {"sha", "tag", "tagger": {"date", ...}, "object": {"sha",
          "type"}}}` (annotated tags' objects, by the SHA their ref points at)
        - `github_issues`: `[{"id", "number", "title", "state", "labels": [{"name"}],
          "created_at", "closed_at", "updated_at", ...}]` (a PR listed as an issue carries
          a `pull_request` key, as on GitHub)
        """
        world = self.server.world

        def data(attribute: str, empty: Any) -> Any:
            return (getattr(world, attribute, None) or {}).get(full_name) or empty

        if rest == ["actions", "workflows"]:
            workflows = sorted(data("workflows", []), key=lambda w: w["id"])
            chunk, headers = self.page(workflows)
            return self.send_json(
                {"total_count": len(workflows), "workflows": chunk}, headers=headers
            )
        if len(rest) == 4 and rest[:2] == ["actions", "workflows"] and rest[3] == "runs":
            workflow = next(
                (
                    w
                    for w in data("workflows", [])
                    if str(w["id"]) == rest[2] or w.get("path", "").endswith(f"/{rest[2]}")
                ),
                None,
            )
            if workflow is None:
                raise ApiError(404, NOT_FOUND)
            runs = [r for r in data("workflow_runs", []) if r["workflow_id"] == workflow["id"]]
            created = self.q("created")
            if created:
                runs = [r for r in runs if _date_matches(r["created_at"], created)]
            for name in ("status", "branch", "event", "head_sha"):
                value = self.q(name)
                field = "head_branch" if name == "branch" else name
                if value:  # a status filter also matches a conclusion, as on GitHub
                    runs = [r for r in runs if value in (r.get(field), r.get("conclusion"))]
            runs.sort(key=lambda r: (parse_time(r["created_at"]), r["id"]), reverse=True)
            chunk, headers = self.page(runs)
            return self.send_json(
                {"total_count": len(runs), "workflow_runs": chunk}, headers=headers
            )
        if rest == ["releases"]:
            releases = sorted(
                data("releases", []),
                key=lambda r: (parse_time(r["created_at"]), r["id"]),
                reverse=True,
            )
            chunk, headers = self.page(releases)
            return self.send_json(chunk, headers=headers)
        if len(rest) >= 3 and rest[:3] == ["git", "matching-refs", "tags"]:
            prefix = "refs/" + "/".join(rest[2:])
            refs = sorted(
                (r for r in data("tags", []) if r["ref"].startswith(prefix)),
                key=lambda r: r["ref"],
            )
            return self.send_json(refs)
        if len(rest) == 3 and rest[:2] == ["git", "tags"]:
            tag = data("tag_objects", {}).get(rest[2])
            if tag is None:
                raise ApiError(404, NOT_FOUND)
            return self.send_json(tag)
        if rest == ["issues"]:
            return self.issues(data("github_issues", []))
        raise ApiError(404, NOT_FOUND)

    def issues(self, items: list[dict[str, Any]]) -> None:
        """`GET /repos/{o}/{r}/issues`: `labels` (all of them), `state`, `since`, sorted."""
        state = self.q("state", "open")
        items = [i for i in items if state == "all" or i["state"] == state]
        wanted = {name.strip().lower() for name in (self.q("labels") or "").split(",")} - {""}
        if wanted:
            items = [
                i
                for i in items
                if wanted <= {str(label["name"]).lower() for label in i.get("labels") or []}
            ]
        since = self.q("since")
        if since:
            cutoff = parse_time(since)
            items = [i for i in items if parse_time(i["updated_at"]) >= cutoff]
        key = {"updated": "updated_at"}.get(self.q("sort") or "", "created_at")
        items = sorted(
            items,
            key=lambda i: (parse_time(i[key]), i["id"]),
            reverse=self.q("direction", "desc") == "desc",
        )
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def org_repos(self) -> None:
        repos = list(self.server.world.repos)
        sort = self.q("sort", "full_name")
        key = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at"}.get(
            sort or "", "full_name"
        )
        default_direction = "asc" if key == "full_name" else "desc"
        repos.sort(
            key=lambda r: (r[key], r["id"]),
            reverse=self.q("direction", default_direction) == "desc",
        )
        chunk, headers = self.page(repos)
        self.send_json(chunk, headers=headers)

    def pulls(self, repo: RepoData) -> None:
        state = self.q("state", "open")
        items = [p for p in repo.pulls if state == "all" or p["state"] == state]
        sort = self.q("sort", "created")
        key = {"updated": "updated_at", "created": "created_at"}.get(
            sort or "created", "created_at"
        )
        default_direction = "desc" if key == "created_at" else "asc"
        items.sort(
            key=lambda p: (p[key], p["number"]),
            reverse=self.q("direction", default_direction) == "desc",
        )
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def pull(self, repo: RepoData, number: int, rest: list[str]) -> None:
        pr = repo.pull_by_number.get(number)
        details = repo.details.get(number)
        if pr is None or details is None:
            raise ApiError(404, NOT_FOUND)
        if not rest:
            files = details["files"]
            full = dict(pr)
            full.update(
                merged=pr["merged_at"] is not None,
                commits=len(details["commits"]),
                additions=sum(f["additions"] for f in files),
                deletions=sum(f["deletions"] for f in files),
                changed_files=len(files),
            )
            return self.send_json(full)
        if rest == ["commits"]:
            chunk, headers = self.page(details["commits"], maximum=250)
        elif rest == ["reviews"]:
            chunk, headers = self.page(details["reviews"])
        elif rest == ["files"]:
            chunk, headers = self.page(details["files"], maximum=3000)
        else:
            raise ApiError(404, NOT_FOUND)
        self.send_json(chunk, headers=headers)

    def review_comments(self, repo: RepoData) -> None:
        items = list(repo.comments)
        since = self.q("since")
        if since:
            cutoff = parse_time(since)
            items = [c for c in items if parse_time(c["updated_at"]) >= cutoff]
        sort = self.q("sort")
        if sort in ("created", "updated"):
            key = f"{sort}_at"
            items.sort(
                key=lambda c: (c[key], c["id"]), reverse=self.q("direction", "asc") == "desc"
            )
        else:
            items.sort(key=lambda c: c["id"])
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def deployments(self, repo: RepoData) -> None:
        items = repo.deployments
        for name in ("sha", "ref", "task", "environment"):
            value = self.q(name)
            if value:
                items = [d for d in items if d[name] == value]
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def commits(self, repo: RepoData) -> None:
        items = repo.commits
        sha = self.q("sha")
        if sha and sha in repo.commit_by_sha:
            reachable: set[str] = set()
            stack = [sha]
            while stack:
                current = stack.pop()
                if current in reachable or current not in repo.commit_by_sha:
                    continue
                reachable.add(current)
                stack.extend(p["sha"] for p in repo.commit_by_sha[current]["parents"])
            items = [c for c in items if c["sha"] in reachable]
        elif sha and sha != "main":
            raise ApiError(404, {"message": "No commit found for SHA: " + sha})
        since, until = self.q("since"), self.q("until")
        if since:
            low = parse_time(since)
            items = [c for c in items if c["_date"] >= low]
        if until:
            high = parse_time(until)
            items = [c for c in items if c["_date"] <= high]
        author = self.q("author")
        if author:
            items = [c for c in items if (c.get("author") or {}).get("login") == author]
        chunk, headers = self.page(items)
        self.send_json([_public(c) for c in chunk], headers=headers)

    def copilot(self, rest: list[str]) -> None:
        world = self.server.world
        if rest == ["billing", "seats"]:
            chunk, headers = self.page(world.seats, default=50)
            return self.send_json(
                {"total_seats": len(world.seats), "seats": chunk}, headers=headers
            )
        if rest == ["metrics"]:
            days = world.legacy
            since, until = self.q("since"), self.q("until")
            if since:
                low = parse_time(since).date()
                days = [d for d in days if date.fromisoformat(d["date"]) >= low]
            if until:
                high = parse_time(until).date()
                days = [d for d in days if date.fromisoformat(d["date"]) <= high]
            chunk, headers = self.page(days, default=28, maximum=100)
            return self.send_json(chunk, headers=headers)
        if (
            len(rest) == 3
            and rest[:2] == ["metrics", "reports"]
            and rest[2] in ("organization-1-day", "users-1-day")
        ):
            day = self.q("day")
            if not day:
                raise ApiError(422, {"message": "Missing required parameter: day"})
            if day not in world.org_reports:
                raise ApiError(404, NOT_FOUND)
            url = f"{self.server.base_url}/downloads/copilot/{rest[2]}/{day}.ndjson"
            return self.send_json({"download_links": [url], "report_day": day})
        raise ApiError(404, NOT_FOUND)

    def downloads(self, seg: list[str]) -> None:
        world = self.server.world
        if len(seg) == 3 and seg[0] == "copilot" and seg[2].endswith(".ndjson"):
            day = seg[2].removesuffix(".ndjson")
            if day in world.org_reports:
                rows = (
                    [world.org_reports[day]]
                    if seg[1] == "organization-1-day"
                    else world.user_reports(day)
                )
                if seg[1] in ("organization-1-day", "users-1-day"):
                    body = "".join(
                        json.dumps(r, separators=(",", ":")) + "\n" for r in rows
                    ).encode()
                    return self.send_body(body, 200, "application/x-ndjson")
        raise ApiError(404, NOT_FOUND)

    # -- Jira ---------------------------------------------------------------------------
    def jira(self, seg: list[str]) -> None:
        world = self.server.world
        if seg == ["rest", "api", "3", "status"]:
            return self.send_json(world.jira_statuses)
        if seg in (["rest", "api", "3", "search", "jql"], ["rest", "api", "3", "search"]):
            return self.jira_search()
        raise ApiError(404, {"errorMessages": ["Not Found"], "errors": {}})

    def jira_search(self) -> None:
        world = self.server.world
        jql = self.q("jql", "") or ""
        issues = world.issue_refs
        match = re.search(
            r'updated\s*>=?\s*"?(\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?)"?',
            jql,
            re.IGNORECASE,
        )
        if match:
            low = parse_time(match.group(1))
            issues = issues[bisect.bisect_left(world.issue_updated, low) :]
        projects = re.search(
            r"project\s*(?:=\s*\"?([A-Z0-9_]+)\"?|in\s*\(([^)]*)\))", jql, re.IGNORECASE
        )
        if projects:
            keys = {
                p.strip().strip('"').upper()
                for p in (projects.group(1) or projects.group(2)).split(",")
            }
            issues = [i for i in issues if i[0].split("-")[0] in keys]
        order = re.search(r"order\s+by\s+(\w+)(?:\s+(asc|desc))?", jql, re.IGNORECASE)
        if (
            order
            and order.group(1).lower() == "updated"
            and (order.group(2) or "asc").lower() == "desc"
        ):
            issues = list(reversed(issues))
        max_results = min(max(self.q_int("maxResults", 50), 1), 5000)
        token = self.q("nextPageToken")
        offset = 0
        if token:
            try:
                offset = int(
                    base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:")
                )
            except ValueError:
                raise ApiError(
                    400, {"errorMessages": ["Invalid nextPageToken"], "errors": {}}
                ) from None
        chunk = issues[offset : offset + max_results]
        fields_param = self.q("fields")
        wanted = None
        if fields_param and fields_param not in ("*all", "*navigable"):
            wanted = {f.strip() for f in fields_param.split(",") if f.strip()}
        expand = {e.strip() for e in (self.q("expand") or "").split(",")}
        out = []
        for _key, at, length in chunk:
            issue = world.issue(at, length)
            obj = {k: v for k, v in issue.items() if not k.startswith("_") and k != "changelog"}
            if wanted is not None:
                obj["fields"] = {k: v for k, v in issue["fields"].items() if k in wanted}
            if "changelog" in expand:
                obj["changelog"] = issue["changelog"]
            out.append(obj)
        body: dict[str, Any] = {"issues": out, "isLast": offset + max_results >= len(issues)}
        if not body["isLast"]:
            body["nextPageToken"] = base64.urlsafe_b64encode(
                f"offset:{offset + max_results}".encode()
            ).decode()
        self.send_json(body)

    # -- PagerDuty -----------------------------------------------------------------------
    def pagerduty(self, seg: list[str]) -> None:
        if seg != ["incidents"]:
            raise ApiError(404, {"error": {"message": "Not Found", "code": 2100}})
        world = self.server.world
        items = world.incidents
        if self.q("date_range") != "all":
            since, until = self.q("since"), self.q("until")
            if since:
                low = parse_time(since)
                items = [i for i in items if i["_created"] >= low]
            if until:
                high = parse_time(until)
                items = [i for i in items if i["_created"] < high]
        statuses = set(self.query.get("statuses[]", []))
        if statuses:
            items = [i for i in items if i["status"] in statuses]
        services = set(self.query.get("service_ids[]", []))
        if services:
            items = [i for i in items if i["service"]["id"] in services]
        limit = min(max(self.q_int("limit", 25), 1), 100)
        offset = max(self.q_int("offset", 0), 0)
        chunk = items[offset : offset + limit]
        self.send_json(
            {
                "incidents": [_public(i) for i in chunk],
                "limit": limit,
                "offset": offset,
                "more": offset + limit < len(items),
                "total": len(items),
            }
        )


# -- GitHub GraphQL (v4): the github source's pull-request query ---------------------------
GRAPHQL_MAX_FIRST = 100
_GRAPHQL_STATES = {"open": "OPEN", "closed": "CLOSED"}
_GRAPHQL_CHANGE = {
    "added": "ADDED",
    "removed": "DELETED",
    "modified": "MODIFIED",
    "renamed": "RENAMED",
    "copied": "COPIED",
    "changed": "CHANGED",
}
_NESTED = re.compile(r"\b(labels|commits|reviews|files|statuses)\s*\(\s*first\s*:\s*(\d+)")
_DEPLOYMENTS = re.compile(r"\bdeployments\s*\(")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_DEPLOYMENT_STATES = {"in_progress": "IN_PROGRESS"}


def _gql_error(message: str, **extra: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, **extra}]}


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    text = base64.b64decode(cursor.encode(), validate=True).decode()
    if not text.startswith("cursor:v2:"):
        raise ValueError(cursor)
    return int(text.removeprefix("cursor:v2:"))


def _connection(items: list[Any], first: int, offset: int = 0) -> dict[str, Any]:
    chunk = items[offset : offset + first]
    return {
        "pageInfo": {
            "hasNextPage": offset + first < len(items),
            "endCursor": _cursor(offset + len(chunk)) if chunk else None,
        },
        "nodes": chunk,
    }


def node_id(prefix: str, repo_id: int, object_id: int) -> str:
    """GitHub's new-format node ID: `<prefix>_` + base64url(MessagePack `[0, repo, id]`)."""
    packed = bytearray([0x93])
    for value in (0, repo_id, object_id):
        if value <= 0x7F:
            packed.append(value)
        else:
            width, tag = next(
                (w, t)
                for w, t in ((1, 0xCC), (2, 0xCD), (4, 0xCE), (8, 0xCF))
                if value < 1 << (8 * w)
            )
            packed += bytes([tag]) + value.to_bytes(width, "big")
    return f"{prefix}_" + base64.urlsafe_b64encode(bytes(packed)).decode().rstrip("=")


def _deployment_node(
    deployment: dict[str, Any], statuses: list[dict[str, Any]], repo_id: int, first: int
) -> dict[str, Any]:
    ref = deployment.get("ref")
    dep_id = int(deployment["id"])
    return {
        "id": node_id("DE", repo_id, dep_id),
        # `databaseId` is a GraphQL Int: null past 2**31 - 1 here
        "databaseId": dep_id if dep_id < 2**31 else None,
        "commitOid": deployment["sha"],
        # a deployment made from a SHA has no Ref
        "ref": {"name": ref} if ref and not _SHA.match(ref) else None,
        "task": deployment.get("task"),
        "environment": deployment.get("environment"),
        "creator": _actor(deployment.get("creator")),
        "createdAt": deployment["created_at"],
        "updatedAt": deployment.get("updated_at"),
        "statuses": _connection(
            [
                {
                    "id": node_id("DES", repo_id, int(status["id"])),
                    "state": _DEPLOYMENT_STATES.get(status["state"], status["state"].upper()),
                    "environment": status.get("environment"),
                    "createdAt": status["created_at"],
                }
                for status in statuses
            ],
            first,
        ),
    }


def _actor(user: Any) -> dict[str, Any] | None:
    """A REST user as a GraphQL `Actor`: bots' logins lose REST's `[bot]` suffix."""
    if not isinstance(user, dict):
        return None
    kind = user.get("type") or "User"
    login = str(user.get("login"))
    return {"__typename": kind, "login": login.removesuffix("[bot]") if kind == "Bot" else login}


def _pull_node(pr: dict[str, Any], details: dict[str, Any], firsts: dict[str, int]) -> Any:
    files = details["files"]
    merged = pr.get("merged_at") is not None
    sha = pr.get("merge_commit_sha")
    node: dict[str, Any] = {
        "fullDatabaseId": str(pr["id"]),
        "number": pr["number"],
        "state": "MERGED" if merged else _GRAPHQL_STATES.get(pr["state"], pr["state"].upper()),
        "isDraft": bool(pr.get("draft")),
        "title": pr.get("title"),
        "body": pr.get("body") or "",
        "author": _actor(pr.get("user")),
        "createdAt": pr["created_at"],
        "updatedAt": pr["updated_at"],
        "closedAt": pr.get("closed_at"),
        "mergedAt": pr.get("merged_at"),
        "mergeCommit": {"oid": sha} if merged and sha else None,
        "potentialMergeCommit": {"oid": sha} if not merged and sha else None,
        "headRefOid": pr["head"]["sha"],
        "headRefName": pr["head"]["ref"],
        "baseRefName": pr["base"]["ref"],
        "additions": sum(f["additions"] for f in files),
        "deletions": sum(f["deletions"] for f in files),
        "changedFiles": len(files),
    }
    nested: dict[str, list[Any]] = {
        "labels": [{"name": label["name"]} for label in pr.get("labels") or []],
        "commits": [
            {
                "commit": {
                    "oid": c["sha"],
                    "message": c["commit"]["message"],
                    "authoredDate": c["commit"]["author"]["date"],
                    "committedDate": c["commit"]["committer"]["date"],
                    # GitActor.user is a User: null for a bot (or an unlinked email)
                    "author": {
                        "user": {"login": c["author"]["login"]}
                        if (c.get("author") or {}).get("type") == "User"
                        else None
                    },
                }
            }
            for c in details["commits"]
        ],
        "reviews": [
            {
                "fullDatabaseId": str(r["id"]),
                "author": _actor(r.get("user")),
                "state": r["state"],
                "submittedAt": r.get("submitted_at"),
                "commit": {"oid": r["commit_id"]} if r.get("commit_id") else None,
            }
            for r in details["reviews"]
        ],
        "files": [
            {
                "path": f["filename"],
                "additions": f["additions"],
                "deletions": f["deletions"],
                "changeType": _GRAPHQL_CHANGE.get(f["status"], str(f["status"]).upper()),
            }
            for f in files
        ],
    }
    for name, first in firsts.items():
        node[name] = _connection(nested[name], first)
    return node


def graphql_answer(world: DemoWorld, body: Any) -> dict[str, Any]:
    """GitHub's answer to the github source's `repository.pullRequests` or
    `repository.deployments` query.

    Errors come back as GitHub sends them: HTTP 200 with an `errors` array (and
    `data.repository: null` for an unknown repository).
    """
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _gql_error("A query attribute must be specified and must be a string.")
    query = body["query"]
    field = "deployments" if _DEPLOYMENTS.search(query) else "pullRequests"
    if "repository" not in query or field not in query:
        return _gql_error(
            "This demo server answers only the github source's repository.pullRequests and "
            "repository.deployments queries."
        )
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        return _gql_error("Variables are invalid JSON.")
    problems = [
        f"Variable ${name} of type String! was provided invalid value"
        for name in ("owner", "name")
        if not isinstance(variables.get(name), str)
    ]
    first = variables.get("first")
    if isinstance(first, bool) or not isinstance(first, int):
        problems.append("Variable $first of type Int! was provided invalid value")
    after = variables.get("after")
    if after is not None and not isinstance(after, str):
        problems.append("Variable $after of type String was provided invalid value")
    environments = variables.get("environments")
    if environments is not None and (
        not isinstance(environments, list) or not all(isinstance(e, str) for e in environments)
    ):
        problems.append("Variable $environments of type [String!] was provided invalid value")
    if problems:
        return {
            "errors": [
                {"message": text, "extensions": {"code": "variableMismatch"}} for text in problems
            ]
        }
    firsts = {name: int(n) for name, n in _NESTED.findall(query)}
    for name, n in [(field, first), *firsts.items()]:
        if not 1 <= n <= GRAPHQL_MAX_FIRST:
            return _gql_error(
                f"Requesting {n} records on the `{name}` connection exceeds the `first` limit "
                f"of {GRAPHQL_MAX_FIRST} records.",
                type="EXCESSIVE_PAGINATION",
            )
    full_name = f"{variables['owner']}/{variables['name']}"
    if full_name not in world.repo_by_full_name:
        return {
            "data": {"repository": None},
            "errors": [
                {
                    "type": "NOT_FOUND",
                    "path": ["repository"],
                    "message": f"Could not resolve to a Repository with the name '{full_name}'.",
                }
            ],
        }
    try:
        offset = _offset(after) if after else 0
    except ValueError:
        return {
            "data": {"repository": None},
            "errors": [
                {
                    "path": ["repository", field],
                    "message": f"`{after}` does not appear to be a valid cursor.",
                }
            ],
        }
    repo = world.repo(*full_name.split("/", 1))
    if field == "deployments":
        deployments = [
            d for d in repo.deployments if environments is None or d["environment"] in environments
        ]
        deployments.sort(key=lambda d: (d["created_at"], d["id"]), reverse=True)
        page = _connection(deployments, first, offset)
        repo_id = int(world.repo_by_full_name[full_name]["id"])
        page["nodes"] = [
            _deployment_node(
                d, repo.statuses.get(d["id"], []), repo_id, firsts.get("statuses", 100)
            )
            for d in page["nodes"]
        ]
        return {"data": {"repository": {"deployments": page}}}
    pulls = sorted(repo.pulls, key=lambda p: (p["updated_at"], p["number"]), reverse=True)
    page = _connection(pulls, first, offset)
    page["nodes"] = [_pull_node(pr, repo.details[pr["number"]], firsts) for pr in page["nodes"]]
    return {"data": {"repository": {"pullRequests": page}}}


class VendorUrls:
    """Each vendor's base URL under one demo server's `base_url`."""

    base_url: str

    @property
    def github_url(self) -> str:
        return f"{self.base_url}/github"

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
            f"  GitHub/Copilot: {api.github_url}\n  Jira: {api.jira_url}\n  PagerDuty: {api.pagerduty_url}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
