"""A deliberately slow HTTP server on 127.0.0.1 for deadline tests.

`fast` paths answer their JSON at once (with optional headers, e.g. a `Link`); `trickle`
paths send the status line and headers, then their JSON body one byte every `interval`
seconds; `trickle_headers` paths send even the headers a byte at a time. A trickle stops
when the client goes away, when the server stops, or after `max_seconds` (then the
connection is closed), so a test never hangs on it. Paths match with their query string
first, then without.

    with SlowServer(fast={"/a": [1]}, trickle={"/b": [2]}) as server:
        ApiClient("x", server.url, request_deadline=1).get("/b")  # DeadlineExceededError
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


class SlowServer:
    def __init__(
        self,
        fast: dict[str, Any] | None = None,
        trickle: dict[str, Any] | None = None,
        trickle_headers: dict[str, Any] | None = None,
        *,
        headers: dict[str, dict[str, str]] | None = None,
        interval: float = 0.5,
        max_seconds: float = 8.0,
    ) -> None:
        self.fast = dict(fast or {})
        self.trickle = dict(trickle or {})
        self.trickle_headers = dict(trickle_headers or {})
        self.headers = dict(headers or {})
        self.interval = interval
        self.max_seconds = max_seconds
        self.hits: list[str] = []
        self.stopped = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _find(self, table: dict[str, Any], target: str) -> tuple[bool, Any]:
        parts = urlsplit(target)
        for key in (target, parts.path):
            if key in table:
                return True, table[key]
        return False, None

    def __enter__(self) -> SlowServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                server.hits.append(self.path)
                path = urlsplit(self.path).path
                extra = server.headers.get(path, {})
                for table, mode in (
                    (server.fast, "fast"),
                    (server.trickle, "trickle"),
                    (server.trickle_headers, "headers"),
                ):
                    found, body = server._find(table, self.path)
                    if found:
                        self.answer(json.dumps(body).encode(), extra, mode)
                        return
                self.answer(b'{"message": "Not Found"}', {}, "fast", status=404)

            def answer(
                self, body: bytes, extra: dict[str, str], mode: str, status: int = 200
            ) -> None:
                head = f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                head += f"Content-Length: {len(body)}\r\n\r\n"
                if mode == "fast":
                    self.wfile.write(head.encode() + body)
                    return
                if mode == "trickle":
                    self.wfile.write(head.encode())
                    self.wfile.flush()
                    self.drip(body)
                else:
                    self.drip(head.encode() + body)

            def drip(self, data: bytes) -> None:
                started = time.monotonic()
                self.close_connection = True
                for index in range(len(data)):
                    if server.stopped.is_set() or time.monotonic() - started > server.max_seconds:
                        return
                    try:
                        self.wfile.write(data[index : index + 1])
                        self.wfile.flush()
                    except OSError:
                        return  # the client went away
                    server.stopped.wait(server.interval)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
