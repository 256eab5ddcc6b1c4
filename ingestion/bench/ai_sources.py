"""Rows/s of the cursor, claude_code and ai_spend sources on generated payloads of a
realistic size, served by a local HTTP server on 127.0.0.1 (no network).

    .venv/bin/python -m ingestion.bench.ai_sources [--users 500] [--days 30]

Per source: a first (full) run into a scratch warehouse, then a second run with the same
payloads (incremental: re-reads the lookback window, loads nothing). The payloads follow
the vendors' documented shapes (the same ones the tests use):

- cursor: `--users` members, `users x days` daily-usage rows in one 30-day POST window,
  spend in pages of 100;
- claude_code: one report call per day, `users` records a day with 2 models each
  (a dlt child table), pages of 1,000;
- ai_spend: `3 x days` day buckets of the Anthropic cost report (40 lines a day, pages of
  31 buckets) and of OpenAI costs (20 lines a day, pages of 180 buckets).

Prints one line per source and run: rows loaded, seconds, rows/s, HTTP requests. Not a
test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

END = date(2026, 1, 31)


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _days(count: int) -> list[date]:
    return [END - timedelta(days=i) for i in range(count)][::-1]


class Payloads:
    """Pre-serialised answers per (method, path, key)."""

    def __init__(self, users: int, days: int) -> None:
        self.answers: dict[tuple[str, str], bytes] = {}
        self.requests = 0
        emails = [f"dev{i:05d}@acme.test" for i in range(users)]
        day_list = _days(days)
        # -- cursor
        self.put(
            "/teams/members",
            "",
            {
                "teamMembers": [
                    {"id": i, "name": f"Dev {i}", "email": e, "role": "member", "isRemoved": False}
                    for i, e in enumerate(emails)
                ]
            },
        )
        usage = []
        for day in day_list:
            for i, email in enumerate(emails):
                n = (i * 7 + day.day) % 50
                usage.append(
                    {
                        "date": _ms(day),
                        "email": email,
                        "userId": f"user_{i}",
                        "isActive": n > 5,
                        "totalLinesAdded": 300 + n,
                        "totalLinesDeleted": 60,
                        "acceptedLinesAdded": 100 + n,
                        "acceptedLinesDeleted": 20,
                        "totalApplies": 12,
                        "totalAccepts": 9,
                        "totalRejects": 3,
                        "totalTabsShown": 200 + n,
                        "totalTabsAccepted": 80,
                        "composerRequests": 4,
                        "chatRequests": 6,
                        "agentRequests": n % 9,
                        "cmdkUsages": 2,
                        "subscriptionIncludedReqs": 20,
                        "apiKeyReqs": 0,
                        "usageBasedReqs": n % 3,
                        "bugbotUsages": 0,
                        "mostUsedModel": "claude-4-sonnet",
                        "applyMostUsedExtension": ".py",
                        "tabMostUsedExtension": ".ts",
                        "clientVersion": "1.6.26",
                    }
                )
        self.put("/teams/daily-usage-data", "", {"data": usage, "period": {}})
        pages = [emails[i : i + 100] for i in range(0, len(emails), 100)] or [[]]
        for number, page in enumerate(pages, start=1):
            self.put(
                "/teams/spend",
                str(number),
                {
                    "teamMemberSpend": [
                        {"email": e, "name": "x", "role": "member", "spendCents": 1234,
                         "fastPremiumRequests": 10, "hardLimitOverrideDollars": None}
                        for e in page
                    ],
                    "subscriptionCycleStart": _ms(END.replace(day=1)),
                    "totalMembers": len(emails),
                    "totalPages": len(pages),
                },
            )  # fmt: skip
        # -- claude_code
        for day in day_list:
            records = [
                {
                    "actor": {"type": "user_actor", "email_address": email},
                    "core_metrics": {
                        "commits_by_claude_code": 2,
                        "lines_of_code": {"added": 150 + i % 40, "removed": 30},
                        "num_sessions": 3,
                        "pull_requests_by_claude_code": 1,
                    },
                    "customer_type": "api",
                    "date": f"{day.isoformat()}T00:00:00Z",
                    "model_breakdown": [
                        {
                            "estimated_cost": {"amount": 186, "currency": "USD"},
                            "model": "claude-sonnet-4-20250514",
                            "tokens": {"cache_creation": 2340, "cache_read": 8790,
                                       "input": 45230, "output": 12450},
                        },
                        {
                            "estimated_cost": {"amount": 42, "currency": "USD"},
                            "model": "claude-3-5-haiku-20241022",
                            "tokens": {"cache_creation": 890, "cache_read": 3420,
                                       "input": 23100, "output": 5680},
                        },
                    ],
                    "organization_id": "org",
                    "subscription_type": "enterprise",
                    "terminal_type": "vscode",
                    "tool_actions": {
                        tool: {"accepted": 5, "rejected": 1}
                        for tool in ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
                    },
                }
                for i, email in enumerate(emails)
            ]  # fmt: skip
            chunks = [records[i : i + 1000] for i in range(0, len(records), 1000)] or [[]]
            for number, chunk in enumerate(chunks, start=1):
                more = number < len(chunks)
                self.put(
                    "/v1/organizations/usage_report/claude_code",
                    f"{day.isoformat()}|{number}",
                    {
                        "data": chunk,
                        "has_more": more,
                        "next_page": str(number + 1) if more else None,
                    },
                )
        # -- ai_spend (3 x days of history)
        spend_days = _days(3 * days)
        a_buckets = [
            {
                "starting_at": f"{d.isoformat()}T00:00:00Z",
                "ending_at": f"{(d + timedelta(days=1)).isoformat()}T00:00:00Z",
                "results": [
                    {"amount": f"{100 + j}.12345", "currency": "USD", "workspace_id": f"wrkspc_{j % 4}",
                     "description": f"Line {j}", "cost_type": "tokens", "model": f"model-{j % 5}",
                     "service_tier": "standard", "token_type": "output_tokens", "context_window": "0-200k"}
                    for j in range(40)
                ],
            }
            for d in spend_days
        ]  # fmt: skip
        self._paged("/v1/organizations/cost_report", a_buckets, 31)
        o_buckets = [
            {
                "object": "bucket",
                "start_time": _ms(d) // 1000,
                "end_time": _ms(d) // 1000 + 86400,
                "results": [
                    {"object": "organization.costs.result", "amount": {"value": 1.5 + j, "currency": "usd"},
                     "line_item": f"gpt-4o, line {j}", "project_id": f"proj_{j % 3}"}
                    for j in range(20)
                ],
            }
            for d in spend_days
        ]  # fmt: skip
        self._paged("/v1/organization/costs", o_buckets, 180)

    def put(self, path: str, key: str, body: Any) -> None:
        self.answers[(path, key)] = json.dumps(body).encode()

    def _paged(self, path: str, buckets: list[Any], size: int) -> None:
        chunks = [buckets[i : i + size] for i in range(0, len(buckets), size)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            more = number < len(chunks)
            self.put(
                path,
                str(number),
                {"data": chunk, "has_more": more, "next_page": str(number + 1) if more else None},
            )

    def key(self, path: str, query: dict[str, list[str]], body: Any) -> str:
        if path == "/teams/spend":
            return str((body or {}).get("page", 1))
        if path.endswith("/claude_code"):
            return f"{query['starting_at'][0]}|{query.get('page', ['1'])[0]}"
        if path.endswith(("/cost_report", "/costs")):
            return query.get("page", ["1"])[0]
        return ""


def serve(payloads: Payloads) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self.answer(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.answer(json.loads(self.rfile.read(length) or b"null"))

        def answer(self, body: Any) -> None:
            payloads.requests += 1
            parts = urlsplit(self.path)
            key = payloads.key(parts.path, parse_qs(parts.query), body)
            data = payloads.answers.get((parts.path, key), b'{"data": [], "has_more": false}')
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(users: int, days: int, printer: Callable[[str], None] = print) -> list[dict[str, Any]]:
    from ingestion.common.config import disable_telemetry
    from ingestion.common.pipeline import run_source

    disable_telemetry()
    import ingestion.sources.ai_spend as ai_spend
    import ingestion.sources.claude_code as claude_code
    import ingestion.sources.cursor as cursor

    started = time.monotonic()
    payloads = Payloads(users, days)
    printer(f"generated payloads in {time.monotonic() - started:.1f}s ({users} users, {days} days)")
    server = serve(payloads)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    first = (END - timedelta(days=days - 1)).isoformat()
    spend_first = (END - timedelta(days=3 * days - 1)).isoformat()
    sources: dict[str, Callable[[], Any]] = {
        "cursor": lambda: cursor.source(
            api_key="bench", base_url=url, start_date=first, end_date=END.isoformat()
        ),
        "claude_code": lambda: claude_code.source(
            api_key="bench", base_url=url, start_date=first, end_date=END.isoformat()
        ),
        "ai_spend": lambda: ai_spend.source(
            anthropic_admin_key="bench",
            openai_admin_key="bench",
            anthropic_base_url=url,
            openai_base_url=url,
            start_date=spend_first,
            end_date=END.isoformat(),
        ),
    }
    results: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="ai_roi_bench_ai_") as tmp:
            db = Path(tmp) / "bench.duckdb"
            state = Path(tmp) / "pipelines"
            for name, make in sources.items():
                for run in ("first", "second"):
                    before = payloads.requests
                    t0 = time.monotonic()
                    summary = run_source(
                        name, make(), db_path=db, state_dir=state, printer=lambda _: None
                    )
                    seconds = time.monotonic() - t0
                    rows = summary.total_rows
                    result = {
                        "source": name,
                        "run": run,
                        "rows": rows,
                        "seconds": round(seconds, 2),
                        "rows_per_s": round(rows / seconds) if seconds else None,
                        "requests": payloads.requests - before,
                    }
                    results.append(result)
                    printer(
                        f"{name:<12} {run:<6} {rows:>8,} rows {seconds:>7.2f}s "
                        f"{(rows / seconds if seconds else 0):>9,.0f} rows/s "
                        f"{result['requests']:>5} requests"
                    )
    finally:
        server.shutdown()
        server.server_close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    os.environ.setdefault("AI_ROI_KEEP_LOAD_PACKAGES", "")
    measure(args.users, args.days)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
