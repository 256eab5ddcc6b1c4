"""The shared HTTP client: pagination styles, bounded rate-limit retries, clear errors."""

from __future__ import annotations

import time

import pytest

from ingestion.common.errors import DeadlineExceededError, IngestionError, SourceError
from ingestion.common.http import ApiClient, parse_link_header
from tests.common.slow_server import SlowServer
from tests.support.fake_api import FakeApi


def test_parse_link_header_reads_next_and_last() -> None:
    header = '<https://x/a?page=2>; rel="next", <https://x/a?page=5>; rel="last"'
    assert parse_link_header(header) == {"next": "https://x/a?page=2", "last": "https://x/a?page=5"}
    assert parse_link_header(None) == {}


def test_link_pagination_follows_next_until_absent(fake_api: FakeApi) -> None:
    fake_api.add(
        "/items",
        [{"id": 1}, {"id": 2}],
        query="per_page=2",
        headers={"Link": fake_api.link("/items", "per_page=2&page=2")},
    )
    fake_api.add("/items", [{"id": 3}], query="per_page=2&page=2")
    pages = list(ApiClient("t", fake_api.url).paginate_link("/items", {"per_page": 2}))
    assert [[i["id"] for i in p] for p in pages] == [[1, 2], [3]]
    assert len(fake_api.hits("/items")) == 2


def test_token_pagination_stops_on_is_last(fake_api: FakeApi) -> None:
    fake_api.add(
        "/search", {"issues": [{"id": "a"}], "nextPageToken": "t2", "isLast": False}, query="q=x"
    )
    fake_api.add("/search", {"issues": [{"id": "b"}], "isLast": True}, query="q=x&nextPageToken=t2")
    pages = list(ApiClient("jira", fake_api.url).paginate_token("/search", {"q": "x"}, "issues"))
    assert [[i["id"] for i in p] for p in pages] == [["a"], ["b"]]


def test_offset_pagination_advances_by_page_size(fake_api: FakeApi) -> None:
    fake_api.add(
        "/incidents", {"incidents": [{"id": 1}, {"id": 2}], "more": True}, query="limit=2&offset=0"
    )
    fake_api.add("/incidents", {"incidents": [{"id": 3}], "more": False}, query="limit=2&offset=2")
    client = ApiClient("pd", fake_api.url)
    pages = list(client.paginate_offset("/incidents", {}, "incidents", limit=2))
    assert [len(p) for p in pages] == [2, 1]


def test_rate_limit_403_with_retry_after_is_waited_out(fake_api: FakeApi) -> None:
    fake_api.add(
        "/repos",
        {"message": "rate limited"},
        status=403,
        headers={"Retry-After": "7", "X-RateLimit-Remaining": "0"},
    )
    fake_api.add("/repos", [{"id": 1}])
    waits: list[float] = []
    client = ApiClient("github", fake_api.url, sleep=waits.append)
    assert client.get_json("/repos") == [{"id": 1}]
    assert waits == [7.0]
    assert client.requests_made == 2


def test_rate_limit_429_gives_up_after_bounded_retries(fake_api: FakeApi) -> None:
    fake_api.add("/repos", {"message": "slow down"}, status=429, headers={"Retry-After": "0"})
    client = ApiClient("github", fake_api.url, max_retries=2, sleep=lambda _: None)
    with pytest.raises(
        SourceError, match=r"\[github\] GET /repos: still rate limited after 2 retries"
    ):
        client.get("/repos")
    assert len(fake_api.hits("/repos")) == 3


def test_rate_limit_reset_too_far_away_fails_fast(fake_api: FakeApi) -> None:
    fake_api.add(
        "/repos",
        {},
        status=403,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "99999999999"},
    )
    client = ApiClient("github", fake_api.url, max_wait_seconds=5, sleep=lambda _: None)
    with pytest.raises(SourceError, match="more than the 5s this run may wait"):
        client.get("/repos")


def test_a_plain_403_is_an_error_not_a_rate_limit(fake_api: FakeApi) -> None:
    fake_api.add("/secret", {"message": "Forbidden"}, status=403)
    with pytest.raises(SourceError, match="HTTP 403"):
        ApiClient("github", fake_api.url, sleep=lambda _: None).get("/secret")


def test_malformed_page_names_source_path_and_page(fake_api: FakeApi) -> None:
    fake_api.add(
        "/items", [{"id": 1}], headers={"Link": fake_api.link("/items", "page=2")}, query=None
    )
    fake_api.add("/items", raw="<html>oops</html>", query="page=2")
    client = ApiClient("github", fake_api.url)
    with pytest.raises(
        SourceError, match=r"\[github\] GET /items page 2: response is not valid JSON"
    ):
        list(client.paginate_link("/items"))


def test_token_is_sent_as_header_and_never_printed(fake_api: FakeApi) -> None:
    fake_api.add("/private", {"message": "boom ghs_SECRETSECRET"}, status=500)
    client = ApiClient("github", fake_api.url, token="ghs_SECRETSECRET", max_retries=0)
    with pytest.raises(SourceError) as info:
        client.get("/private")
    assert "ghs_SECRETSECRET" not in str(info.value)
    assert "***" in str(info.value)
    assert fake_api.requests[0].headers["Authorization"] == "Bearer ghs_SECRETSECRET"


def test_server_errors_are_retried(fake_api: FakeApi) -> None:
    fake_api.add("/flaky", {}, status=502)
    fake_api.add("/flaky", {"ok": True})
    assert ApiClient("t", fake_api.url, sleep=lambda _: None).get_json("/flaky") == {"ok": True}


# -- deadlines: a server that trickles its answer cannot keep a run alive -----------------
def test_a_trickling_body_ends_at_the_request_deadline() -> None:
    with SlowServer(trickle={"/slow": {"items": list(range(100))}}) as server:
        client = ApiClient(
            "slowapi", server.url, token="ghs_SECRETSECRET", request_deadline=1.0, timeout=5.0
        )
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError) as caught:
            client.get("/slow", {"access_token": "ghs_SECRETSECRET", "page": 2})
        elapsed = time.monotonic() - started
        hits = list(server.hits)
    message = str(caught.value)
    assert message == (
        "[slowapi] GET /slow: no complete answer within the request deadline of 1s "
        "(AI_ROI_REQUEST_DEADLINE_SECONDS); the server is too slow or stalled"
    )
    assert "SECRET" not in message and "page" not in message  # the path, not the query
    assert caught.value.kind == "request" and caught.value.seconds == 1.0
    assert 0.9 <= elapsed < 3.0  # each read got a byte within the 5s read timeout
    assert len(hits) == 1  # a request past its deadline is not retried


def test_trickling_headers_end_at_the_request_deadline() -> None:
    with SlowServer(trickle_headers={"/slow": {"ok": True}}) as server:
        client = ApiClient("slowapi", server.url, request_deadline=1.0, timeout=5.0)
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError, match=r"GET /slow: no complete answer within"):
            client.get_json("/slow")
        assert time.monotonic() - started < 3.0


def test_a_fast_answer_is_not_affected_nor_the_next_request() -> None:
    with SlowServer(fast={"/a": {"n": 1}, "/b": {"n": 2}}) as server:
        client = ApiClient("t", server.url, request_deadline=1.0)
        assert client.get_json("/a") == {"n": 1}
        time.sleep(1.2)  # longer than the deadline: the watchdog of /a must be disarmed
        assert client.get_json("/b") == {"n": 2}


def test_request_deadline_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AI_ROI_REQUEST_DEADLINE_SECONDS", raising=False)
    assert ApiClient("t", "http://127.0.0.1:9").request_deadline == 120.0
    monkeypatch.setenv("AI_ROI_REQUEST_DEADLINE_SECONDS", "1.5")
    assert ApiClient("t", "http://127.0.0.1:9").request_deadline == 1.5
    monkeypatch.setenv("AI_ROI_REQUEST_DEADLINE_SECONDS", "soon")
    with pytest.raises(IngestionError, match="AI_ROI_REQUEST_DEADLINE_SECONDS must be a positive"):
        ApiClient("t", "http://127.0.0.1:9")
