"""GitLab fetching: the API client (auth, rate limits, pagination), per-project cursors
and record preparation.

Everything vendor-specific lives here; `__init__.py` only wires these into dlt resources.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from ingestion.common.errors import SourceError
from ingestion.common.http import ApiClient, parse_link_header
from ingestion.common.records import parse_timestamp
from ingestion.sources.gitlab import settings

T = TypeVar("T")
R = TypeVar("R")

#: a GitLab no-reply commit e-mail: `<user id>-<username>@users.noreply.<host>` (or the
#: older `<username>@users.noreply.<host>`)
_NOREPLY = re.compile(r"^(?:\d+-)?(?P<username>[^@]+)@users\.noreply\.", re.IGNORECASE)
#: a diff line that adds or removes a line (not the `---`/`+++` file headers)
_HUNK = re.compile(r"^@@ ")


class GitLabClient(ApiClient):
    """The shared `ApiClient` with GitLab's rate-limit headers and pagination.

    A 429 waits `Retry-After` seconds, else until `RateLimit-Reset` (GitLab sends the Unix
    time; a small number is read as seconds), else until `RateLimit-ResetTime` (an HTTP
    date), else 1 s; the shared client's bounds (retries, longest wait, run deadline) apply.
    """

    def _wait_seconds(self, response: requests.Response) -> float | None:
        if response.status_code != 429:
            return super()._wait_seconds(response)
        headers = response.headers
        retry_after = headers.get("Retry-After")
        if retry_after is not None:
            try:
                return max(0.0, float(retry_after))
            except ValueError:
                pass
        reset = headers.get("RateLimit-Reset")
        if reset is not None:
            try:
                value = float(reset)
            except ValueError:
                value = None
            if value is not None:
                # an epoch (GitLab) or, from a proxy speaking the IETF draft, a delay
                return max(0.0, value - time.time()) if value > 1_000_000_000 else max(0.0, value)
        reset_time = headers.get("RateLimit-ResetTime")
        if reset_time:
            try:
                when = email.utils.parsedate_to_datetime(reset_time)
                return max(0.0, when.timestamp() - time.time())
            except (TypeError, ValueError):
                pass
        return 1.0

    def paginate(
        self, path: str, params: dict[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Offset pagination: follow `Link: rel="next"`, else `X-Next-Page`, until neither.

        GitLab sends both on every page of an offset-paginated list (and only `Link` for
        keyset pagination); a page that is not a JSON list fails naming path and page.
        """
        next_url: str | None = path
        next_params: dict[str, Any] | None = dict(params or {})
        page = 0
        while next_url:
            page += 1
            response = self.get(next_url, next_params)
            items = self.decode(response, path, page)
            if not isinstance(items, list):
                raise SourceError(self.source, f"GET {path} page {page}: expected a list of items")
            self._page_done(path, len(items))
            yield items
            link = parse_link_header(response.headers.get("Link")).get("next")
            if link:
                next_url, next_params = link, None  # the link carries the query string
                continue
            next_page = (response.headers.get("X-Next-Page") or "").strip()
            if next_page and items:
                next_url = path
                next_params = {**(params or {}), "page": next_page}
            else:
                next_url = None


class Clients:
    """One `GitLabClient` per thread: a `requests.Session` must not be shared across threads."""

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
    def api(self) -> GitLabClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = GitLabClient(
                settings.NAME,
                self.base_url,
                token=self._token,
                auth_header=settings.TOKEN_HEADER,
                auth_prefix="",
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
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="gitlab")
        return list(self._pool.map(fn, todo))

    def fetch_all(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        items: list[Any] = []
        for page in self.api.paginate(path, params):
            items.extend(page)
        return items


def _settle_environment(client: ApiClient, base_url: str) -> None:
    """Resolve proxy and CA-bundle environment variables once per client, not per request
    (`requests` re-reads the environment on every request when `trust_env` is on)."""
    session = client.session
    proxies = requests.utils.get_environ_proxies(base_url)
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    session.trust_env = False
    session.proxies.update(proxies)
    if ca_bundle:
        session.verify = ca_bundle


def project_id(path_or_id: str | int) -> str:
    """A project (or group) for a URL: its numeric id as is, its path URL-encoded
    (`acme/api` -> `acme%2Fapi`, as GitLab's "namespaced paths" rule asks)."""
    text = str(path_or_id).strip().strip("/")
    return text if text.isdigit() else quote(text, safe="")


class Cursor:
    """A per-key high-water mark kept in dlt state, with boundary de-duplication.

    Works like `dlt.sources.incremental` per project: an item is new when its cursor value
    is later than the stored one, or equal to it with a key not loaded yet. `save()`
    writes the new mark back (dlt commits state only with a good extract).
    """

    def __init__(self, state: dict[str, Any], key: str) -> None:
        self._state = state
        self._key = key
        stored = state.get(key) or {}
        self.last: datetime | None = parse_timestamp(stored["last"]) if stored.get("last") else None
        self._seen: set[str] = set(stored.get("keys") or [])
        self._max = self.last
        self._max_keys: set[str] = set(self._seen)

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
            self._state[self._key] = {"last": self._max.isoformat(), "keys": sorted(self._max_keys)}

    @property
    def since(self) -> str | None:
        """The stored mark less `CURSOR_OVERLAP_SECONDS`, as GitLab's ISO 8601 filter value."""
        if self.last is None:
            return None
        start = self.last - timedelta(seconds=settings.CURSOR_OVERLAP_SECONDS)
        return start.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- record preparation ---------------------------------------------------------------------
def with_project(item: Any, project: str, **extra: Any) -> Any:
    """A copy of a vendor record carrying the project path (and any extra) the URL implied."""
    if not isinstance(item, Mapping):
        return item  # TableSpec.shape reports it
    return {**item, "repository_full_name": project, **extra}


def label_rows(labels: Any) -> list[dict[str, Any]]:
    """A merge request's label names (strings in GitLab's list) as `{"name": ...}` rows."""
    if not isinstance(labels, list):
        return []
    names = [label.get("name") if isinstance(label, Mapping) else label for label in labels]
    return [{"name": str(name)} for name in names if name is not None]


def label_names(labels: Any) -> str | None:
    """An issue's label names, lower-cased, sorted and comma-separated (None without labels)."""
    names = {row["name"].lower() for row in label_rows(labels)}
    return ",".join(sorted(names)) or None


def parent_rows(parent_ids: Any) -> list[dict[str, Any]]:
    if not isinstance(parent_ids, list):
        return []
    return [{"sha": str(sha)} for sha in parent_ids if sha]


def login_from_email(address: Any) -> str | None:
    """A commit author's login from the commit e-mail, which is all GitLab gives: the
    username of a no-reply address, else the local part. The e-mail is never loaded."""
    if not isinstance(address, str) or "@" not in address:
        return None
    address = address.strip()
    match = _NOREPLY.match(address)
    if match:
        return match.group("username")
    local = address.split("@", 1)[0]
    return local or None


def commit_record(item: Any, project: str, **extra: Any) -> Any:
    """A commit as listed, with the login taken from its e-mail and without the e-mails
    and names (neither reaches the table)."""
    if not isinstance(item, Mapping):
        return item
    kept = {k: v for k, v in item.items() if not k.endswith(("_email", "_name"))}
    return with_project(
        kept, project, author_login=login_from_email(item.get("author_email")), **extra
    )


def diff_stats(diff: Any) -> tuple[int, int] | None:
    """(lines added, lines deleted) of one file's unified diff; None without a diff text
    (GitLab leaves it empty for a diff that is too large or collapsed)."""
    if not isinstance(diff, str) or not diff:
        return None
    added = deleted = 0
    in_hunk = False
    for line in diff.split("\n"):
        if _HUNK.match(line):
            in_hunk = True
            continue
        if not in_hunk:
            continue  # `--- a/..`/`+++ b/..` headers (GitLab's diff usually starts at @@)
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            deleted += 1
    return added, deleted


def file_status(item: Mapping[str, Any]) -> str:
    """added / removed / renamed / modified, from GitLab's per-file flags."""
    if item.get("new_file"):
        return "added"
    if item.get("deleted_file"):
        return "removed"
    if item.get("renamed_file"):
        return "renamed"
    return "modified"


def diff_record(item: Any, project: str, iid: int) -> Any:
    """One file of `/merge_requests/:iid/diffs` as a row: its path, status and line counts."""
    if not isinstance(item, Mapping):
        return item
    stats = diff_stats(item.get("diff"))
    too_large = bool(item.get("too_large")) or (stats is None and bool(item.get("collapsed")))
    return with_project(
        {
            "new_path": item.get("new_path") or item.get("old_path"),
            "old_path": item.get("old_path"),
            "status": file_status(item),
            "additions": stats[0] if stats else None,
            "deletions": stats[1] if stats else None,
            "too_large": too_large,
        },
        project,
        merge_request_iid=iid,
    )


def file_totals(files: list[dict[str, Any]]) -> dict[str, int | None]:
    """A merge request's size from its shaped file rows (None when a file has no counts)."""
    counted = [f for f in files if f.get("additions") is not None]
    whole = len(counted) == len(files)
    return {
        "additions": sum(f["additions"] for f in counted) if whole else None,
        "deletions": sum(f["deletions"] or 0 for f in counted) if whole else None,
        "changed_files": len(files),
    }


def approval_event(raw: Any, note: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """(created_at, id, username, kind) of a system note recording an approval (`approved`)
    or its withdrawal (`unapproved`); None for any other note. Only the first words of
    the body are looked at; the body is never kept."""
    if not note.get("system") or not note.get("author__username"):
        return None
    body = raw.get("body") if isinstance(raw, Mapping) else None
    if not isinstance(body, str):
        return None
    if body.startswith(settings.UNAPPROVED_NOTE):
        kind = "unapproved"
    elif body.startswith(settings.APPROVED_NOTE):
        kind = "approved"
    else:
        return None
    return (note["created_at"], note["id"], note["author__username"], kind)


def standing_approvals(events: Iterable[tuple[Any, ...]]) -> dict[str, datetime]:
    """username -> time of that user's approval still standing after all `events`."""
    latest: dict[str, datetime | None] = {}
    for created_at, _id, user, kind in sorted(events):
        latest[user] = created_at if kind == "approved" else None
    return {user: when for user, when in latest.items() if when is not None}


def tag_record(item: Any, project: str) -> Any:
    """A listed tag as a row: the peeled commit, annotated or not (the tag object's SHA
    differs from the commit's), and the tag's date (an annotated tag's `created_at`,
    GitLab 16.11+, else its commit's committed date). None for a tag of no commit."""
    if not isinstance(item, Mapping):
        return item
    commit = item.get("commit")
    if commit is None:
        return None
    commit_sha = commit.get("id") if isinstance(commit, Mapping) else None
    target = item.get("target")
    annotated = bool(target) and bool(commit_sha) and str(target) != str(commit_sha)
    committed = commit.get("committed_date") if isinstance(commit, Mapping) else None
    tagged_at = (item.get("created_at") if annotated else None) or committed
    return with_project(
        {
            "name": item.get("name"),
            "commit": commit,
            "target": target,
            "is_annotated": annotated,
            "tagged_at": tagged_at,
        },
        project,
    )


def deployment_record(item: Any, project: str) -> Any:
    """A deployment with its finish time: its own `finished_at`, else its job's."""
    if not isinstance(item, Mapping):
        return item
    finished = item.get("finished_at")
    deployable = item.get("deployable")
    if finished is None and isinstance(deployable, Mapping):
        finished = deployable.get("finished_at")
    return with_project(item, project, finished_at=finished)


def row_digest(row: Mapping[str, Any]) -> str:
    """A shaped row's fingerprint, kept in state to load a record only when it changed."""
    return hashlib.sha1(repr(sorted(row.items())).encode()).hexdigest()


def is_missing(exc: SourceError) -> bool:
    """403/404: the resource is not there for this token (feature off, tier, permission)."""
    return exc.status in (403, 404)
