"""GitHub GraphQL (v4) transport for pull requests: one request per page of PRs.

REST v3 needs four requests per PR (the list, then its commits, reviews and files);
GraphQL returns a page of up to 100 PRs with their labels, commits, reviews and files
in one POST to `{graphql_url}` (`https://api.github.com/graphql`, or
`https://HOST/api/graphql` on GitHub Enterprise Server). This module holds the query
and the mapping of every GraphQL node to the REST v3 item the REST path reads, so
`settings.PULL_REQUESTS` & co. shape both into identical rows.

Mapping (GraphQL -> REST field):
- pull request: `fullDatabaseId` -> `id` (a BigInt, sent as a string; `databaseId` is an
  Int and deprecated), `state` OPEN/CLOSED/MERGED -> `open`/`closed`/`closed`,
  `isDraft` -> `draft`, `author{__typename login}` -> `user{type login}`,
  `mergeCommit.oid` (else `potentialMergeCommit.oid`, GitHub's test merge, as REST
  reports for unmerged PRs) -> `merge_commit_sha`, `headRefOid`/`headRefName`/
  `baseRefName` -> `head.sha`/`head.ref`/`base.ref`, `changedFiles` -> `changed_files`,
  an empty `body` -> null (REST sends null, GraphQL `""`).
- commit: `commit.oid`/`message`/`authoredDate`/`committedDate` -> `sha`/
  `commit.message`/`commit.author.date`/`commit.committer.date`;
  `commit.author.user.login` -> `author.login` with `author.type` `User`.
- review: `fullDatabaseId` -> `id`, `author` -> `user`, `commit.oid` -> `commit_id`.
- file: `path` -> `filename`, `changeType` ADDED/DELETED/MODIFIED/RENAMED/COPIED/CHANGED ->
  `status` added/removed/modified/renamed/copied/changed, `changes` = additions + deletions.
- bots: GraphQL's `Bot.login` lacks REST's `[bot]` suffix (`dependabot` vs
  `dependabot[bot]`); it is added back, except for the logins in `BOT_REST_LOGINS`.

What GraphQL cannot give, and how it is filled instead:
- `commit.author.user` is a `User`, so a commit by a bot (or by an email linked to no
  account) has no author there; REST names the bot. Such a PR's commits come from the
  REST per-PR list instead (`needs_rest` below), as do the commits, reviews, files or
  labels of a PR with more than `NESTED_FIRST` of them (`pageInfo.hasNextPage`):
  nothing is silently truncated.
- REST's `unchanged` file status has no GraphQL counterpart (GitHub lists only changed
  files in a PR's diff, so it does not occur there).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import Any

from ingestion.common.errors import SourceError
from ingestion.common.http import ApiClient
from ingestion.sources.github import settings

#: the per-PR connections read in the same request (GitHub's maximum page size)
NESTED_FIRST = 100
#: the raw tables the nested connections feed, by connection name
CHILD_TABLES = {
    "commits": settings.PULL_REQUEST_COMMITS.table,
    "reviews": settings.PULL_REQUEST_REVIEWS.table,
    "files": settings.PULL_REQUEST_FILES.table,
}
#: GraphQL `Bot.login` -> the login REST reports, where it is not `<login>[bot]`
#: (the Copilot coding agent; `seeds/bot_accounts.csv` lists both forms)
BOT_REST_LOGINS = {"copilot-swe-agent": "copilot-swe-agent"}
FILE_STATUS = {
    "ADDED": "added",
    "DELETED": "removed",
    "MODIFIED": "modified",
    "RENAMED": "renamed",
    "COPIED": "copied",
    "CHANGED": "changed",
}
PR_STATE = {"OPEN": "open", "CLOSED": "closed", "MERGED": "closed"}
#: the key of a mapped PR holding its children (REST items, or None: fetch them by REST)
CHILDREN = "_graphql_children"

_PAGE_INFO = "pageInfo { hasNextPage endCursor }"
PULLS_QUERY = f"""query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {{
  repository(owner: $owner, name: $name) {{
    pullRequests(first: $first, after: $after, orderBy: {{field: UPDATED_AT, direction: DESC}},
                 states: [OPEN, CLOSED, MERGED]) {{
      {_PAGE_INFO}
      nodes {{
        fullDatabaseId number state isDraft title body
        author {{ __typename login }}
        createdAt updatedAt closedAt mergedAt
        mergeCommit {{ oid }}
        potentialMergeCommit {{ oid }}
        headRefOid headRefName baseRefName
        additions deletions changedFiles
        labels(first: {NESTED_FIRST}) {{ {_PAGE_INFO} nodes {{ name }} }}
        commits(first: {NESTED_FIRST}) {{
          {_PAGE_INFO}
          nodes {{ commit {{ oid message authoredDate committedDate author {{ user {{ login }} }} }} }}
        }}
        reviews(first: {NESTED_FIRST}) {{
          {_PAGE_INFO}
          nodes {{ fullDatabaseId author {{ __typename login }} state submittedAt commit {{ oid }} }}
        }}
        files(first: {NESTED_FIRST}) {{ {_PAGE_INFO} nodes {{ path additions deletions changeType }} }}
      }}
    }}
  }}
}}"""


def graphql_url_for(base_url: str) -> str:
    """The GraphQL endpoint next to a REST base URL (`.../api/v3` -> `.../api/graphql`)."""
    base = base_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base.removesuffix("/v3") + "/graphql"
    return base + "/graphql"


# -- node -> REST item ----------------------------------------------------------------------
def rest_enum(names: Mapping[str, str], value: Any) -> Any:
    """A GraphQL enum value as REST spells it: `names`' entry, else lower-cased (a value
    that is not text stays as it is, for `TableSpec.shape` to report)."""
    if not isinstance(value, str):
        return value
    return names.get(value, value.lower())


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def rest_user(actor: Any) -> dict[str, Any] | None:
    """A GraphQL `Actor` (`__typename`, `login`) as REST's `user` object."""
    if not isinstance(actor, Mapping):
        return None
    kind, login = actor.get("__typename"), actor.get("login")
    if kind == "Bot" and isinstance(login, str) and not login.endswith("[bot]"):
        login = BOT_REST_LOGINS.get(login, f"{login}[bot]")
    return {"login": login, "type": kind}


def _connection(node: Mapping[str, Any], name: str) -> tuple[list[Any], bool]:
    """(nodes, complete) of a nested connection; complete is False past its first page."""
    conn = _obj(node.get(name))
    nodes = conn.get("nodes")
    complete = not _obj(conn.get("pageInfo")).get("hasNextPage") and isinstance(nodes, list)
    return (nodes if isinstance(nodes, list) else []), complete


def rest_commit(node: Any) -> Any:
    commit = _obj(node).get("commit")
    if not isinstance(commit, Mapping):
        return node  # TableSpec.shape names what is wrong
    user = _obj(_obj(commit.get("author")).get("user"))
    return {
        "sha": commit.get("oid"),
        "commit": {
            "message": commit.get("message"),
            "author": {"date": commit.get("authoredDate")},
            "committer": {"date": commit.get("committedDate")},
        },
        "author": {"login": user["login"], "type": "User"} if user.get("login") else None,
    }


def rest_review(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    return {
        "id": node.get("fullDatabaseId"),
        "user": rest_user(node.get("author")),
        "state": node.get("state"),
        "submitted_at": node.get("submittedAt"),
        "commit_id": _obj(node.get("commit")).get("oid"),
    }


def rest_file(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    additions, deletions = node.get("additions"), node.get("deletions")
    changes = None
    if isinstance(additions, int) and isinstance(deletions, int):
        changes = additions + deletions
    change = node.get("changeType")
    return {
        "filename": node.get("path"),
        "status": rest_enum(FILE_STATUS, change),
        "additions": additions,
        "deletions": deletions,
        "changes": changes,
    }


def needs_rest(connection: str, items: list[Any]) -> bool:
    """Whether a complete first page still lacks what REST reports (a bot's commits)."""
    if connection != "commits":
        return False
    return any(isinstance(item, Mapping) and item.get("author") is None for item in items)


def rest_pull(node: Any) -> Any:
    """A `pullRequests` node as a REST list item, its children under `CHILDREN`.

    `labels` is None when the PR has more labels than one page holds (fetch them by REST);
    a child list is None when it must come from the REST per-PR list.
    """
    if not isinstance(node, Mapping):
        return node
    state = node.get("state")
    merge = _obj(node.get("mergeCommit")).get("oid") or _obj(node.get("potentialMergeCommit")).get(
        "oid"
    )
    labels, labels_complete = _connection(node, "labels")
    children: dict[str, list[Any] | None] = {}
    for connection, table in CHILD_TABLES.items():
        nodes, complete = _connection(node, connection)
        mapper = {"commits": rest_commit, "reviews": rest_review, "files": rest_file}[connection]
        items = [mapper(item) for item in nodes]
        children[table] = items if complete and not needs_rest(connection, items) else None
    return {
        "id": node.get("fullDatabaseId"),
        "number": node.get("number"),
        "state": rest_enum(PR_STATE, state),
        "draft": node.get("isDraft"),
        "title": node.get("title"),
        "body": node.get("body") or None,
        "user": rest_user(node.get("author")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "closed_at": node.get("closedAt"),
        "merged_at": node.get("mergedAt"),
        "merge_commit_sha": merge,
        "head": {"sha": node.get("headRefOid"), "ref": node.get("headRefName")},
        "base": {"ref": node.get("baseRefName")},
        "additions": node.get("additions"),
        "deletions": node.get("deletions"),
        "changed_files": node.get("changedFiles"),
        "labels": [{"name": _obj(label).get("name")} for label in labels]
        if labels_complete
        else None,
        CHILDREN: children,
    }


# -- deployments and their statuses ---------------------------------------------------------
#: `Deployment.statuses` read in the same request; a deployment with more comes from REST
STATUSES_FIRST = 100
DEPLOYMENT_STATE = {
    "ERROR": "error",
    "FAILURE": "failure",
    "INACTIVE": "inactive",
    "PENDING": "pending",
    "SUCCESS": "success",
    "QUEUED": "queued",
    "IN_PROGRESS": "in_progress",
    "WAITING": "waiting",
}
#: the key of a mapped deployment holding its statuses (REST items, or None: fetch by REST)
STATUSES = "_graphql_statuses"
#: the key of a mapped deployment GraphQL could not give whole (fetch the item by REST)
NEEDS_REST = "_graphql_needs_rest"


def deployments_query(environment: str | None) -> str:
    """`repository.deployments` newest first, each with its first page of statuses."""
    declare = ", $environments: [String!]" if environment else ""
    filter_ = ", environments: $environments" if environment else ""
    return f"""query Deployments($owner: String!, $name: String!, $first: Int!, $after: String{declare}) {{
  repository(owner: $owner, name: $name) {{
    deployments(first: $first, after: $after, orderBy: {{field: CREATED_AT, direction: DESC}}{filter_}) {{
      {_PAGE_INFO}
      nodes {{
        id databaseId commitOid ref {{ name }} task environment
        creator {{ __typename login }}
        createdAt updatedAt
        statuses(first: {STATUSES_FIRST}) {{
          {_PAGE_INFO}
          nodes {{ id state environment createdAt }}
        }}
      }}
    }}
  }}
}}"""


def _msgpack_ints(data: bytes) -> list[int] | None:
    """A MessagePack array of integers (the payload of GitHub's new-format node IDs)."""
    if not data or not 0x90 <= data[0] <= 0x9F:
        return None
    count, pos, out = data[0] & 0x0F, 1, []
    sizes = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: -1, 0xD1: -2, 0xD2: -4, 0xD3: -8}
    for _ in range(count):
        if pos >= len(data):
            return None
        tag = data[pos]
        pos += 1
        if tag <= 0x7F:
            out.append(tag)
        elif tag in sizes:
            width = abs(sizes[tag])
            if pos + width > len(data):
                return None
            out.append(int.from_bytes(data[pos : pos + width], "big", signed=sizes[tag] < 0))
            pos += width
        else:
            return None
    return out if pos == len(data) else None


def database_id(node_id: Any, type_name: str, prefix: str) -> int | None:
    """The REST id inside a GraphQL node ID, or None when it cannot be read.

    GitHub's new-format IDs are `<prefix>_` + base64url(MessagePack `[0, <repository id>,
    <id>]`), e.g. `DES_kwDOAJy2Ks7-XyW-` is deployment status 4267648446 (values checked
    against REST answers that carry both `id` and `node_id`); legacy IDs are
    base64(`<len>:<TypeName><id>`), e.g. `MDE2OkRlcGxveW1lbnRTdGF0dXMx` is
    `016:DeploymentStatus1`. GitHub calls node IDs opaque, so anything else is None and
    the caller reads REST instead of guessing.
    """
    if not isinstance(node_id, str) or not node_id:
        return None
    head, sep, payload = node_id.partition("_")
    try:
        if sep and head == prefix:
            ints = _msgpack_ints(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            if ints and len(ints) >= 2 and ints[0] == 0 and ints[-1] > 0:
                return ints[-1]
            return None
        text = base64.b64decode(node_id, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    _, colon, rest = text.partition(":")
    if colon and rest.startswith(type_name) and rest[len(type_name) :].isdigit():
        return int(rest[len(type_name) :])
    return None


def rest_deployment_status(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    state = node.get("state")
    return {
        "id": database_id(node.get("id"), "DeploymentStatus", "DES"),
        "state": rest_enum(DEPLOYMENT_STATE, state),
        "environment": node.get("environment"),
        "created_at": node.get("createdAt"),
    }


def rest_deployment(node: Any) -> Any:
    """A `deployments` node as a REST list item, its statuses under `STATUSES`.

    `id` is read from the node ID (`databaseId` is an Int, too small for GitHub's ids
    in time), else `databaseId`. `ref` is REST's ref name; a deployment created from a
    commit SHA (or whose ref was deleted) has no GraphQL `ref`, so the whole item is
    marked `NEEDS_REST`. Statuses are None (fetch by REST) past their first page or when
    a status ID cannot be read.
    """
    if not isinstance(node, Mapping):
        return node
    dep_id = database_id(node.get("id"), "Deployment", "DE")
    if dep_id is None and isinstance(node.get("databaseId"), int):
        dep_id = node["databaseId"]
    ref = _obj(node.get("ref")).get("name")
    nodes, complete = _connection(node, "statuses")
    statuses = [rest_deployment_status(status) for status in nodes]
    if any(isinstance(s, Mapping) and s.get("id") is None for s in statuses):
        complete = False
    return {
        "id": dep_id,
        "sha": node.get("commitOid"),
        "ref": ref,
        "task": node.get("task"),
        "environment": node.get("environment"),
        "creator": rest_user(node.get("creator")),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        STATUSES: statuses if complete else None,
        NEEDS_REST: ref is None,
    }


# -- requests -------------------------------------------------------------------------------
def _error_text(error: Any) -> str:
    if not isinstance(error, Mapping):
        return repr(error)
    path = ".".join(str(p) for p in error.get("path") or []) or "query"
    kind = error.get("type") or _obj(error.get("extensions")).get("code") or "error"
    return f"{kind} at {path}: {error.get('message')}"


def page_connection(body: Any, repo: str, page: int, field: str) -> Mapping[str, Any]:
    """`data.repository.<field>` of an answer; raise `SourceError` on `errors`."""
    where = f"GraphQL repository.{field} of {repo} (page {page})"
    if not isinstance(body, Mapping):
        raise SourceError(settings.NAME, f"{where}: the answer is not a JSON object")
    errors = body.get("errors")
    if errors:
        listed = errors if isinstance(errors, list) else [errors]
        raise SourceError(
            settings.NAME,
            f"{where} answered {len(listed)} error(s): "
            + "; ".join(_error_text(error) for error in listed[:3]),
        )
    repository = _obj(body.get("data")).get("repository")
    if not isinstance(repository, Mapping):
        raise SourceError(settings.NAME, f"{where}: data.repository is missing (no access?)")
    connection = repository.get(field)
    if not isinstance(connection, Mapping) or not isinstance(connection.get("nodes"), list):
        raise SourceError(settings.NAME, f"{where}: data.repository.{field}.nodes is not a list")
    return connection


def _pages(
    client: ApiClient,
    graphql_url: str,
    query: str,
    variables: dict[str, Any],
    repo: str,
    field: str,
) -> Iterator[list[Any]]:
    """Raw nodes of `repository.<field>`, one list per page, following `endCursor`."""
    variables = {**variables, "after": None}
    page = 0
    while True:
        page += 1
        body = client.post_json(graphql_url, {"query": query, "variables": variables}, page)
        connection = page_connection(body, repo, page, field)
        yield connection["nodes"]
        info = _obj(connection.get("pageInfo"))
        if not info.get("hasNextPage") or not info.get("endCursor"):
            return
        variables = {**variables, "after": info["endCursor"]}


def pull_pages(
    client: ApiClient, graphql_url: str, repo: str, per_page: int
) -> Iterator[list[Any]]:
    """Pages of a repository's PRs, newest-updated first, as REST list items (`rest_pull`).

    The caller stops iterating once a page reaches its cursor, so older pages are not read.
    """
    owner, _, name = repo.partition("/")
    variables = {"owner": owner, "name": name, "first": max(1, min(per_page, 100))}
    for nodes in _pages(client, graphql_url, PULLS_QUERY, variables, repo, "pullRequests"):
        yield [rest_pull(node) for node in nodes]


def deployment_pages(
    client: ApiClient, graphql_url: str, repo: str, per_page: int, environment: str | None
) -> Iterator[list[Any]]:
    """Pages of a repository's deployments, newest first, as REST items (`rest_deployment`).

    The caller stops iterating once a page reaches the ids it has already settled.
    """
    owner, _, name = repo.partition("/")
    variables: dict[str, Any] = {"owner": owner, "name": name, "first": max(1, min(per_page, 100))}
    if environment:
        variables["environments"] = [environment]
    query = deployments_query(environment)
    for nodes in _pages(client, graphql_url, query, variables, repo, "deployments"):
        yield [rest_deployment(node) for node in nodes]
