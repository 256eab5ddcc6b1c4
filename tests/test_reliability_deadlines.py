"""Deadlines: a stalled or trickling server ends a run, clearly, with nothing half-written.

A local server on 127.0.0.1 sends its headers, then one byte every 0.5 s (`SlowServer`);
deadlines of 1-2 s must end the run with a message naming the source, the URL path and the
deadline, no rows of the run in the raw tables and the incremental cursor where it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from ingestion.cli import main
from ingestion.common.errors import DeadlineExceededError
from ingestion.common.http import ApiClient
from ingestion.common.pipeline import make_pipeline, run_source
from tests.common.slow_server import SlowServer

SOURCE = "slowtoy"
OLD = [
    {"id": 1, "updated_at": "2026-01-02T00:00:00Z"},
    {"id": 2, "updated_at": "2026-01-03T00:00:00Z"},
]
NEW_PAGE_1 = [{"id": 3, "updated_at": "2026-01-05T00:00:00Z"}]
NEW_PAGE_2 = [{"id": 4, "updated_at": "2026-01-06T00:00:00Z"}]


def api_source(base_url: str) -> Any:
    """Items paged with `Link` headers, read incrementally on `updated_at` (a dlt cursor)."""

    @dlt.source(name=SOURCE)
    def source() -> Any:
        cursor = dlt.sources.incremental("updated_at", initial_value="2026-01-01T00:00:00Z")

        @dlt.resource(name="items", primary_key="id", write_disposition="merge")
        def items(
            updated_at: dlt.sources.incremental[Any] = cursor,
        ) -> Iterator[list[dict[str, Any]]]:
            client = ApiClient(
                SOURCE, base_url, token="tok_SECRET123", max_retries=1, sleep=lambda _: None
            )
            yield from client.paginate_link("/items", {"since": updated_at.last_value})

        return items

    return source()


def serve(fast: dict[str, Any], trickle: dict[str, Any] | None = None) -> SlowServer:
    return SlowServer(fast=fast, trickle=trickle)


def ids(db: Path) -> list[int]:
    with duckdb.connect(str(db), read_only=True) as con:
        sql = f"select id from raw_{SOURCE}.items order by id"
        return [r[0] for r in con.execute(sql).fetchall()]


def cursor() -> Any:
    state = make_pipeline(SOURCE).state
    resource = state["sources"][SOURCE]["resources"]["items"]
    return resource["incremental"]["updated_at"]["last_value"]


def first_load(db: Path) -> None:
    with serve({"/items": OLD}) as server:
        run_source(SOURCE, api_source(server.url), printer=lambda _: None)
    assert ids(db) == [1, 2]
    assert cursor() == "2026-01-03T00:00:00Z"


def slow_second_page() -> SlowServer:
    """Page 1 (a new item) at once, page 2 a byte every 0.5 s."""
    server = serve({"/items": NEW_PAGE_1}, {"/items/2": NEW_PAGE_2})
    server.__enter__()
    server.headers["/items"] = {"Link": f'<{server.url}/items/2>; rel="next"'}
    return server


def test_request_deadline_ends_the_run_and_writes_nothing(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_load(warehouse)
    monkeypatch.setenv("AI_ROI_REQUEST_DEADLINE_SECONDS", "1")
    server = slow_second_page()
    try:
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError) as caught:
            run_source(SOURCE, api_source(server.url), printer=lambda _: None)
        elapsed = time.monotonic() - started
    finally:
        server.__exit__()
    assert str(caught.value) == (
        "[slowtoy] GET /items/2: no complete answer within the request deadline of 1s "
        "(AI_ROI_REQUEST_DEADLINE_SECONDS); the server is too slow or stalled; the run was "
        "stopped and nothing from it was loaded"
    )
    assert "SECRET" not in str(caught.value)
    assert elapsed < 5
    assert ids(warehouse) == [1, 2]  # not item 3 of the fast first page either
    assert cursor() == "2026-01-03T00:00:00Z"  # the cursor did not move

    # the next run, against a healthy server, starts from the same cursor and loads both
    monkeypatch.delenv("AI_ROI_REQUEST_DEADLINE_SECONDS")
    with serve({"/items": NEW_PAGE_1 + NEW_PAGE_2}) as server:
        run_source(SOURCE, api_source(server.url), printer=lambda _: None)
        assert server.hits == ["/items?since=2026-01-03T00%3A00%3A00Z"]
    assert ids(warehouse) == [1, 2, 3, 4]
    assert cursor() == "2026-01-06T00:00:00Z"


def test_run_deadline_cuts_a_request_short(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_load(warehouse)
    monkeypatch.delenv("AI_ROI_REQUEST_DEADLINE_SECONDS", raising=False)  # 120 s
    monkeypatch.setenv("AI_ROI_RUN_DEADLINE_SECONDS", "1.5")
    server = slow_second_page()
    try:
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError) as caught:
            run_source(SOURCE, api_source(server.url), printer=lambda _: None)
        elapsed = time.monotonic() - started
    finally:
        server.__exit__()
    assert str(caught.value) == (
        "[slowtoy] GET /items/2 cut short: the run deadline of 1.5s "
        "(AI_ROI_RUN_DEADLINE_SECONDS) passed; the run was stopped and nothing from it was loaded"
    )
    assert caught.value.kind == "run"
    assert elapsed < 5
    assert ids(warehouse) == [1, 2]
    assert cursor() == "2026-01-03T00:00:00Z"


def test_run_deadline_stops_a_slow_local_extract(warehouse: Path) -> None:
    @dlt.source(name="ticks")
    def ticks_source() -> Any:
        @dlt.resource(name="ticks", write_disposition="append")
        def ticks() -> Iterator[dict[str, int]]:
            for n in range(40):
                time.sleep(0.1)
                yield {"n": n}

        return ticks

    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as caught:
        run_source("ticks", ticks_source(), printer=lambda _: None, run_deadline=1.0)
    assert time.monotonic() - started < 3.5  # not the 4 s the whole extract takes
    assert str(caught.value) == (
        "[ticks] extracting table 'ticks': the run deadline of 1s (AI_ROI_RUN_DEADLINE_SECONDS) "
        "passed; the run was stopped and nothing from it was loaded"
    )
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert not con.execute(
                "select count(*) from information_schema.tables where table_schema = 'raw_ticks'"
                " and table_name = 'ticks'"
            ).fetchone()[0]


def test_cli_names_source_path_and_deadline_without_the_token(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real source (PagerDuty incidents) against a trickling server, through `ai-roi run`."""
    monkeypatch.setenv("AI_ROI_REQUEST_DEADLINE_SECONDS", "1")
    monkeypatch.setenv("SOURCES__INCIDENTS__API_TOKEN", "pd_SECRET_TOKEN")
    with SlowServer(trickle={"/incidents": {"incidents": [], "more": False}}) as server:
        monkeypatch.setenv("SOURCES__INCIDENTS__BASE_URL", server.url)
        started = time.monotonic()
        assert main(["run", "incidents", "--no-validate"]) == 1
        assert time.monotonic() - started < 5
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "error: [incidents] GET /incidents: no complete answer within the request deadline of "
        "1s (AI_ROI_REQUEST_DEADLINE_SECONDS)"
    )
    assert "nothing from it was loaded" in captured.err
    assert "pd_SECRET_TOKEN" not in captured.err + captured.out
    assert "Traceback" not in captured.err
