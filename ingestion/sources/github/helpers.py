"""GitHub fetching: per-thread API clients, per-repository cursors and record preparation.

Shared by the resource families (`repositories.py`, `pulls.py`, `deployments.py`,
`actions.py`, `releases.py`, `issues.py`); `__init__.py` only wires them into dlt resources.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

import requests

from ingestion.common.errors import SourceError
from ingestion.common.http import ApiClient, parse_link_header
from ingestion.common.records import TableSpec, parse_timestamp
from ingestion.sources.github import settings

T = TypeVar("T")
R = TypeVar("R")

_PULL_NUMBER = re.compile(r"/pulls/(\d+)/?$")


class Clients:
    """One `ApiClient` per thread: a `requests.Session` must not be shared across threads."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        workers: int = settings.DEFAULT_WORKERS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url
        self._token = token
        self._sleep = sleep
        self._local = threading.local()
        self.workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None

    @property
    def api(self) -> ApiClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = ApiClient(
                settings.NAME,
                self.base_url,
                token=self._token,
                auth_prefix="Bearer ",
                headers=settings.HEADERS,
                sleep=self._sleep,
            )
            _settle_environment(client, self.base_url)
            self._local.client = client
        return client

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Run `fn` over `items` on the thread pool, results in input order."""
        todo = list(items)
        if len(todo) <= 1 or self.workers == 1:
            return [fn(item) for item in todo]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="github")
        return list(self._pool.map(fn, todo))

    def fetch_all(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of a Link-paginated list (used for per-PR and per-deployment lists)."""
        items: list[dict[str, Any]] = []
        for page in self.api.paginate_link(path, params):
            items.extend(page)
        return items


def _settle_environment(client: ApiClient, base_url: str) -> None:
    """Resolve proxy and CA-bundle environment variables once per client, not per request.

    `requests` re-reads the whole environment on every request when `trust_env` is on;
    with tens of thousands of small requests that was about a quarter of the client's CPU time.
    The resolved settings are the same ones `requests` would apply.
    """
    session = client.session
    proxies = requests.utils.get_environ_proxies(base_url)
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    session.trust_env = False
    session.proxies.update(proxies)
    if ca_bundle:
        session.verify = ca_bundle


class RepoCursor:
    """A per-repository high-water mark kept in dlt state, with boundary de-duplication.

    Works like `dlt.sources.incremental` but per repository: an item is new when its
    cursor value is later than the stored one, or equal to it with a key not loaded yet.
    The new mark is written back by `save()` (dlt commits state only with a good extract).
    """

    def __init__(self, state: dict[str, Any], repo: str) -> None:
        self._state = state
        self._repo = repo
        stored = state.get(repo) or {}
        self.last: datetime | None = parse_timestamp(stored["last"]) if stored.get("last") else None
        self._seen: set[str] = set(stored.get("keys") or [])
        self._max = self.last
        self._max_keys: set[str] = set(self._seen)

    def is_older(self, value: datetime) -> bool:
        return self.last is not None and value < self.last

    def is_new(self, value: datetime, key: Any) -> bool:
        if self.last is None or value > self.last:
            return True
        return value == self.last and str(key) not in self._seen

    def observe(self, value: datetime, key: Any) -> None:
        if self._max is None or value > self._max:
            self._max = value
            self._max_keys = {str(key)}
        elif value == self._max:
            self._max_keys.add(str(key))

    def save(self) -> None:
        if self._max is not None:
            self._state[self._repo] = {
                "last": self._max.isoformat(),
                "keys": sorted(self._max_keys),
            }

    @property
    def since(self) -> str | None:
        """The stored mark as GitHub's `since` parameter (ISO 8601, UTC)."""
        return self.last.strftime("%Y-%m-%dT%H:%M:%SZ") if self.last else None


# -- record preparation ---------------------------------------------------------------------
def with_repo(item: Any, repo: str, **extra: Any) -> Any:
    """A copy of a vendor record carrying the repository (and any extra) the URL implied."""
    if not isinstance(item, Mapping):
        return item  # not a record: TableSpec.shape reports it
    return {**item, "repository_full_name": repo, **extra}


def pull_number_from_url(url: Any) -> int | None:
    match = _PULL_NUMBER.search(url) if isinstance(url, str) else None
    return int(match.group(1)) if match else None


def label_names(labels: Any) -> list[dict[str, Any]]:
    """Labels reduced to `{"name": ...}` so the child table holds only the name."""
    if not isinstance(labels, list):
        return []
    return [{"name": label.get("name")} for label in labels if isinstance(label, Mapping)]


def parent_shas(parents: Any) -> list[dict[str, Any]]:
    if not isinstance(parents, list):
        return []
    return [{"sha": parent.get("sha")} for parent in parents if isinstance(parent, Mapping)]


def file_totals(files: list[dict[str, Any]]) -> dict[str, int]:
    """PR size from its files, for list payloads that lack additions/deletions/changed_files."""

    def number(value: Any) -> int:
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0

    return {
        "additions": sum(number(f.get("additions")) for f in files if isinstance(f, Mapping)),
        "deletions": sum(number(f.get("deletions")) for f in files if isinstance(f, Mapping)),
        "changed_files": len(files),
    }


def latest_status(statuses: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest deployment status (by created_at, then id), whatever order the API used."""
    best: dict[str, Any] | None = None
    for status in statuses:
        if best is None or (status["created_at"], status["id"]) > (best["created_at"], best["id"]):
            best = status
    return best


def issue_label_names(labels: Any) -> str | None:
    """An issue's label names, lower-cased, sorted and comma-separated (None without labels)."""
    if not isinstance(labels, list):
        return None
    names = {
        str(label.get("name") if isinstance(label, Mapping) else label).lower()
        for label in labels
        if (label.get("name") if isinstance(label, Mapping) else label) is not None
    }
    return ",".join(sorted(names)) or None


def is_pull_request(item: Any) -> bool:
    """GitHub lists pull requests among a repository's issues, with a `pull_request` key."""
    return isinstance(item, Mapping) and "pull_request" in item


def tag_name(ref: str) -> str:
    """`refs/tags/v1.2` -> `v1.2`."""
    return ref.removeprefix("refs/tags/")


def row_digest(row: Mapping[str, Any]) -> str:
    """A shaped row's fingerprint, kept in state to load a record only when it changed."""
    return hashlib.sha1(repr(sorted(row.items())).encode()).hexdigest()


def paginate_wrapped(
    api: ApiClient, path: str, params: dict[str, Any] | None, items_key: str
) -> Iterator[list[Any]]:
    """Follow `Link: rel="next"` over pages shaped `{"total_count": n, items_key: [...]}`.

    (GitHub Actions lists.) A page that is not such an object fails naming path and page.
    """
    next_url: str | None = path
    next_params = params
    page = 0
    while next_url:
        page += 1
        response = api.get(next_url, next_params)
        body = api.decode(response, path, page)
        items = body.get(items_key) if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            raise SourceError(
                settings.NAME,
                f"GET {path} page {page}: expected an object with a list '{items_key}'",
            )
        yield items
        next_url = parse_link_header(response.headers.get("Link")).get("next")
        next_params = None  # the next link carries the query string


def is_empty_repository_error(exc: SourceError) -> bool:
    """GitHub answers 409 'Git Repository is empty' for commits of an empty repository."""
    return "answered HTTP 409" in str(exc)


def pages_until_older(
    pages: Iterator[list[dict[str, Any]]],
    spec: TableSpec,
    prepare: Callable[[dict[str, Any]], dict[str, Any]],
    cursor: RepoCursor,
    cursor_field: str,
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Walk newest-first pages, yield (raw, shaped) lists of new items; stop past the cursor."""
    for page in pages:
        raws: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        reached_old = False
        for item in page:
            raw = prepare(item)
            row = spec.shape(raw)
            value = row[cursor_field]
            if cursor.is_older(value):
                reached_old = True
                continue
            key = spec.key_of(raw)
            cursor.observe(value, key)
            if cursor.is_new(value, key):
                raws.append(raw)
                rows.append(row)
        yield raws, rows
        if reached_old:
            return
