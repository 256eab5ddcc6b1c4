"""The PagerDuty source against a scripted PagerDuty API (no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.pipeline import run_source
from ingestion.common.validation import validate_tables
from ingestion.sources import incidents
from ingestion.sources.incidents import helpers
from tests.sources.incidents import payloads as p
from tests.support.fake_api import FakeApi

TOKEN = "pd-secret-token-xyz"
WINDOW = {"start_date": "2026-02-01", "end_date": "2026-04-01"}


def serve(api: FakeApi, pages: list[dict[str, Any]]) -> None:
    api.routes.clear()
    api.requests.clear()
    for body in pages:
        api.add(p.INCIDENTS, body)


def run(api: FakeApi, **kwargs: Any) -> Any:
    config = {**WINDOW, **kwargs}
    src = incidents.source(api_token=TOKEN, base_url=api.url, **config)
    return run_source(incidents.NAME, src, printer=lambda _m: None)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def count(db: Path) -> int:
    return rows(db, "select count(*) from raw_incidents.incidents")[0][0]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def first_pages() -> list[dict[str, Any]]:
    inc = p.base_incidents()
    return [p.page(inc[:2], more=True), p.page(inc[2:], offset=2)]


SELECT = (
    "select id, incident_number, title, status, urgency, service__id, service__summary, "
    "created_at, resolved_at, last_status_change_at, deployment_reference, commit_reference, "
    "html_url from raw_incidents.incidents order by id"
)


def test_happy_path_loads_incidents_with_references(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_pages())
    summary = run(fake_api)

    assert summary.row_counts == {"incidents": 3}
    assert rows(warehouse, SELECT) == [
        ("PINC001", 101, "Checkout 5xx spike - Caused by deploy 123456", "resolved", "high",
         "PCHK001", "checkout-api", utc(2026, 3, 2, 10), utc(2026, 3, 2, 11, 30),
         utc(2026, 3, 2, 11, 30), "123456", None, "https://acme.pagerduty.com/incidents/PINC001"),
        ("PINC002", 102, "Search latency", "resolved", "low", "PSRC002", "search",
         utc(2026, 3, 3, 8), utc(2026, 3, 3, 9, 15), utc(2026, 3, 3, 9, 15), None,
         "9fceb02d0ae598e95dc970b74767f19372d61af8", "https://acme.pagerduty.com/incidents/PINC002"),
        ("PINC003", 103, "Queue backlog growing", "triggered", "high", "PCHK001", "checkout-api",
         utc(2026, 3, 4, 12), None, utc(2026, 3, 4, 12), None, None,
         "https://acme.pagerduty.com/incidents/PINC003"),
    ]  # fmt: skip

    hits = fake_api.hits(p.INCIDENTS)
    assert [h.query["offset"] for h in hits] == [["0"], ["2"]]
    first = hits[0]
    assert first.query["limit"] == ["100"]
    assert first.query["since"] == ["2026-02-01T00:00:00Z"]
    assert first.query["until"] == ["2026-04-01T00:00:00Z"]
    assert first.query["time_zone"] == ["UTC"]
    assert first.query["statuses[]"] == ["triggered", "acknowledged", "resolved"]
    assert first.headers["Authorization"] == f"Token token={TOKEN}"
    assert first.headers["Accept"] == "application/vnd.pagerduty+json;version=2"


def test_windows_are_at_most_180_days_and_services_filter(
    warehouse: Path, fake_api: FakeApi
) -> None:
    inc = p.base_incidents()
    serve(fake_api, [p.page(inc[:1]), p.page(inc[1:])])
    summary = run(
        fake_api, start_date="2026-01-01", end_date="2026-08-01", service_ids=["PCHK001", "PSRC002"]
    )

    assert summary.row_counts == {"incidents": 3}
    hits = fake_api.hits(p.INCIDENTS)
    assert [(h.query["since"][0], h.query["until"][0]) for h in hits] == [
        ("2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z"),
        ("2026-06-30T00:00:00Z", "2026-08-01T00:00:00Z"),
    ]
    assert hits[0].query["service_ids[]"] == ["PCHK001", "PSRC002"]


def test_second_run_without_new_data_adds_nothing(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_pages())
    run(fake_api)
    before = rows(warehouse, SELECT)

    serve(fake_api, [p.page(p.base_incidents())])
    summary = run(fake_api)

    assert summary.row_counts.get("incidents", 0) == 0
    assert rows(warehouse, SELECT) == before
    # re-read from the cursor (max last_status_change_at 2026-03-04 12:00) minus 7 days
    assert fake_api.hits(p.INCIDENTS)[0].query["since"] == ["2026-02-25T12:00:00Z"]


def test_incident_resolved_later_is_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_pages())
    run(fake_api)

    inc = p.base_incidents()
    inc[2].update(status="resolved", last_status_change_at="2026-03-05T09:00:00Z")
    serve(fake_api, [p.page(inc)])
    summary = run(fake_api)

    assert summary.row_counts == {"incidents": 1}
    assert count(warehouse) == 3
    assert rows(
        warehouse, "select status, resolved_at from raw_incidents.incidents where id = 'PINC003'"
    ) == [("resolved", utc(2026, 3, 5, 9))]


@pytest.mark.parametrize(
    ("mutate", "field", "key"),
    [
        (lambda i: i.update(incident_number="one-o-three"), "incident_number", "PINC003"),
        (lambda i: i.pop("id"), "id", None),
        (lambda i: i.update(created_at="last tuesday"), "created_at", "PINC003"),
    ],
)
def test_malformed_record_fails_the_run_and_loads_nothing(
    warehouse: Path, fake_api: FakeApi, mutate: Any, field: str, key: str | None
) -> None:
    serve(fake_api, first_pages())
    run(fake_api)
    before = rows(warehouse, SELECT)

    inc = p.base_incidents()
    new = p.incident("PINC004", 104, created_at="2026-03-06T10:00:00Z")
    inc[2].update(status="acknowledged", last_status_change_at="2026-03-06T11:00:00Z")
    mutate(inc[2])
    serve(fake_api, [p.page([new, *inc])])
    with pytest.raises(MalformedRecordError) as caught:
        run(fake_api)
    message = str(caught.value)
    assert message.startswith("[incidents] malformed record in table 'incidents'")
    assert f"(key {key!r})" in message and f"field '{field}'" in message
    assert rows(warehouse, SELECT) == before  # not even PINC004 was loaded

    inc = p.base_incidents()
    inc[2].update(status="acknowledged", last_status_change_at="2026-03-06T11:00:00Z")
    serve(fake_api, [p.page([new, *inc])])
    assert run(fake_api).row_counts == {"incidents": 2}
    assert count(warehouse) == 4


def test_rate_limit_is_waited_out(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, [])
    fake_api.add(p.INCIDENTS, {"error": {"message": "Rate Limit Exceeded", "code": 2020}}, status=429,
                 headers={"Retry-After": "0"})  # fmt: skip
    fake_api.add(p.INCIDENTS, p.page(p.base_incidents()))
    assert run(fake_api).row_counts == {"incidents": 3}
    assert len(fake_api.hits(p.INCIDENTS)) == 2

    waits: list[float] = []
    serve(fake_api, [])
    fake_api.add(p.INCIDENTS, {"error": {"message": "Rate Limit Exceeded"}}, status=429,
                 headers={"Retry-After": "3"})  # fmt: skip
    fake_api.add(p.INCIDENTS, p.page([]))
    client = helpers.make_client(fake_api.url, TOKEN, sleep=waits.append)
    pages = list(helpers.fetch_incidents(client, utc(2026, 3, 1), utc(2026, 3, 2)))
    assert pages == [[]] and waits == [3.0]


def test_non_json_page_fails_clearly(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, [p.page(p.base_incidents()[:1], more=True)])
    fake_api.add(p.INCIDENTS, raw="<html>502 Bad Gateway</html>")
    with pytest.raises(
        SourceError, match=r"\[incidents\] GET incidents page 2: response is not valid JSON"
    ):
        run(fake_api)


def test_validation_failure_names_table_column_rule(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_pages())
    run(fake_api)
    assert validate_tables(incidents.NAME, incidents.SUITES, printer=lambda _m: None).ok

    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_incidents.incidents (id, status, created_at, resolved_at, "
            "last_status_change_at, _dlt_load_id, _dlt_id) values ('PBAD', 'exploded', "
            "'2026-03-05T10:00:00Z', '2026-03-05T09:00:00Z', '2026-03-05T10:00:00Z', 'x', 'y')"
        )
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(incidents.NAME, incidents.SUITES, printer=lambda _m: None)
    message = str(caught.value)
    assert "raw_incidents.incidents.status: must be one of" in message
    assert (
        "raw_incidents.incidents.resolved_at,created_at: resolved_at must be >= created_at"
        in message
    )
    assert "'PBAD'" in message


def test_secrets_never_leak(warehouse: Path, fake_api: FakeApi) -> None:
    serve(fake_api, first_pages())
    run(fake_api)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw_incidents'"
        ).fetchall():
            assert TOKEN not in str(
                con.execute(f'select * from raw_incidents."{table}"').fetchall()
            )

    serve(fake_api, [])
    fake_api.add(p.INCIDENTS, raw=f'{{"error": "bad token {TOKEN}"}}', status=401)
    with pytest.raises(SourceError) as caught:
        run(fake_api)
    assert "HTTP 401" in str(caught.value) and TOKEN not in str(caught.value)


def test_token_from_vendor_env_var(
    monkeypatch: pytest.MonkeyPatch, fake_api: FakeApi, warehouse: Path
) -> None:
    monkeypatch.setenv("PAGERDUTY_TOKEN", "from-env")
    serve(fake_api, [p.page([])])
    src = incidents.source(base_url=fake_api.url, **WINDOW)
    run_source(incidents.NAME, src, printer=lambda _m: None)
    assert fake_api.hits(p.INCIDENTS)[0].headers["Authorization"] == "Token token=from-env"


@pytest.mark.parametrize(
    ("title", "description", "deployment", "commit"),
    [
        ("Caused by deploy 123456", None, "123456", None),
        ("Errors", "deployment_id: 98765 on prod", "98765", None),
        ("Rollback of Deployment #42", None, "42", None),
        ("Deploy failed badly", None, None, None),
        ("Bad release", "see commit ABCDEF1 for details", None, "abcdef1"),
        ("sha: 0123456789abcdef0123456789abcdef01234567", None, None,
         "0123456789abcdef0123456789abcdef01234567"),
        ("Outage after deploy 77 of commit deadbeefcafe", None, "77", "deadbeefcafe"),
        ("Hash abc1234 without a keyword", None, None, None),
    ],
)  # fmt: skip
def test_reference_parsing(
    title: str, description: str | None, deployment: str | None, commit: str | None
) -> None:
    got = helpers.prepare_incident({"title": title, "description": description})
    assert (got["deployment_reference"], got["commit_reference"]) == (deployment, commit)


def test_reference_from_custom_field_and_resolved_at_rules() -> None:
    incident = {"title": "x", "description": "y", "body": {"details": "deploy 555"}, "status": "resolved",
                "last_status_change_at": "2026-03-01T00:00:00Z"}  # fmt: skip
    got = helpers.prepare_incident(incident, reference_field="body.details")
    assert got["deployment_reference"] == "555"
    assert got["resolved_at"] == "2026-03-01T00:00:00Z"
    assert (
        helpers.resolved_at({"status": "acknowledged", "last_status_change_at": "2026-03-01"})
        is None
    )
