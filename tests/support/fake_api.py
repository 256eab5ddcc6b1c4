"""A scripted HTTP server on 127.0.0.1 for source tests.

Register answers per path (query strings ignored unless a route gives `query`), in the
order they should be served; the last answer of a route repeats. GET and POST share the
routes (a POST's JSON body is recorded as `Request.body`, e.g. GraphQL variables); a
GraphQL POST is answered from `query="op=<OperationName>"` first, so each query keeps its
own queue.
Every request is recorded so tests can assert on paging, headers and retries.

    with FakeApi() as api:
        api.add("/orgs/acme/repos", json=[...], headers={"Link": '<...>; rel="next"'})
        client = ApiClient("github", api.url)
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    method: str = "GET"
    body: Any = None


class FakeApi:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str | None], list[Answer]] = {}
        self.requests: list[Request] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add(
        self,
        path: str,
        json_body: Any = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
        query: str | None = None,
    ) -> None:
        """Queue an answer for `path` (optionally only for an exact query string)."""
        body = raw.encode() if isinstance(raw, str) else raw
        if body is None:
            body = json.dumps(json_body).encode()
        self.routes.setdefault((path, query), []).append(Answer(status, body, dict(headers or {})))

    def link(self, path: str, query: str, rel: str = "next") -> str:
        return f'<{self.url}{path}?{query}>; rel="{rel}"'

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FakeApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                self.answer()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                self.answer("POST", body)

            def answer(self, method: str = "GET", body: Any = None) -> None:
                parts = urlsplit(self.path)
                api.requests.append(
                    Request(parts.path, parse_qs(parts.query), dict(self.headers), method, body)
                )
                operation = re.match(
                    r"\s*(?:query|mutation)\s+(\w+)",
                    body.get("query", "") if isinstance(body, dict) else "",
                )
                queue = (
                    (operation and api.routes.get((parts.path, f"op={operation.group(1)}")))
                    or api.routes.get((parts.path, parts.query))
                    or api.routes.get((parts.path, None))
                )
                if not queue:
                    answer = Answer(404, b'{"message": "Not Found"}')
                else:
                    answer = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
