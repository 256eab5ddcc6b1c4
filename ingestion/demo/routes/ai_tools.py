"""Routes of the Cursor, Claude Code, Anthropic and OpenAI APIs (answered by ingestion/demo/ai_tools.py).

Mixed into the demo server's request handler (ingestion/demo/server.py), which
provides `server`, `query`, `q`, `q_int`, `page`, `send_json` and `send_body`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingestion.demo.server import DemoServer


class AiToolRoutes:
    server: DemoServer
    query: dict[str, list[str]]
    send_json: Callable[..., None]

    # -- Cursor, Claude Code, Anthropic and OpenAI (ingestion/demo/ai_tools.py) ----------
    def ai_tool(self, path: str, body: Any) -> None:
        vendor, _, rest = path[1:].partition("/")
        status, answer = self.server.world.ai_tools.answer(vendor, "/" + rest, self.query, body)
        self.send_json(answer, status)
