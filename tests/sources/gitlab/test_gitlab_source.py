"""The GitLab source against a scripted local API (no network)."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError, ValidationFailedError
from ingestion.common.validation import validate_tables
from ingestion.sources.gitlab import NAME, SUITES
from tests.sources.gitlab import payloads as p
from tests.sources.gitlab.scenario import (
    API,
    EXPECTED_COUNTS,
    PROJECT,
    TOKEN,
    counts,
    deployments_query,
    load,
    mr_page_1,
    query,
    script,
)
from tests.support.fake_api import FakeApi

MRS = f"{PROJECT}/merge_requests"


def test_happy_path_loads_every_table_with_hand_checked_values(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    summary = load(fake_api)

    assert summary.row_counts == EXPECTED_COUNTS
    assert counts(warehouse) == EXPECTED_COUNTS
    assert query(
        warehouse,
        "select id, path_with_namespace, default_branch, namespace__full_path "
        "from raw_gitlab.projects",
    ) == [(42, "acme/api", "main", "acme")]
    # sizes summed from the diffs (the list has none); !11's only diff is too large: null
    assert query(
        warehouse,
        "select iid, state, draft, additions, deletions, changed_files, repository_full_name, "
        "author__username, squash, squash_commit_sha is not null, merge_commit_sha is not null "
        "from raw_gitlab.merge_requests order by iid",
    ) == [
        (10, "opened", True, 0, 3, 1, "acme/api", "octo", False, False, False),
        (11, "merged", False, None, None, 1, "acme/api", "octo", False, False, True),
        (12, "merged", False, 4, 1, 2, "acme/api", "octo", True, True, False),
    ]
    assert query(
        warehouse,
        "select l.name from raw_gitlab.merge_requests__labels l join raw_gitlab.merge_requests mr "
        "on l._dlt_parent_id = mr._dlt_id where mr.iid = 12 order by 1",
    ) == [("ai-assisted",), ("bug",)]
    # logins from the commit e-mail (no-reply username, else the local part), full messages
    assert query(
        warehouse,
        "select merge_request_iid, sha, author_login, message "
        "from raw_gitlab.merge_request_commits order by merge_request_iid, sha",
    ) == [
        (10, "e" * 40, None, "WIP"),
        (11, "d" * 40, "mona", "Fix bug"),
        (12, "a" * 40, "octo", "Add export\n\nCo-authored-by: Claude <noreply@anthropic.com>"),
        (12, "c" * 40, "mona", "Fix tests"),
    ]
    # approved_at: given (!12), from the approval system note (!11), from the notes alone
    # when /approvals answers 404 (!10: dave approved then withdrew, carol stands)
    assert query(
        warehouse,
        "select merge_request_iid, user__username, strftime(approved_at, '%Y-%m-%d %H:%M') "
        "from raw_gitlab.merge_request_approvals order by merge_request_iid",
    ) == [
        (10, "carol", "2026-02-09 11:00"),
        (11, "reviewer2", "2026-02-10 09:15"),
        (12, "reviewer", "2026-02-10 11:00"),
    ]
    assert query(
        warehouse,
        "select id, merge_request_iid, author__username, note_type, resolvable "
        "from raw_gitlab.merge_request_notes order by id",
    ) == [
        (81, 12, "reviewer", "DiffNote", True),
        (82, 12, "octo", None, False),
        (91, 11, "reviewer2", None, False),
    ]
    assert query(
        warehouse,
        "select merge_request_iid, new_path, old_path, status, additions, deletions, too_large "
        "from raw_gitlab.merge_request_files order by merge_request_iid, new_path",
    ) == [
        (10, "README.md", "README.md", "removed", 0, 3, False),
        (11, "src/c2.py", "src/c.py", "renamed", None, None, True),
        (12, "src/a.py", "src/a.py", "modified", 2, 1, False),
        (12, "src/b.py", "src/b.py", "added", 2, 0, False),
    ]
    # production by name and by tier; finished_at from the deployment's job
    assert query(
        warehouse,
        "select id, environment, environment_tier, status, deployable__name, "
        "strftime(finished_at, '%H:%M') from raw_gitlab.deployments order by id",
    ) == [
        (501, "production", "production", "success", "deploy-production", "13:05"),
        (502, "production", "production", "running", "deploy-production", None),
        (601, "eu-live", "production", "failed", "deploy-eu-live", "13:05"),
    ]
    assert query(
        warehouse, "select id, ref, name, status from raw_gitlab.pipelines order by id"
    ) == [(901, "main", "Deploy production", "success"), (903, "release/1.2", None, "success")]
    assert query(
        warehouse,
        "select name, target_sha, tag_object_sha, is_annotated, "
        "strftime(tagged_at, '%Y-%m-%d %H:%M') from raw_gitlab.tags order by name",
    ) == [
        ("v1.0", "1" * 40, "1" * 40, False, "2026-02-11 11:00"),
        ("v1.1", "2" * 40, "9" * 40, True, "2026-02-12 12:30"),
    ]
    assert query(
        warehouse,
        "select tag_name, commit__id, upcoming_release, strftime(released_at, '%H:%M') "
        "from raw_gitlab.releases",
    ) == [("v1.1", "2" * 40, False, "13:00")]
    assert query(
        warehouse,
        "select id, iid, state, issue_type, label_names, strftime(closed_at, '%H:%M') "
        "from raw_gitlab.incident_issues",
    ) == [(7001, 5, "closed", "incident", "incident,sev1", "10:30")]
    assert query(
        warehouse,
        "select c.sha, p.sha from raw_gitlab.commits c join raw_gitlab.commits__parents p "
        "on p._dlt_parent_id = c._dlt_id order by 1, 2",
    ) == [("1" * 40, "0" * 40), ("2" * 40, "1" * 40), ("2" * 40, "f" * 40)]
    assert query(warehouse, "select typeof(created_at) from raw_gitlab.merge_requests limit 1") == [
        ("TIMESTAMP WITH TIME ZONE",)
    ]
    # the documented request shapes
    first = fake_api.hits(f"{API}/groups/acme/projects")[0]
    assert first.headers["PRIVATE-TOKEN"] == TOKEN
    assert "Authorization" not in first.headers
    assert first.query["include_subgroups"] == ["true"]
    listing = fake_api.hits(MRS)[0].query
    assert listing["state"] == ["all"] and listing["order_by"] == ["updated_at"]
    assert listing["sort"] == ["desc"] and "updated_after" not in listing
    assert fake_api.hits(f"{MRS}/12/notes")[0].query["sort"] == ["asc"]
    assert fake_api.hits(f"{PROJECT}/repository/commits")[0].query["ref_name"] == ["main"]
    assert len(fake_api.hits(f"{MRS}/12/diffs")) == 1  # sizes and the files table share them
    assert {r.query["environment"][0] for r in fake_api.hits(f"{PROJECT}/deployments")} == {
        "production",
        "eu-live",
    }


def test_no_names_emails_or_bodies_are_loaded(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    load(fake_api)
    for (table,) in query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'raw_gitlab'",
    ):
        text = str(query(warehouse, f'select * from raw_gitlab."{table}"'))
        for private in (
            "mona@example.com",
            "Mona Lisa",
            "Octo Person",
            "one nit",
            "Customer data",
            "approved this merge request",
            "Notes written by a person",
        ):
            assert private not in text, (table, private)


def test_second_run_loads_nothing_and_asks_from_the_cursors(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    load(fake_api)
    before = counts(warehouse)
    fake_api.requests.clear()

    summary = load(fake_api)

    assert summary.total_rows == 0
    assert summary.changes == {}
    assert counts(warehouse) == before
    # the cursors less a second (GitLab documents some filters as "after")
    assert fake_api.hits(MRS)[0].query["updated_after"] == ["2026-02-12T11:59:59Z"]
    assert fake_api.hits(f"{PROJECT}/pipelines")[0].query["updated_after"] == [
        "2026-02-12T09:59:59Z"
    ]
    assert fake_api.hits(f"{PROJECT}/issues")[0].query["updated_after"] == ["2026-02-11T10:59:59Z"]
    assert fake_api.hits(f"{PROJECT}/repository/commits")[0].query["since"] == [
        "2026-02-12T11:59:59Z"
    ]
    deployments = {
        r.query["environment"][0]: r.query["updated_after"][0]
        for r in fake_api.hits(f"{PROJECT}/deployments")
    }
    assert deployments == {"production": "2026-02-12T13:00:59Z", "eu-live": "2026-02-10T13:59:59Z"}
    # no merge request changed: no per-MR list was read
    assert [r.path for r in fake_api.requests if "/merge_requests/" in r.path] == []


def test_an_updated_merge_request_is_merged_in_place(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    deployments_later = deployments_query("production", "2026-02-12T13:00:59Z")
    load(fake_api)
    before = counts(warehouse)

    fake_api.routes.clear()
    reworked = p.merge_request(
        11, 1011, "2026-02-13T08:00:00.000Z", title="Fix bug (reworked)", labels=["bug"]
    )
    script(fake_api, mrs_1=[reworked, mr_page_1()[0]])
    fake_api.routes[(f"{MRS}/11/diffs", None)] = []
    fake_api.add(f"{MRS}/11/diffs", [p.diff("src/c3.py", "@@ -0,0 +1 @@\n+x\n", new=True)])
    fake_api.routes[(f"{MRS}/11/commits", None)] = []
    fake_api.add(f"{MRS}/11/commits", [p.commit("9" * 40, "Rework")])
    # the running deployment finished: listed again with its new status
    fake_api.add(
        f"{PROJECT}/deployments",
        [p.deployment(502, "m" * 40, "production", "success", "2026-02-13T09:00:00.000Z")],
        query=deployments_later,
    )
    fake_api.requests.clear()
    summary = load(fake_api)

    assert summary.row_counts["merge_requests"] == 1
    assert summary.row_counts["deployments"] == 1
    after = counts(warehouse)
    assert after["merge_requests"] == before["merge_requests"]
    assert query(
        warehouse,
        "select title, additions, deletions, changed_files from raw_gitlab.merge_requests "
        "where iid = 11",
    ) == [("Fix bug (reworked)", 1, 0, 1)]
    assert query(
        warehouse,
        "select l.name from raw_gitlab.merge_requests__labels l join raw_gitlab.merge_requests mr "
        "on l._dlt_parent_id = mr._dlt_id where mr.iid = 11",
    ) == [("bug",)]
    # the re-read merge request's lists replace its old rows (merge key), others untouched
    assert query(
        warehouse,
        "select new_path from raw_gitlab.merge_request_files where merge_request_iid = 11",
    ) == [("src/c3.py",)]
    assert query(
        warehouse,
        "select sha from raw_gitlab.merge_request_commits where merge_request_iid = 11",
    ) == [("9" * 40,)]
    assert after["merge_request_files"] == before["merge_request_files"]
    assert query(warehouse, "select status from raw_gitlab.deployments where id = 502") == [
        ("success",)
    ]
    assert after["deployments"] == before["deployments"]
    assert fake_api.hits(f"{MRS}/12/diffs") == []  # !12 did not change: not re-read


def test_an_incident_labelled_issue_is_kept_and_an_unlabelled_one_dropped(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    load(fake_api, incident_labels=["incident", "outage"])

    assert query(warehouse, "select id, label_names from raw_gitlab.incident_issues") == [
        (7001, "incident,sev1")
    ]
    asked = sorted(r.query["labels"][0] for r in fake_api.hits(f"{PROJECT}/issues"))
    assert asked == ["incident", "outage"]  # one request per label, the issue loaded once


@pytest.mark.parametrize(
    ("broken", "field", "rule"),
    [
        ({"iid": "twelve"}, "iid", "must be bigint"),
        ({"updated_at": None}, "updated_at", "is required"),
    ],
)
def test_a_malformed_page_stops_the_run_before_anything_is_written(
    warehouse: Path, fake_api: FakeApi, broken: dict[str, object], field: str, rule: str
) -> None:
    script(fake_api)
    load(fake_api)
    before = counts(warehouse)
    titles = query(warehouse, "select iid, title from raw_gitlab.merge_requests order by iid")

    bad = p.merge_request(12, 1012, "2026-02-14T12:00:00.000Z", title="changed by the bad run")
    bad.update(broken)
    fresh = p.merge_request(13, 1013, "2026-02-14T13:00:00.000Z")
    fake_api.routes.clear()
    script(fake_api, mrs_1=[fresh, bad])
    for child in ("commits", "notes", "diffs"):
        fake_api.add(f"{MRS}/13/{child}", [])
    fake_api.add(f"{MRS}/13/approvals", p.approvals(iid=13))
    with pytest.raises(MalformedRecordError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert "[gitlab]" in message and "'merge_requests'" in message
    assert f"'{field}'" in message and rule in message and "1012" in message
    assert counts(warehouse) == before
    assert (
        query(warehouse, "select iid, title from raw_gitlab.merge_requests order by iid") == titles
    )


def test_a_malformed_first_run_writes_no_table(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    fake_api.routes[(f"{PROJECT}/repository/tags", None)] = []
    fake_api.add(f"{PROJECT}/repository/tags", [{**p.tag("v2", "4" * 40), "commit": {"id": None}}])

    with pytest.raises(MalformedRecordError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert "[gitlab]" in message and "'tags'" in message and "'target_sha'" in message
    assert "is required" in message
    assert query(
        warehouse,
        "select count(*) from information_schema.tables where table_schema = 'raw_gitlab'",
    ) == [(0,)]


def test_a_broken_approvals_answer_names_the_table_and_merge_request(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.routes[(f"{MRS}/11/approvals", None)] = []
    fake_api.add(f"{MRS}/11/approvals", {"approved_by": "reviewer2"})

    with pytest.raises(SourceError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert "[gitlab]" in message and "merge_request_approvals" in message
    assert "acme/api!11" in message and "approved_by" in message


def test_rate_limits_are_waited_out_and_retried(warehouse: Path, fake_api: FakeApi) -> None:
    fake_api.add(
        f"{API}/groups/acme/projects",
        {"message": "Retry later"},
        status=429,
        headers={"Retry-After": "0", "RateLimit-Remaining": "0"},
    )
    fake_api.add(
        MRS,
        {"message": "Retry later"},
        status=429,
        headers={"RateLimit-Reset": str(int(time.time())), "RateLimit-Remaining": "0"},
    )
    script(fake_api)

    summary = load(fake_api)

    assert summary.row_counts == EXPECTED_COUNTS
    assert len(fake_api.hits(f"{API}/groups/acme/projects")) == 2
    assert len(fake_api.hits(MRS)) == 3  # 429, page 1, page 2


def test_pages_follow_x_next_page_without_a_link_header(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    pipelines = f"{PROJECT}/pipelines"
    fake_api.routes[(pipelines, None)] = []
    fake_api.add(
        pipelines,
        [p.pipeline(911, "main", "success", "2026-02-12T10:00:00.000Z", name="deploy")],
        headers={"X-Next-Page": "2", "X-Page": "1"},
    )
    fake_api.add(
        pipelines,
        [p.pipeline(910, "main", "failed", "2026-02-11T10:00:00.000Z", name="deploy")],
        headers={"X-Next-Page": "", "X-Page": "2"},
    )

    load(fake_api)

    assert query(warehouse, "select id from raw_gitlab.pipelines order by id") == [(910,), (911,)]
    pages = [r.query.get("page") for r in fake_api.hits(pipelines)]
    assert pages == [None, ["2"]]
    assert fake_api.hits(pipelines)[1].query["order_by"] == ["updated_at"]


def test_non_json_page_fails_with_a_clear_error(warehouse: Path, fake_api: FakeApi) -> None:
    script(fake_api)
    fake_api.routes[(MRS, "page=2")] = []
    fake_api.add(MRS, raw="<html><body>502 Bad Gateway</body></html>", query="page=2")

    with pytest.raises(SourceError) as caught:
        load(fake_api)

    message = str(caught.value)
    assert "[gitlab]" in message and "merge_requests page 2" in message
    assert "not valid JSON" in message


def test_validation_passes_then_names_table_column_and_rule(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    load(fake_api)
    report = validate_tables(NAME, SUITES, printer=lambda _line: None)
    assert report.ok and len(report.tables_checked) == len(SUITES)

    con = duckdb.connect(str(warehouse))
    con.execute(
        "insert into raw_gitlab.merge_requests (id, repository_full_name, iid, state, created_at, "
        "updated_at, additions, _dlt_load_id, _dlt_id) "
        "values (99, 'acme/api', 99, 'reopened', now(), now(), -5, 'x', 'y')"
    )
    con.close()
    with pytest.raises(ValidationFailedError) as caught:
        validate_tables(NAME, SUITES, tables=["merge_requests"], printer=lambda _line: None)

    message = str(caught.value)
    assert "raw_gitlab.merge_requests.additions" in message and "must be between 0" in message
    assert "raw_gitlab.merge_requests.state" in message and "99" in message


def test_token_from_gitlab_token_never_appears_in_errors_or_tables(
    warehouse: Path, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    script(fake_api)
    load(fake_api, private_token=None)
    assert fake_api.hits(f"{API}/groups/acme/projects")[0].headers["PRIVATE-TOKEN"] == TOKEN
    for (table,) in query(
        warehouse,
        "select table_name from information_schema.tables where table_schema = 'raw_gitlab'",
    ):
        assert TOKEN not in str(query(warehouse, f'select * from raw_gitlab."{table}"')), table

    fake_api.routes.clear()
    fake_api.add(
        f"{API}/groups/acme/projects", {"message": f"401 Unauthorized {TOKEN}"}, status=401
    )
    with pytest.raises(SourceError) as caught:
        load(fake_api)
    assert "HTTP 401" in str(caught.value) and TOKEN not in str(caught.value)


def test_named_projects_are_fetched_by_encoded_path_and_switches_turn_resources_off(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.add(f"{API}/projects/acme%2Fapi", p.project())

    load(
        fake_api,
        groups=None,
        projects=["acme/api"],
        environments=[],
        include_pipelines=False,
        include_releases=False,
        include_tags=False,
        incident_labels=[],
    )

    assert fake_api.hits(f"{API}/groups/acme/projects") == []
    assert len(fake_api.hits(f"{API}/projects/acme%2Fapi")) == 1
    # every environment: no environment listing, no environment filter
    assert fake_api.hits(f"{PROJECT}/environments") == []
    assert "environment" not in fake_api.hits(f"{PROJECT}/deployments")[0].query
    for off in ("pipelines", "releases", "repository/tags", "issues"):
        assert fake_api.hits(f"{PROJECT}/{off}") == [], off
    tables = {
        t
        for (t,) in query(
            warehouse,
            "select table_name from information_schema.tables where table_schema = 'raw_gitlab'",
        )
    }
    assert not tables & {"pipelines", "releases", "tags", "incident_issues"}


def test_groups_or_projects_are_required_and_the_pattern_must_compile() -> None:
    with pytest.raises(SourceError, match="'groups'"):
        load_source()
    with pytest.raises(SourceError, match="pipeline_pattern"):
        load_source(groups=["acme"], pipeline_pattern="deploy(")


def load_source(**kwargs: object) -> object:
    from ingestion.sources.gitlab import source

    return source(private_token="x", **kwargs)
