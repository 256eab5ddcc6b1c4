"""A PagerDuty `/incidents` endpoint on 127.0.0.1 with injectable faults, for reliability tests.

The incidents it serves are a plain list the test edits between runs (`api.incidents`);
pages follow PagerDuty's offset paging (`limit`, `offset`, `more`), every window of a run
gets the same incidents (the source merges them on id). Faults:

- a future timestamp: put one in an incident (`incident(..., last_status_change_at="2099-...")`);
- `stall_offset`: the page at that offset is held until `release` is set (or `max_seconds`
  pass), after `arrived` is set: a test can kill the process reading it mid-extract;
- `malformed_offset`: the page at that offset is not JSON.

Every request is recorded (`hits`: the query of each) so a test can tell whether a run
asked at all.

    with FaultyPagerDuty(p.base_incidents()) as api:
        api.stall_offset = 2
        ...
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

INCIDENTS = "/incidents"


class FaultyPagerDuty:
    def __init__(
        self, incidents: list[dict[str, Any]] | None = None, *, max_seconds: float = 30.0
    ) -> None:
        self.incidents: list[dict[str, Any]] = list(incidents or [])
        self.page_size: int | None = None  # None: the client's `limit`
        self.stall_offset: int | None = None
        self.malformed_offset: int | None = None
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.max_seconds = max_seconds
        self.hits: list[dict[str, list[str]]] = []
        self._stopped = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def page(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        offset = int((query.get("offset") or ["0"])[0])
        limit = self.page_size or int((query.get("limit") or ["100"])[0])
        if self.stall_offset is not None and offset == self.stall_offset:
            self.arrived.set()
            for _ in range(int(self.max_seconds * 10)):
                if self.release.wait(0.1) or self._stopped.is_set():
                    break
        if self.malformed_offset is not None and offset == self.malformed_offset:
            return 200, b'{"incidents": [{"id": "PBROKEN"'
        chunk = self.incidents[offset : offset + limit]
        body = {
            "incidents": chunk,
            "limit": limit,
            "offset": offset,
            "more": offset + limit < len(self.incidents),
            "total": None,
        }
        return 200, json.dumps(body).encode()

    def __enter__(self) -> FaultyPagerDuty:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != INCIDENTS:
                    status, body = 404, b'{"error": {"message": "Not Found"}}'
                else:
                    query = parse_qs(parts.query)
                    api.hits.append(query)
                    status, body = api.page(query)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    return  # the client went away (killed)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
