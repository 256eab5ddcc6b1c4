"""The github source's GraphQL transport for pull requests (`pulls_api="graphql"`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.errors import MalformedRecordError, SourceError
from ingestion.common.pipeline import LoadSummary, run_source
from ingestion.sources.github import NAME, graphql, settings, source
from tests.sources.github import payloads as p
from tests.sources.github.scenario import BASE, EXPECTED_COUNTS, TOKEN, counts, query, script
from tests.support.fake_api import FakeApi

GRAPHQL = "/graphql"


def gql_page_1() -> list[dict[str, Any]]:
    """The same PRs 12 and 11 as `scenario.pulls_page_1`, with their details inline."""
    return [
        p.gql_pull(
            12,
            1012,
            "2026-02-12T12:00:00Z",
            title="Add billing export",
            commits=[
                p.gql_commit(
                    "a" * 40,
                    "Add export\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
                ),
                # no GitHub account for this author: REST has the list, so PR 12's commits
                # come from REST
                p.gql_commit("c" * 40, "Fix tests", login=None),
            ],
            reviews=[p.gql_review(80)],
            files=[p.gql_file("src/a.py", 10, 2), p.gql_file("src/b.py", 5, 0, "ADDED")],
        ),
        p.gql_pull(
            11,
            1011,
            "2026-02-11T12:00:00Z",
            labels=["ai-assisted", "bug"],
            author=p.gql_actor("copilot-swe-agent", "Bot"),
            commits=[p.gql_commit("d" * 40, "Fix bug")],
            reviews=[p.gql_review(81, "COMMENTED")],
            files=[p.gql_file("src/c.py", 3, 1)],
        ),
    ]


def gql_page_2() -> list[dict[str, Any]]:
    return [
        p.gql_pull(
            10,
            1010,
            "2026-02-10T12:00:00Z",
            state="OPEN",
            merged_at=None,
            commits=[p.gql_commit("e" * 40, "WIP")],
            files=[p.gql_file("README.md", 1, 1)],
        )
    ]


DEPLOYMENTS_OP = "op=Deployments"


def gql_deployments() -> list[dict[str, Any]]:
    """The same deployments 502 and 501 as the scenario's REST list, statuses inline."""
    return [
        p.gql_deployment(
            502,
            "m" + "0" * 37 + "12",
            [p.gql_deployment_status(9003, "success", "2026-02-12T13:05:00Z")],
        ),
        p.gql_deployment(
            501,
            "f" * 40,
            [
                p.gql_deployment_status(9002, "success", "2026-02-10T13:05:00Z"),
                p.gql_deployment_status(9001, "in_progress", "2026-02-10T13:01:00Z"),
            ],
        ),
    ]


def script_graphql(api: FakeApi) -> None:
    """The standard scenario (REST routes for the rest of the source) plus its GraphQL pages."""
    script(api)
    api.add(GRAPHQL, p.gql_page(gql_page_1(), next_cursor="Y3Vyc29yOnYyOjI="))
    api.add(GRAPHQL, p.gql_page(gql_page_2()))
    api.add(GRAPHQL, p.gql_deployments_page(gql_deployments()), query=DEPLOYMENTS_OP)


def load_graphql(api: FakeApi, **kwargs: Any) -> LoadSummary:
    options: dict[str, Any] = {
        "org": "acme",
        "base_url": api.url,
        "token": TOKEN,
        "pulls_api": "graphql",
    }
    options.update(kwargs)
    return run_source(NAME, source(**options), printer=lambda _line: None)


def posts(api: FakeApi, operation: str = "PullRequests") -> list[Any]:
    return [
        r
        for r in api.requests
        if r.method == "POST" and r.body["query"].startswith(f"query {operation}(")
    ]


# -- mapping --------------------------------------------------------------------------------
def test_graphql_nodes_shape_to_the_same_rows_as_rest_items() -> None:
    node = p.gql_pull(
        11,
        3_000_000_001,  # past the 32-bit `databaseId`: fullDatabaseId is a string
        "2026-02-11T12:00:00Z",
        labels=["bug"],
        author=p.gql_actor("dependabot", "Bot"),
        commits=[p.gql_commit("d" * 40, "Fix bug")],
        reviews=[p.gql_review(81, "COMMENTED")],
        files=[p.gql_file("src/c.py", 3, 1), p.gql_file("old.py", 0, 7, "DELETED")],
    )
    mapped = graphql.rest_pull(node)
    row = settings.PULL_REQUESTS.shape({**mapped, "repository_full_name": "acme/api"})

    assert row["id"] == 3_000_000_001
    assert (row["number"], row["state"], row["draft"]) == (11, "closed", False)
    assert (row["user__login"], row["user__type"]) == ("dependabot[bot]", "Bot")
    assert row["merge_commit_sha"] == "m" + "0" * 37 + "11"
    assert (row["head__sha"], row["head__ref"], row["base__ref"]) == (
        "h" + "0" * 37 + "11",
        "feature-11",
        "main",
    )
    # 3 + 0 added, 1 + 7 deleted, two files (hand-summed)
    assert (row["additions"], row["deletions"], row["changed_files"]) == (3, 8, 2)
    assert row["labels"] == [{"name": "bug"}]

    children = mapped[graphql.CHILDREN]
    rest_rows = {
        "pull_request_commits": [p.pr_commit("d" * 40, "Fix bug")],
        "pull_request_reviews": [p.review(81, "COMMENTED")],
        "pull_request_files": [
            p.pr_file("src/c.py", 3, 1),
            p.pr_file("old.py", 0, 7, "removed"),
        ],
    }
    specs = {
        "pull_request_commits": settings.PULL_REQUEST_COMMITS,
        "pull_request_reviews": settings.PULL_REQUEST_REVIEWS,
        "pull_request_files": settings.PULL_REQUEST_FILES,
    }
    extra = {"repository_full_name": "acme/api", "pull_number": 11}
    for table, spec in specs.items():
        from_graphql = [spec.shape({**item, **extra}) for item in children[table]]
        from_rest = [spec.shape({**item, **extra}) for item in rest_rows[table]]
        assert from_graphql == from_rest, table
    assert [f["status"] for f in children["pull_request_files"]] == ["modified", "removed"]
    assert [f["changes"] for f in children["pull_request_files"]] == [4, 7]


def test_open_pr_state_body_and_test_merge_commit() -> None:
    node = p.gql_pull(10, 1010, "2026-02-10T12:00:00Z", state="OPEN", merged_at=None)
    node["body"] = ""
    row = settings.PULL_REQUESTS.shape(
        {**graphql.rest_pull(node), "repository_full_name": "acme/api"}
    )
    assert (row["state"], row["merged_at"], row["body"]) == ("open", None, None)
    # REST reports GitHub's test merge commit for an unmerged PR: potentialMergeCommit
    assert row["merge_commit_sha"] == "m" + "0" * 37 + "10"


def test_graphql_url_is_derived_from_the_rest_base_url() -> None:
    assert graphql.graphql_url_for("https://api.github.com") == "https://api.github.com/graphql"
    assert (
        graphql.graphql_url_for("https://ghe.acme.io/api/v3/") == "https://ghe.acme.io/api/graphql"
    )


# -- the source over HTTP ---------------------------------------------------------------------
def test_graphql_transport_loads_the_scenario_with_hand_checked_values(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script_graphql(fake_api)

    summary = load_graphql(fake_api)

    assert summary.row_counts == EXPECTED_COUNTS
    assert counts(warehouse) == EXPECTED_COUNTS
    assert query(
        warehouse,
        "select number, additions, deletions, changed_files from raw_github.pull_requests order by number",
    ) == [(10, 1, 1, 1), (11, 3, 1, 1), (12, 15, 2, 2)]
    assert query(
        warehouse, "select user__login, user__type from raw_github.pull_requests where number = 11"
    ) == [("copilot-swe-agent", "Bot")]
    # two POSTs (two pages), the second after the first page's endCursor
    sent = posts(fake_api)
    assert [r.body["variables"]["after"] for r in sent] == [None, "Y3Vyc29yOnYyOjI="]
    assert sent[0].body["variables"] == {
        "owner": "acme",
        "name": "api",
        "first": 100,
        "after": None,
    }
    assert "orderBy: {field: UPDATED_AT, direction: DESC}" in sent[0].body["query"]
    assert sent[0].headers["Authorization"] == f"Bearer {TOKEN}"
    # no per-PR REST requests except PR 12's commits (an author with no GitHub account)
    assert fake_api.hits(f"{BASE}/pulls") == []
    assert len(fake_api.hits(f"{BASE}/pulls/12/commits")) == 1
    for number in (10, 11, 12):
        assert fake_api.hits(f"{BASE}/pulls/{number}/files") == []
        assert fake_api.hits(f"{BASE}/pulls/{number}/reviews") == []
    assert fake_api.hits(f"{BASE}/pulls/11/commits") == []


def test_a_pr_with_more_than_100_files_gets_all_of_them_from_rest(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    first_100 = [p.gql_file(f"src/f{i:03}.py", 1, 0) for i in range(100)]
    node = p.gql_pull(
        12, 1012, "2026-02-12T12:00:00Z", files=first_100, files_more=True, reviews=[]
    )
    node["additions"], node["changedFiles"] = 101, 101  # GitHub's totals count all 101
    fake_api.add(GRAPHQL, p.gql_page([node]))
    rest_files = [p.pr_file(f"src/f{i:03}.py", 1, 0) for i in range(101)]
    fake_api.routes[(f"{BASE}/pulls/12/files", None)] = []
    fake_api.add(
        f"{BASE}/pulls/12/files",
        rest_files[:100],
        headers={"Link": fake_api.link(f"{BASE}/pulls/12/files", "page=2")},
    )
    fake_api.add(f"{BASE}/pulls/12/files", rest_files[100:], query="page=2")

    load_graphql(fake_api)

    assert query(
        warehouse,
        "select count(*), count(distinct filename), max(filename) from raw_github.pull_request_files",
    ) == [(101, 101, "src/f100.py")]
    assert query(warehouse, "select changed_files from raw_github.pull_requests") == [(101,)]
    assert len(fake_api.hits(f"{BASE}/pulls/12/files")) == 2  # both REST pages, once
    assert fake_api.hits(f"{BASE}/pulls/12/reviews") == []  # complete in GraphQL


def test_second_run_stops_paging_at_the_cursor(warehouse: Path, fake_api: FakeApi) -> None:
    script_graphql(fake_api)
    load_graphql(fake_api)
    before = counts(warehouse)
    fake_api.requests.clear()
    fake_api.routes.pop((GRAPHQL, None))
    script_graphql(fake_api)

    summary = load_graphql(fake_api)

    assert summary.total_rows == 0
    assert counts(warehouse) == before
    # page 1 reaches PRs older than the cursor: page 2 is not requested
    assert [r.body["variables"]["after"] for r in posts(fake_api)] == [None]
    assert fake_api.hits(f"{BASE}/pulls/12/commits") == []


def test_graphql_errors_raise_a_clear_source_error_and_load_nothing(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.add(
        GRAPHQL,
        {
            "data": {"repository": None},
            "errors": [
                {
                    "type": "NOT_FOUND",
                    "path": ["repository"],
                    "locations": [{"line": 2, "column": 3}],
                    "message": "Could not resolve to a Repository with the name 'acme/api'.",
                }
            ],
        },
    )

    with pytest.raises(SourceError) as caught:
        load_graphql(fake_api)

    text = str(caught.value)
    assert text.startswith("[github]") or "github" in text
    assert "repository.pullRequests of acme/api (page 1)" in text
    assert "NOT_FOUND at repository: Could not resolve" in text
    assert TOKEN not in text
    assert not warehouse.exists() or not _has_table(warehouse, "pull_requests")


def test_a_malformed_graphql_node_names_table_key_and_field(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    node = p.gql_pull(12, 1012, "2026-02-12T12:00:00Z")
    node["updatedAt"] = "yesterday"
    fake_api.add(GRAPHQL, p.gql_page([node]))

    with pytest.raises(MalformedRecordError) as caught:
        load_graphql(fake_api)

    text = str(caught.value)
    assert "pull_requests" in text and "1012" in text and "updated_at" in text
    assert not warehouse.exists() or not _has_table(warehouse, "pull_requests")


def test_an_unknown_pulls_api_is_refused() -> None:
    with pytest.raises(SourceError, match=r"pulls_api.*rest, graphql.*'soap'"):
        source(org="acme", base_url="http://127.0.0.1:9", token=TOKEN, pulls_api="soap")


# -- REST and GraphQL load identical raw tables -----------------------------------------------
def _has_table(db: Path, table: str) -> bool:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'raw_github' and table_name = ?",
                [table],
            ).fetchone()[0]
        )
    finally:
        con.close()


def _load(options: dict[str, Any], root: Path) -> Path:
    db = root / "warehouse.duckdb"
    run_source(
        NAME,
        source(**options),
        db_path=db,
        state_dir=root / "pipelines",
        printer=lambda _line: None,
    )
    return db


def raw_differences(rest_db: Path, graphql_db: Path) -> dict[str, tuple[int, int, int]]:
    """Per raw table: (rows, rows only REST loaded, rows only GraphQL loaded), `_dlt_*` aside.

    Columns and their types must match; child tables compare through their parent's key.
    """
    con = duckdb.connect()
    con.execute(f"attach '{rest_db}' as rest (read_only)")
    con.execute(f"attach '{graphql_db}' as gql (read_only)")

    def columns(catalog: str, table: str) -> list[tuple[str, str]]:
        return con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = ? and table_schema = 'raw_github' and table_name = ? "
            "order by column_name",
            [catalog, table],
        ).fetchall()

    tables = [
        t
        for (t,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'rest' "
            "and table_schema = 'raw_github' and table_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
    ]
    out: dict[str, tuple[int, int, int]] = {}
    for table in tables:
        assert columns("rest", table) == columns("gql", table), table
        names = ", ".join(f'"{c}"' for c, _ in columns("rest", table) if not c.startswith("_dlt"))

        def select(db: str, table: str = table, names: str = names) -> str:
            if table == "pull_requests__labels":
                return (
                    f"select parent.id, child.name from {db}.raw_github.{table} child join "
                    f"{db}.raw_github.pull_requests parent on child._dlt_parent_id = parent._dlt_id"
                )
            if table == "commits__parents":
                return (
                    f"select parent.sha, child.sha from {db}.raw_github.{table} child join "
                    f"{db}.raw_github.commits parent on child._dlt_parent_id = parent._dlt_id"
                )
            return f"select {names} from {db}.raw_github.{table}"

        def count(sql: str) -> int:
            return int(con.execute(f"select count(*) from ({sql})").fetchone()[0])

        out[table] = (
            count(select("rest")),
            count(f"{select('rest')} except all {select('gql')}"),
            count(f"{select('gql')} except all {select('rest')}"),
        )
    con.close()
    return out


def test_rest_and_graphql_load_identical_raw_tables_on_the_scenario(tmp_path: Path) -> None:
    with FakeApi() as rest_api:
        script(rest_api)
        rest_db = _load({"org": "acme", "base_url": rest_api.url, "token": TOKEN}, tmp_path / "r")
    with FakeApi() as gql_api:
        script_graphql(gql_api)
        options = {
            "org": "acme",
            "base_url": gql_api.url,
            "token": TOKEN,
            "pulls_api": "graphql",
            "deployments_api": "graphql",
        }
        graphql_db = _load(options, tmp_path / "g")
        # nothing per deployment was read by REST
        assert [r for r in gql_api.requests if "/deployments" in r.path] == []

    differences = raw_differences(rest_db, graphql_db)

    assert set(differences) >= set(EXPECTED_COUNTS)
    assert {t: d for t, d in differences.items() if d[1] or d[2]} == {}
    assert differences["pull_request_files"][0] == 4
    assert differences["deployments"][0] == 2
    assert differences["deployment_statuses"][0] == 3


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingestion.demo.generator import generate

    root = tmp_path_factory.mktemp("graphql_demo")
    generate(root, seed=5, teams=2, team_size=(5, 6), months=4)
    return root


@pytest.fixture(scope="module")
def demo_api(demo_data: Path) -> Iterator[Any]:
    from ingestion.demo.server import serve

    with serve(demo_data) as handle:
        yield handle


def test_rest_and_graphql_load_identical_raw_tables_on_demo_data(
    demo_api: Any, tmp_path: Path
) -> None:
    options = {"org": "acme", "base_url": demo_api.github_url, "token": "demo-token"}
    rest_db = _load(options, tmp_path / "r")
    before = demo_api.request_count
    graphql_db = _load(
        {**options, "pulls_api": "graphql", "deployments_api": "graphql"}, tmp_path / "g"
    )
    graphql_requests = demo_api.request_count - before

    differences = raw_differences(rest_db, graphql_db)

    assert {t: d for t, d in differences.items() if d[1] or d[2]} == {}
    pulls = differences["pull_requests"][0]
    assert pulls > 50 and differences["pull_request_files"][0] > pulls
    # the PRs' details came with their pages, not as three requests per PR
    assert demo_api.hits["/github/graphql"] >= 1
    assert graphql_requests < pulls
    deployments = differences["deployments"][0]
    assert deployments > 20 and differences["deployment_statuses"][0] > deployments
    assert demo_api.hits["/github/graphql"] >= 1
    # no REST request per deployment for its statuses
    assert graphql_requests < deployments


# -- deployments and their statuses by GraphQL (deployments_api="graphql") --------------------
def test_database_id_reads_real_github_node_ids() -> None:
    # (node_id, id) pairs as GitHub's REST API reported them side by side
    assert graphql.database_id("DES_kwDOAJy2Ks7-XyW-", "DeploymentStatus", "DES") == 4267648446
    assert graphql.database_id("DES_kwDOCXi6sc6AP7_k", "DeploymentStatus", "DES") == 2151661540
    assert graphql.database_id("DE_kwDOI7y3-c4z15IV", "Deployment", "DE") == 869765653
    assert graphql.database_id("DE_kwDOIfJNb85eiWrx", "Deployment", "DE") == 1586064113
    # legacy IDs: base64("016:DeploymentStatus1")
    assert graphql.database_id("MDE2OkRlcGxveW1lbnRTdGF0dXMx", "DeploymentStatus", "DES") == 1
    # another type's ID, or anything unreadable: None (the caller reads REST)
    assert graphql.database_id("MDE2OkRlcGxveW1lbnRTdGF0dXMx", "Deployment", "DE") is None
    assert graphql.database_id("DE_kwDOI7y3-c4z15IV", "DeploymentStatus", "DES") is None
    assert graphql.database_id("DES_not-msgpack", "DeploymentStatus", "DES") is None
    assert graphql.database_id(None, "DeploymentStatus", "DES") is None


def test_deployment_nodes_shape_to_the_same_rows_as_rest_items() -> None:
    node = p.gql_deployment(
        3_000_000_502,  # past GraphQL's Int `databaseId`: read from the node ID
        "a" * 40,
        [
            p.gql_deployment_status(4_267_648_446, "in_progress", "2026-02-10T13:01:00Z"),
            p.gql_deployment_status(9002, "success", "2026-02-10T13:05:00Z"),
        ],
    )
    mapped = graphql.rest_deployment(node)
    repo = {"repository_full_name": "acme/api"}
    row = settings.DEPLOYMENTS_TABLE.shape({**mapped, **repo})
    rest = settings.DEPLOYMENTS_TABLE.shape({**p.deployment(3_000_000_502, "a" * 40), **repo})
    assert row == rest
    assert (row["id"], row["ref"], row["creator__login"]) == (
        3_000_000_502,
        "main",
        "github-actions[bot]",
    )
    assert mapped[graphql.NEEDS_REST] is False
    spec = settings.DEPLOYMENT_STATUSES_TABLE
    extra = {**repo, "deployment_id": 3_000_000_502}
    statuses = [spec.shape({**s, **extra}) for s in mapped[graphql.STATUSES]]
    assert statuses == [
        spec.shape(
            {
                **p.deployment_status(4_267_648_446, 1, "in_progress", "2026-02-10T13:01:00Z"),
                **extra,
            }
        ),
        spec.shape({**p.deployment_status(9002, 1, "success", "2026-02-10T13:05:00Z"), **extra}),
    ]
    assert [s["state"] for s in statuses] == ["in_progress", "success"]


def test_graphql_deployments_load_the_scenario_without_a_request_per_deployment(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script_graphql(fake_api)

    summary = load_graphql(fake_api, deployments_api="graphql")

    assert summary.row_counts == EXPECTED_COUNTS
    assert query(
        warehouse,
        "select deployment_id, id, state from raw_github.deployment_statuses order by id",
    ) == [(501, 9001, "in_progress"), (501, 9002, "success"), (502, 9003, "success")]
    sent = posts(fake_api, "Deployments")
    assert len(sent) == 1
    assert sent[0].body["variables"] == {
        "owner": "acme",
        "name": "api",
        "first": 100,
        "after": None,
    }
    assert "orderBy: {field: CREATED_AT, direction: DESC}" in sent[0].body["query"]
    assert "environments" not in sent[0].body["query"]
    assert [r for r in fake_api.requests if "/deployments" in r.path] == []


def test_graphql_deployments_fall_back_to_rest_per_deployment(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.add(GRAPHQL, p.gql_page(gql_page_1()))
    nodes = gql_deployments()
    # 502: more statuses than one page -> its statuses from REST
    nodes[0]["statuses"]["pageInfo"]["hasNextPage"] = True
    # 501: made from a SHA, so no GraphQL `ref` -> its item from REST (statuses still inline)
    nodes[1]["ref"] = None
    fake_api.add(GRAPHQL, p.gql_deployments_page(nodes), query=DEPLOYMENTS_OP)
    rest_501 = {**p.deployment(501, "f" * 40), "ref": "f" * 40}
    fake_api.add(f"{BASE}/deployments/501", rest_501)

    load_graphql(fake_api, deployments_api="graphql")

    assert query(warehouse, "select id, ref from raw_github.deployments order by id") == [
        (501, "f" * 40),
        (502, "main"),
    ]
    assert query(warehouse, "select count(*) from raw_github.deployment_statuses") == [(3,)]
    assert len(fake_api.hits(f"{BASE}/deployments/502/statuses")) == 1
    assert fake_api.hits(f"{BASE}/deployments/501/statuses") == []
    assert len(fake_api.hits(f"{BASE}/deployments/501")) == 1
    assert fake_api.hits(f"{BASE}/deployments") == []


def test_an_unreadable_status_id_reads_that_deployments_statuses_from_rest(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.add(GRAPHQL, p.gql_page(gql_page_1()))
    nodes = gql_deployments()
    nodes[1]["statuses"]["nodes"][0]["id"] = "opaque-id-of-a-new-format"
    fake_api.add(GRAPHQL, p.gql_deployments_page(nodes), query=DEPLOYMENTS_OP)

    load_graphql(fake_api, deployments_api="graphql")

    assert query(warehouse, "select id from raw_github.deployment_statuses order by id") == [
        (9001,),
        (9002,),
        (9003,),
    ]
    assert len(fake_api.hits(f"{BASE}/deployments/501/statuses")) == 1
    assert fake_api.hits(f"{BASE}/deployments/502/statuses") == []


def test_graphql_deployments_keep_the_rest_state_and_stop_paging(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.add(GRAPHQL, p.gql_page(gql_page_1()))
    nodes = gql_deployments()
    # 502 still in progress: it stays open and is re-read next run
    nodes[0]["statuses"] = p.connection(
        [p.gql_deployment_status(9003, "in_progress", "2026-02-12T13:01:00Z")]
    )
    fake_api.add(GRAPHQL, p.gql_deployments_page(nodes), query=DEPLOYMENTS_OP)
    load_graphql(fake_api, deployments_api="graphql")
    fake_api.requests.clear()
    # next run: 503 is new, 502 has finished, 501 is older than every open or new id
    nodes = gql_deployments()
    newer = p.gql_deployment(
        503, "b" * 40, [p.gql_deployment_status(9004, "success", "2026-02-13T13:05:00Z")]
    )
    nodes[0]["statuses"] = p.connection(
        [
            p.gql_deployment_status(9005, "success", "2026-02-12T13:09:00Z"),
            p.gql_deployment_status(9003, "in_progress", "2026-02-12T13:01:00Z"),
        ]
    )
    fake_api.routes[(GRAPHQL, DEPLOYMENTS_OP)] = []
    fake_api.add(
        GRAPHQL,
        p.gql_deployments_page([newer, nodes[0]], next_cursor="Y3Vyc29yOnYyOjI="),
        query=DEPLOYMENTS_OP,
    )
    fake_api.add(GRAPHQL, p.gql_deployments_page([nodes[1]]), query=DEPLOYMENTS_OP)

    summary = load_graphql(fake_api, deployments_api="graphql")

    assert summary.row_counts["deployments"] == 2  # 503 new, 502 re-read
    assert query(
        warehouse,
        "select deployment_id, id, state from raw_github.deployment_statuses order by id",
    ) == [
        (501, 9001, "in_progress"),
        (501, 9002, "success"),
        (502, 9003, "in_progress"),
        (503, 9004, "success"),
        (502, 9005, "success"),
    ]
    # page 1 reached 502 (the lowest open id): page 2 is not requested
    assert [r.body["variables"]["after"] for r in posts(fake_api, "Deployments")] == [None]


def test_graphql_deployments_errors_name_repository_field_and_rule(
    warehouse: Path, fake_api: FakeApi
) -> None:
    script(fake_api)
    fake_api.add(GRAPHQL, p.gql_page(gql_page_1()))
    fake_api.add(
        GRAPHQL,
        {
            "data": None,
            "errors": [
                {
                    "type": "EXCESSIVE_PAGINATION",
                    "path": ["repository", "deployments"],
                    "message": "Requesting 500 records on the `deployments` connection exceeds "
                    "the `first` limit of 100 records.",
                }
            ],
        },
        query=DEPLOYMENTS_OP,
    )

    with pytest.raises(SourceError) as caught:
        load_graphql(fake_api, deployments_api="graphql")

    text = str(caught.value)
    assert "GraphQL repository.deployments of acme/api (page 1)" in text
    assert "EXCESSIVE_PAGINATION at repository.deployments: Requesting 500" in text
    assert TOKEN not in text
    assert not warehouse.exists() or not _has_table(warehouse, "deployments")


def test_an_unknown_deployments_api_is_refused() -> None:
    with pytest.raises(SourceError, match=r"deployments_api.*rest, graphql.*'soap'"):
        source(org="acme", base_url="http://127.0.0.1:9", token=TOKEN, deployments_api="soap")
