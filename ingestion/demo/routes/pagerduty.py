"""Routes of the PagerDuty REST API: incidents.

Mixed into the demo server's request handler (ingestion/demo/server.py), which
provides `server`, `query`, `q`, `q_int`, `page`, `send_json` and `send_body`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ingestion.demo.routes.common import ApiError, _public, parse_time

if TYPE_CHECKING:
    from ingestion.demo.server import DemoServer


class PagerDutyRoutes:
    server: DemoServer
    query: dict[str, list[str]]
    q: Callable[..., str | None]
    q_int: Callable[[str, int], int]
    send_json: Callable[..., None]

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
