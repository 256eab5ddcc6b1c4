"""One HTTP client for every API source: auth, bounded rate-limit retries, and pagination.

`get`/`get_json` for REST, `post_json` for GraphQL (GitHub v4); both share the retries.

Pagination styles used by the vendors this project reads:
- `paginate_link`: RFC 5988 `Link: <...>; rel="next"` headers (GitHub).
- `paginate_token`: a `nextPageToken` in the body (Jira Cloud `search/jql`).
- `paginate_offset`: `limit`/`offset` with a `more` flag (PagerDuty).

Secrets: the token only ever travels in a header; error messages carry the path,
never headers, and `redact()` scrubs the token from any text we print.

Deadlines: `timeout` bounds each socket read, which a server trickling its answer a byte
at a time never trips. Each request therefore also has a total deadline, connect + headers
+ the whole body (`request_deadline`, default `AI_ROI_REQUEST_DEADLINE_SECONDS`, else
120 s): when it passes, a watchdog shuts the request's socket and the client raises
`DeadlineExceededError` naming the source, the URL path (never the query string or the
token) and the deadline, without retrying. Inside a source run (`run_source`) a request
is also cut short when the run's deadline passes, and none starts after it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ingestion.common.errors import DeadlineExceededError, SourceError
from ingestion.common.pipeline import current_run_deadline, format_seconds, seconds_setting

RETRY_STATUSES = {500, 502, 503, 504}

#: seconds one request may take in all: connect, headers and the whole body
REQUEST_DEADLINE_ENV = "AI_ROI_REQUEST_DEADLINE_SECONDS"
DEFAULT_REQUEST_DEADLINE_SECONDS = 120.0


def request_deadline_seconds() -> float:
    return seconds_setting(REQUEST_DEADLINE_ENV, DEFAULT_REQUEST_DEADLINE_SECONDS)


# -- the request watchdog ---------------------------------------------------------------
_watching = threading.local()


def _shut(connection: Any) -> None:
    """Shut the connection's socket down, so a read blocked on it returns at once."""
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    # the plain socket's shutdown, also for TLS: it wakes the reading thread without
    # touching the TLS object that thread is using
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watch:
    """Arms a timer for one request; when it fires, the request's connections are shut."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._done = False
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watch:
        _watching.current = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        _watching.current = None

    def attach(self, connection: Any) -> None:
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for connection in self._connections:
                _shut(connection)


def _attach(connection: Any) -> None:
    watch = getattr(_watching, "current", None)
    if watch is not None:
        watch.attach(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _attach(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _attach(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections the request watchdog can shut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager


def parse_link_header(value: str | None) -> dict[str, str]:
    """`<https://x?page=2>; rel="next", <...>; rel="last"` -> {"next": url, "last": url}."""
    links: dict[str, str] = {}
    if not value:
        return links
    for part in value.split(","):
        section = part.split(";")
        if len(section) < 2:
            continue
        url = section[0].strip().strip("<>")
        for param in section[1:]:
            name, _, rel = param.strip().partition("=")
            if name == "rel":
                links[rel.strip('"')] = url
    return links


class ApiClient:
    """A small `requests` wrapper shared by the REST sources.

    Rate limits: a 429, or a 403 whose `X-RateLimit-Remaining` is 0 or that carries
    `Retry-After`, waits (`Retry-After` seconds, else until `X-RateLimit-Reset`) and
    retries, at most `max_retries` times and never longer than `max_wait_seconds` a wait.
    5xx answers are retried with a short backoff. Anything else raises `SourceError`.
    `timeout` bounds each socket read, `request_deadline` a whole request (see the module
    docstring); a request past its deadline is not retried.
    """

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        token: str | None = None,
        auth_header: str = "Authorization",
        auth_prefix: str = "Bearer ",
        headers: dict[str, str] | None = None,
        max_retries: int = 5,
        max_wait_seconds: float = 60.0,
        timeout: float = 30.0,
        request_deadline: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_page: Callable[[str, int], None] | None = None,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/") + "/"
        self._token = token
        self.session = requests.Session()
        self.session.mount("http://", _WatchedAdapter())
        self.session.mount("https://", _WatchedAdapter())
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": "ai-roi-ingestion"}
        )
        if headers:
            self.session.headers.update(headers)
        if token:
            self.session.headers[auth_header] = f"{auth_prefix}{token}"
        self.max_retries = max_retries
        self.max_wait_seconds = max_wait_seconds
        self.timeout = timeout
        self.request_deadline = (
            request_deadline if request_deadline is not None else request_deadline_seconds()
        )
        self._sleep = sleep
        self._on_page = on_page
        self.requests_made = 0

    # -- plumbing ---------------------------------------------------------------
    def redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return urljoin(self.base_url, path.lstrip("/"))

    def _wait_seconds(self, response: requests.Response) -> float | None:
        """Seconds to wait before retrying a rate-limited answer, or None if it is not one."""
        status = response.status_code
        retry_after = response.headers.get("Retry-After")
        remaining = response.headers.get("X-RateLimit-Remaining")
        limited = status == 429 or (status == 403 and (retry_after is not None or remaining == "0"))
        if not limited:
            return None
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                return 1.0
        reset = response.headers.get("X-RateLimit-Reset")
        if reset is not None:
            try:
                return max(0.0, float(reset) - time.time())
            except ValueError:
                return 1.0
        return 1.0

    def _shown(self, url: str) -> str:
        """The URL's path only: a query string may carry a token or a cursor."""
        return self.redact(urlsplit(url).path or "/")

    def _budget(self, method: str, url: str) -> tuple[float, DeadlineExceededError]:
        """Seconds the next request may take, and the error to raise when they pass."""
        shown = self._shown(url)
        budget = self.request_deadline
        error = DeadlineExceededError(
            self.source,
            f"{method} {shown}: no complete answer within the request deadline of "
            f"{format_seconds(budget)} ({REQUEST_DEADLINE_ENV}); the server is too slow or "
            "stalled",
            kind="request",
            seconds=budget,
        )
        run = current_run_deadline()
        if run is not None:
            left = run.left()
            if left <= 0:
                raise run.error(f"{method} {shown} not sent")
            if left < budget:
                budget = left
                error = run.error(f"{method} {shown} cut short")
        return budget, error

    def get(self, path: str, params: dict[str, Any] | None = None) -> requests.Response:
        return self.send("GET", path, params=params)

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> requests.Response:
        """One request with the rate-limit and 5xx retries; raise `SourceError` on an error."""
        url = self.url(path)
        for attempt in range(self.max_retries + 1):
            budget, deadline_error = self._budget(method, url)
            started = time.monotonic()
            watch = _Watch(budget)
            try:
                with watch:
                    response = self.session.request(
                        method,
                        url,
                        params=params,
                        json=json_body,
                        timeout=(min(self.timeout, budget), self.timeout),
                    )
            except Exception as exc:
                if watch.fired or (
                    isinstance(exc, requests.Timeout) and time.monotonic() - started >= budget
                ):
                    raise deadline_error from None
                if not isinstance(exc, requests.RequestException):
                    raise
                if attempt < self.max_retries:
                    self._sleep(min(2.0**attempt * 0.1, self.max_wait_seconds))
                    continue
                raise SourceError(
                    self.source, f"{method} {path} failed: {self.redact(str(exc))}"
                ) from None
            self.requests_made += 1
            wait = self._wait_seconds(response)
            if wait is not None:
                if attempt >= self.max_retries:
                    raise SourceError(
                        self.source,
                        f"{method} {path}: still rate limited after {self.max_retries} retries "
                        f"(HTTP {response.status_code})",
                    )
                if wait > self.max_wait_seconds:
                    raise SourceError(
                        self.source,
                        f"{method} {path}: rate limit resets in {wait:.0f}s, more than the "
                        f"{self.max_wait_seconds:.0f}s this run may wait",
                    )
                run = current_run_deadline()
                if run is not None and wait >= run.left():
                    raise run.error(
                        f"{method} {self._shown(url)}: rate limited for {wait:.0f}s more"
                    )
                self._sleep(wait)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.max_retries:
                self._sleep(min(2.0**attempt * 0.1, self.max_wait_seconds))
                continue
            if response.status_code >= 400:
                raise SourceError(
                    self.source,
                    f"{method} {path} answered HTTP {response.status_code}: "
                    f"{self.redact(response.text[:200])}",
                    status=response.status_code,
                )
            return response
        raise SourceError(self.source, f"{method} {path}: gave up after {self.max_retries} retries")

    def decode(
        self, response: requests.Response, path: str, page: int = 1, method: str = "GET"
    ) -> Any:
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            raise SourceError(
                self.source,
                f"{method} {path} page {page}: response is not valid JSON "
                f"(starts {self.redact(response.text[:60])!r})",
            ) from None

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.decode(self.get(path, params), path)

    def post_json(self, path: str, body: Any, page: int = 1) -> Any:
        """POST `body` as JSON (GraphQL, for one) and decode the JSON answer."""
        return self.decode(self.send("POST", path, json_body=body), path, page, method="POST")

    def _page_done(self, path: str, rows: int) -> None:
        if self._on_page:
            self._on_page(path, rows)

    # -- pagination -------------------------------------------------------------
    def paginate_link(
        self, path: str, params: dict[str, Any] | None = None, items_key: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Follow `Link: rel="next"` until it is absent. Yields one list of items per page."""
        next_url: str | None = path
        next_params = params
        page = 0
        while next_url:
            page += 1
            response = self.get(next_url, next_params)
            body = self.decode(response, path, page)
            items = body.get(items_key, []) if items_key else body
            if not isinstance(items, list):
                raise SourceError(self.source, f"GET {path} page {page}: expected a list of items")
            self._page_done(path, len(items))
            yield items
            next_url = parse_link_header(response.headers.get("Link")).get("next")
            next_params = None  # the next link carries the query string

    def paginate_token(
        self,
        path: str,
        params: dict[str, Any],
        items_key: str,
        token_field: str = "nextPageToken",
        token_param: str = "nextPageToken",
        last_field: str = "isLast",
    ) -> Iterator[list[dict[str, Any]]]:
        """Follow a next-page token in the body (Jira Cloud)."""
        query = dict(params)
        page = 0
        while True:
            page += 1
            body = self.decode(self.get(path, query), path, page)
            items = body.get(items_key) or []
            self._page_done(path, len(items))
            yield items
            token = body.get(token_field)
            if body.get(last_field, token is None) or not token:
                return
            query[token_param] = token

    def paginate_offset(
        self, path: str, params: dict[str, Any], items_key: str, limit: int = 100
    ) -> Iterator[list[dict[str, Any]]]:
        """Follow `limit`/`offset` while the body says `more` (PagerDuty)."""
        offset = 0
        page = 0
        while True:
            page += 1
            body = self.decode(
                self.get(path, {**params, "limit": limit, "offset": offset}), path, page
            )
            items = body.get(items_key) or []
            self._page_done(path, len(items))
            yield items
            if not body.get("more") or not items:
                return
            offset += len(items)
