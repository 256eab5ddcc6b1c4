"""Routes of the GitLab REST API v4 (mounted at `/gitlab/api/v4`): the endpoints the gitlab
source calls (ingestion/sources/gitlab/README.md), answered from the GitLab team's files
(api/gitlab/, written by ingestion/demo/render/gitlab.py).

GitLab's offset pagination: `per_page` (20 default, 100 max) and `page`, answered with
`Link` (`next`, `prev`, `first`, `last`, repeating the query string) and the `X-Page`,
`X-Per-Page`, `X-Next-Page` (empty on the last page), `X-Prev-Page`, `X-Total` and
`X-Total-Pages` headers. A project is addressed by its numeric id or its URL-encoded path
(`acme%2Fdata-service`). Requests need a `PRIVATE-TOKEN` (or `Authorization: Bearer`)
header, as private projects do; without one the answer is 401.

Mixed into the demo server's request handler (ingestion/demo/server.py), which provides
`server`, `headers`, `query`, `q`, `q_int`, `link` and `send_json`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ingestion.demo.routes.common import ApiError, parse_time, read_jsonl

if TYPE_CHECKING:
    from ingestion.demo.server import DemoServer

#: GitLab's error bodies
PROJECT_NOT_FOUND = {"message": "404 Project Not Found"}
GROUP_NOT_FOUND = {"message": "404 Group Not Found"}
NOT_FOUND = {"message": "404 Not found"}
UNAUTHORIZED = {"message": "401 Unauthorized"}
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class GitLabProject:
    """One GitLab project's files, indexed for the routes."""

    def __init__(self, root: Path, project: dict[str, Any]) -> None:
        gl = root / "api" / "gitlab"
        name = project["path"]
        self.project = project
        self.merge_requests = read_jsonl(gl / "merge_requests" / f"{name}.jsonl")
        self.details = {
            d["iid"]: d for d in read_jsonl(gl / "merge_request_details" / f"{name}.jsonl")
        }
        self.environments = read_jsonl(gl / "environments" / f"{name}.jsonl")
        self.deployments = read_jsonl(gl / "deployments" / f"{name}.jsonl")
        self.pipelines = read_jsonl(gl / "pipelines" / f"{name}.jsonl")
        self.tags = read_jsonl(gl / "tags" / f"{name}.jsonl")
        self.releases = read_jsonl(gl / "releases" / f"{name}.jsonl")
        self.commits = sorted(
            read_jsonl(gl / "commits" / f"{name}.jsonl"),
            key=lambda c: (c["committed_date"], c["id"]),
            reverse=True,
        )


class GitLabData:
    """Every GitLab project of a demo world (a world has one GitLab team at most)."""

    def __init__(self, root: Path) -> None:
        self.projects = [
            GitLabProject(root, p) for p in read_jsonl(root / "api" / "gitlab" / "projects.jsonl")
        ]
        self.by_id = {str(p.project["id"]): p for p in self.projects}
        self.by_path = {p.project["path_with_namespace"]: p for p in self.projects}

    def project(self, ref: str) -> GitLabProject:
        """A project by its numeric id or its (URL-encoded) path."""
        key = unquote(ref)
        found = self.by_id.get(key) or self.by_path.get(key)
        if found is None:
            raise ApiError(404, PROJECT_NOT_FOUND)
        return found


def _updated(item: dict[str, Any]) -> datetime:
    return parse_time(item["updated_at"])


class GitLabRoutes:
    server: DemoServer
    headers: Any
    q: Callable[..., str | None]
    q_int: Callable[[str, int], int]
    link: Callable[[int], str]
    send_json: Callable[..., None]

    def gitlab(self, seg: list[str]) -> None:
        """`/gitlab/api/v4/...`: `seg` is the path after `/gitlab`."""
        if seg[:2] != ["api", "v4"]:
            raise ApiError(404, NOT_FOUND)
        if not (self.headers.get("PRIVATE-TOKEN") or self.headers.get("Authorization")):
            raise ApiError(401, UNAUTHORIZED)
        data = self.server.world.gitlab
        rest = seg[2:]
        if len(rest) == 3 and rest[0] == "groups" and rest[2] == "projects":
            if unquote(rest[1]) != self.server.world.org:
                raise ApiError(404, GROUP_NOT_FOUND)
            return self.gl_send([p.project for p in data.projects])
        if len(rest) < 2 or rest[0] != "projects":
            raise ApiError(404, NOT_FOUND)
        project = data.project(rest[1])
        tail = rest[2:]
        if not tail:
            return self.send_json(project.project)
        if tail == ["merge_requests"]:
            return self.gl_merge_requests(project)
        if len(tail) == 3 and tail[0] == "merge_requests" and tail[1].isdigit():
            return self.gl_merge_request_list(project, int(tail[1]), tail[2])
        if tail == ["environments"]:
            return self.gl_send(project.environments)
        if tail == ["deployments"]:
            return self.gl_deployments(project)
        if tail == ["pipelines"]:
            return self.gl_changed(project.pipelines, inclusive=False)
        if tail == ["repository", "tags"]:
            return self.gl_send(project.tags)
        if tail == ["releases"]:
            return self.gl_send(project.releases)
        if tail == ["issues"]:
            # the GitLab team records incidents in PagerDuty: no incident-labelled issues
            return self.gl_send([])
        if tail == ["repository", "commits"]:
            return self.gl_commits(project)
        raise ApiError(404, NOT_FOUND)

    # -- lists ----------------------------------------------------------------------------
    def gl_send(self, items: list[Any]) -> None:
        """GitLab offset pagination of `items` (headers as in the module docstring)."""
        per_page = min(max(self.q_int("per_page", DEFAULT_PER_PAGE), 1), MAX_PER_PAGE)
        page = max(self.q_int("page", 1), 1)
        total_pages = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        if page < total_pages:
            links.append(f'<{self.link(page + 1)}>; rel="next"')
        if page > 1:
            links.append(f'<{self.link(min(page - 1, total_pages))}>; rel="prev"')
        links.append(f'<{self.link(1)}>; rel="first"')
        links.append(f'<{self.link(total_pages)}>; rel="last"')
        headers = {
            "Link": ", ".join(links),
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Next-Page": str(page + 1) if page < total_pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
            "X-Total": str(len(items)),
            "X-Total-Pages": str(total_pages),
        }
        self.send_json(chunk, headers=headers)

    def _sorted_by(self, items: list[dict[str, Any]], allowed: dict[str, str]) -> list[Any]:
        """`order_by` (one of `allowed`: parameter -> field) and `sort` (asc/desc, default
        desc), ties broken by id as GitLab does."""
        order_by = self.q("order_by") or next(iter(allowed))
        sort = self.q("sort") or "desc"
        if order_by not in allowed:
            raise ApiError(400, {"error": "order_by does not have a valid value"})
        if sort not in ("asc", "desc"):
            raise ApiError(400, {"error": "sort does not have a valid value"})
        field = allowed[order_by]
        if field == "id":
            return sorted(items, key=lambda i: i["id"], reverse=sort == "desc")
        return sorted(items, key=lambda i: (parse_time(i[field]), i["id"]), reverse=sort == "desc")

    def _after(self, items: list[dict[str, Any]], *, inclusive: bool) -> list[dict[str, Any]]:
        """`updated_after` (GitLab documents "on or after" for merge requests and issues,
        "after" for deployments and pipelines)."""
        value = self.q("updated_after")
        if not value:
            return items
        since = parse_time(value)
        if inclusive:
            return [i for i in items if _updated(i) >= since]
        return [i for i in items if _updated(i) > since]

    def gl_merge_requests(self, project: Any) -> None:
        """`GET /projects/:id/merge_requests`: `state` (opened, closed, locked, merged, all),
        `order_by` (created_at, updated_at), `sort`, `updated_after`."""
        state = self.q("state") or "all"
        if state not in ("opened", "closed", "locked", "merged", "all"):
            raise ApiError(400, {"error": "state does not have a valid value"})
        items = [m for m in project.merge_requests if state == "all" or m["state"] == state]
        items = self._after(items, inclusive=True)
        self.gl_send(
            self._sorted_by(items, {"created_at": "created_at", "updated_at": "updated_at"})
        )

    def gl_merge_request_list(self, project: Any, iid: int, kind: str) -> None:
        """`/merge_requests/:iid/commits`, `.../approvals` (one object), `.../notes`
        (`sort`, `order_by` created_at or updated_at) and `.../diffs`."""
        details = project.details.get(iid)
        if details is None:
            raise ApiError(404, {"message": "404 Merge Request Not Found"})
        if kind == "approvals":
            return self.send_json(details["approvals"])
        if kind == "notes":
            notes = details["notes"]
            return self.gl_send(
                self._sorted_by(notes, {"created_at": "created_at", "updated_at": "updated_at"})
            )
        if kind in ("commits", "diffs"):
            return self.gl_send(details[kind])
        raise ApiError(404, NOT_FOUND)

    def gl_changed(self, items: list[dict[str, Any]], *, inclusive: bool) -> None:
        """A list ordered by `order_by` (id, updated_at; id by default, as GitLab's
        deployments and pipelines) and filtered by `updated_after`."""
        items = self._after(items, inclusive=inclusive)
        self.gl_send(self._sorted_by(items, {"id": "id", "updated_at": "updated_at"}))

    def gl_deployments(self, project: Any) -> None:
        """`GET /projects/:id/deployments`: `environment` (exact name), `status`,
        `order_by`, `sort`, `updated_after` (GitLab requires `order_by=updated_at` with it)."""
        if self.q("updated_after") and self.q("order_by") != "updated_at":
            raise ApiError(
                400,
                {"message": "400 Bad request - `updated_at` filter requires `updated_at` sort"},
            )
        items = project.deployments
        environment = self.q("environment")
        if environment:
            items = [d for d in items if d["environment"]["name"] == environment]
        status = self.q("status")
        if status:
            items = [d for d in items if d["status"] == status]
        self.gl_changed(items, inclusive=False)

    def gl_commits(self, project: Any) -> None:
        """`GET /projects/:id/repository/commits`: `ref_name` (the default branch; every
        commit the demo serves is on it), `since` (committed on or after), newest first."""
        ref = self.q("ref_name")
        if ref not in (None, "", project.project["default_branch"]):
            raise ApiError(404, {"message": "404 Reference Not Found"})
        items = project.commits
        since = self.q("since")
        if since:
            moment = parse_time(since)
            items = [c for c in items if parse_time(c["committed_date"]) >= moment]
        self.gl_send(items)
