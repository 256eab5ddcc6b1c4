"""Routes of the GitHub Copilot metrics API and its NDJSON report downloads.

Mixed into the demo server's request handler (ingestion/demo/server.py), which
provides `server`, `query`, `q`, `q_int`, `page`, `send_json` and `send_body`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ingestion.demo.routes.common import NOT_FOUND, ApiError, parse_time

if TYPE_CHECKING:
    from ingestion.demo.server import DemoServer


class CopilotRoutes:
    server: DemoServer
    q: Callable[..., str | None]
    page: Callable[..., tuple[list[Any], dict[str, str]]]
    send_json: Callable[..., None]
    send_body: Callable[..., None]

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
