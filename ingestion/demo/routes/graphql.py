"""GitHub GraphQL (v4): the github source's pull-request and deployment queries."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingestion.demo.server import DemoWorld


# -- GitHub GraphQL (v4): the github source's pull-request query ---------------------------
GRAPHQL_MAX_FIRST = 100
_GRAPHQL_STATES = {"open": "OPEN", "closed": "CLOSED"}
_GRAPHQL_CHANGE = {
    "added": "ADDED",
    "removed": "DELETED",
    "modified": "MODIFIED",
    "renamed": "RENAMED",
    "copied": "COPIED",
    "changed": "CHANGED",
}
_NESTED = re.compile(r"\b(labels|commits|reviews|files|statuses)\s*\(\s*first\s*:\s*(\d+)")
_DEPLOYMENTS = re.compile(r"\bdeployments\s*\(")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_DEPLOYMENT_STATES = {"in_progress": "IN_PROGRESS"}


def _gql_error(message: str, **extra: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, **extra}]}


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:v2:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    text = base64.b64decode(cursor.encode(), validate=True).decode()
    if not text.startswith("cursor:v2:"):
        raise ValueError(cursor)
    return int(text.removeprefix("cursor:v2:"))


def _connection(items: list[Any], first: int, offset: int = 0) -> dict[str, Any]:
    chunk = items[offset : offset + first]
    return {
        "pageInfo": {
            "hasNextPage": offset + first < len(items),
            "endCursor": _cursor(offset + len(chunk)) if chunk else None,
        },
        "nodes": chunk,
    }


def node_id(prefix: str, repo_id: int, object_id: int) -> str:
    """GitHub's new-format node ID: `<prefix>_` + base64url(MessagePack `[0, repo, id]`)."""
    packed = bytearray([0x93])
    for value in (0, repo_id, object_id):
        if value <= 0x7F:
            packed.append(value)
        else:
            width, tag = next(
                (w, t)
                for w, t in ((1, 0xCC), (2, 0xCD), (4, 0xCE), (8, 0xCF))
                if value < 1 << (8 * w)
            )
            packed += bytes([tag]) + value.to_bytes(width, "big")
    return f"{prefix}_" + base64.urlsafe_b64encode(bytes(packed)).decode().rstrip("=")


def _deployment_node(
    deployment: dict[str, Any], statuses: list[dict[str, Any]], repo_id: int, first: int
) -> dict[str, Any]:
    ref = deployment.get("ref")
    dep_id = int(deployment["id"])
    return {
        "id": node_id("DE", repo_id, dep_id),
        # `databaseId` is a GraphQL Int: null past 2**31 - 1 here
        "databaseId": dep_id if dep_id < 2**31 else None,
        "commitOid": deployment["sha"],
        # a deployment made from a SHA has no Ref
        "ref": {"name": ref} if ref and not _SHA.match(ref) else None,
        "task": deployment.get("task"),
        "environment": deployment.get("environment"),
        "creator": _actor(deployment.get("creator")),
        "createdAt": deployment["created_at"],
        "updatedAt": deployment.get("updated_at"),
        "statuses": _connection(
            [
                {
                    "id": node_id("DES", repo_id, int(status["id"])),
                    "state": _DEPLOYMENT_STATES.get(status["state"], status["state"].upper()),
                    "environment": status.get("environment"),
                    "createdAt": status["created_at"],
                }
                for status in statuses
            ],
            first,
        ),
    }


def _actor(user: Any) -> dict[str, Any] | None:
    """A REST user as a GraphQL `Actor`: bots' logins lose REST's `[bot]` suffix."""
    if not isinstance(user, dict):
        return None
    kind = user.get("type") or "User"
    login = str(user.get("login"))
    return {"__typename": kind, "login": login.removesuffix("[bot]") if kind == "Bot" else login}


def _pull_node(pr: dict[str, Any], details: dict[str, Any], firsts: dict[str, int]) -> Any:
    files = details["files"]
    merged = pr.get("merged_at") is not None
    sha = pr.get("merge_commit_sha")
    node: dict[str, Any] = {
        "fullDatabaseId": str(pr["id"]),
        "number": pr["number"],
        "state": "MERGED" if merged else _GRAPHQL_STATES.get(pr["state"], pr["state"].upper()),
        "isDraft": bool(pr.get("draft")),
        "title": pr.get("title"),
        "body": pr.get("body") or "",
        "author": _actor(pr.get("user")),
        "createdAt": pr["created_at"],
        "updatedAt": pr["updated_at"],
        "closedAt": pr.get("closed_at"),
        "mergedAt": pr.get("merged_at"),
        "mergeCommit": {"oid": sha} if merged and sha else None,
        "potentialMergeCommit": {"oid": sha} if not merged and sha else None,
        "headRefOid": pr["head"]["sha"],
        "headRefName": pr["head"]["ref"],
        "baseRefName": pr["base"]["ref"],
        "additions": sum(f["additions"] for f in files),
        "deletions": sum(f["deletions"] for f in files),
        "changedFiles": len(files),
    }
    nested: dict[str, list[Any]] = {
        "labels": [{"name": label["name"]} for label in pr.get("labels") or []],
        "commits": [
            {
                "commit": {
                    "oid": c["sha"],
                    "message": c["commit"]["message"],
                    "authoredDate": c["commit"]["author"]["date"],
                    "committedDate": c["commit"]["committer"]["date"],
                    # GitActor.user is a User: null for a bot (or an unlinked email)
                    "author": {
                        "user": {"login": c["author"]["login"]}
                        if (c.get("author") or {}).get("type") == "User"
                        else None
                    },
                }
            }
            for c in details["commits"]
        ],
        "reviews": [
            {
                "fullDatabaseId": str(r["id"]),
                "author": _actor(r.get("user")),
                "state": r["state"],
                "submittedAt": r.get("submitted_at"),
                "commit": {"oid": r["commit_id"]} if r.get("commit_id") else None,
            }
            for r in details["reviews"]
        ],
        "files": [
            {
                "path": f["filename"],
                "additions": f["additions"],
                "deletions": f["deletions"],
                "changeType": _GRAPHQL_CHANGE.get(f["status"], str(f["status"]).upper()),
            }
            for f in files
        ],
    }
    for name, first in firsts.items():
        node[name] = _connection(nested[name], first)
    return node


def graphql_answer(world: DemoWorld, body: Any) -> dict[str, Any]:
    """GitHub's answer to the github source's `repository.pullRequests` or
    `repository.deployments` query.

    Errors come back as GitHub sends them: HTTP 200 with an `errors` array (and
    `data.repository: null` for an unknown repository).
    """
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _gql_error("A query attribute must be specified and must be a string.")
    query = body["query"]
    field = "deployments" if _DEPLOYMENTS.search(query) else "pullRequests"
    if "repository" not in query or field not in query:
        return _gql_error(
            "This demo server answers only the github source's repository.pullRequests and "
            "repository.deployments queries."
        )
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        return _gql_error("Variables are invalid JSON.")
    problems = [
        f"Variable ${name} of type String! was provided invalid value"
        for name in ("owner", "name")
        if not isinstance(variables.get(name), str)
    ]
    first = variables.get("first")
    if isinstance(first, bool) or not isinstance(first, int):
        problems.append("Variable $first of type Int! was provided invalid value")
    after = variables.get("after")
    if after is not None and not isinstance(after, str):
        problems.append("Variable $after of type String was provided invalid value")
    environments = variables.get("environments")
    if environments is not None and (
        not isinstance(environments, list) or not all(isinstance(e, str) for e in environments)
    ):
        problems.append("Variable $environments of type [String!] was provided invalid value")
    if problems:
        return {
            "errors": [
                {"message": text, "extensions": {"code": "variableMismatch"}} for text in problems
            ]
        }
    assert isinstance(first, int)  # an invalid $first was answered just above
    firsts = {name: int(n) for name, n in _NESTED.findall(query)}
    for name, n in [(field, first), *firsts.items()]:
        if not 1 <= n <= GRAPHQL_MAX_FIRST:
            return _gql_error(
                f"Requesting {n} records on the `{name}` connection exceeds the `first` limit "
                f"of {GRAPHQL_MAX_FIRST} records.",
                type="EXCESSIVE_PAGINATION",
            )
    full_name = f"{variables['owner']}/{variables['name']}"
    if full_name not in world.repo_by_full_name:
        return {
            "data": {"repository": None},
            "errors": [
                {
                    "type": "NOT_FOUND",
                    "path": ["repository"],
                    "message": f"Could not resolve to a Repository with the name '{full_name}'.",
                }
            ],
        }
    try:
        offset = _offset(after) if after else 0
    except ValueError:
        return {
            "data": {"repository": None},
            "errors": [
                {
                    "path": ["repository", field],
                    "message": f"`{after}` does not appear to be a valid cursor.",
                }
            ],
        }
    repo = world.repo(*full_name.split("/", 1))
    if field == "deployments":
        deployments = [
            d for d in repo.deployments if environments is None or d["environment"] in environments
        ]
        deployments.sort(key=lambda d: (d["created_at"], d["id"]), reverse=True)
        page = _connection(deployments, first, offset)
        repo_id = int(world.repo_by_full_name[full_name]["id"])
        page["nodes"] = [
            _deployment_node(
                d, repo.statuses.get(d["id"], []), repo_id, firsts.get("statuses", 100)
            )
            for d in page["nodes"]
        ]
        return {"data": {"repository": {"deployments": page}}}
    pulls = sorted(repo.pulls, key=lambda p: (p["updated_at"], p["number"]), reverse=True)
    page = _connection(pulls, first, offset)
    page["nodes"] = [_pull_node(pr, repo.details[pr["number"]], firsts) for pr in page["nodes"]]
    return {"data": {"repository": {"pullRequests": page}}}
