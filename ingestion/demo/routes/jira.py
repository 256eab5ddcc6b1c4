"""Routes of the Jira Cloud REST API: statuses and the issue search.

Mixed into the demo server's request handler (ingestion/demo/server.py), which
provides `server`, `query`, `q`, `q_int`, `page`, `send_json` and `send_body`.
"""

from __future__ import annotations

import base64
import bisect
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ingestion.demo.routes.common import ApiError, parse_time

if TYPE_CHECKING:
    from ingestion.demo.server import DemoServer


class JiraRoutes:
    server: DemoServer
    q: Callable[..., str | None]
    q_int: Callable[[str, int], int]
    send_json: Callable[..., None]

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
