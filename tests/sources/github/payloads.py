"""Hand-written GitHub REST v3 payloads, trimmed copies of the documented response shapes.

Each builder returns one item as GitHub sends it (including fields the source drops,
such as commit author emails, so tests can prove they are not loaded).
"""

from __future__ import annotations

from typing import Any

from ingestion.demo.server import node_id

ORG = "acme"
REPO = "acme/api"
API = "https://api.github.com"


def user(login: str, user_id: int, kind: str = "User") -> dict[str, Any]:
    return {
        "login": login,
        "id": user_id,
        "node_id": f"MDQ6VXNlcj{user_id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "url": f"{API}/users/{login}",
        "type": kind,
        "site_admin": False,
    }


def repository(repo_id: int = 1296269, name: str = "api", **over: Any) -> dict[str, Any]:
    body = {
        "id": repo_id,
        "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        "name": name,
        "full_name": f"{ORG}/{name}",
        "owner": user(ORG, 9919, "Organization"),
        "private": True,
        "html_url": f"https://github.com/{ORG}/{name}",
        "fork": False,
        "url": f"{API}/repos/{ORG}/{name}",
        "default_branch": "main",
        "archived": False,
        "disabled": False,
        "visibility": "private",
        "pushed_at": "2026-03-01T10:00:00Z",
        "created_at": "2024-01-26T19:01:12Z",
        "updated_at": "2026-03-01T10:00:00Z",
        "size": 108,
    }
    body.update(over)
    return body


def label(name: str, label_id: int) -> dict[str, Any]:
    return {
        "id": label_id,
        "node_id": f"MDU6TGFiZWw{label_id}",
        "url": f"{API}/repos/{REPO}/labels/{name}",
        "name": name,
        "description": f"{name} label",
        "color": "f29513",
        "default": False,
    }


def pull(
    number: int,
    pr_id: int,
    updated_at: str,
    *,
    title: str = "Add feature",
    state: str = "closed",
    merged_at: str | None = "2026-02-10T12:00:00Z",
    labels: list[dict[str, Any]] | None = None,
    author: dict[str, Any] | None = None,
    repo: str = REPO,
) -> dict[str, Any]:
    """A pull request as in `GET /repos/{owner}/{repo}/pulls` (no additions/deletions there)."""
    return {
        "url": f"{API}/repos/{repo}/pulls/{number}",
        "id": pr_id,
        "node_id": f"MDExOlB1bGxSZXF1ZXN0{pr_id}",
        "html_url": f"https://github.com/{repo}/pull/{number}",
        "number": number,
        "state": state,
        "locked": False,
        "title": title,
        "user": author or user("octocat", 1),
        "body": "Please pull these awesome changes\n\nCo-authored-by: Copilot <copilot@github.com>",
        "labels": labels or [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": "2026-02-09T08:00:00Z",
        "updated_at": updated_at,
        "closed_at": merged_at,
        "merged_at": merged_at,
        "merge_commit_sha": f"m{number:039d}",
        "assignee": None,
        "requested_reviewers": [],
        "head": {"label": "octocat:feature", "ref": f"feature-{number}", "sha": f"h{number:039d}"},
        "base": {"label": "acme:main", "ref": "main", "sha": "b" * 40},
        "author_association": "MEMBER",
        "draft": False,
    }


def pr_commit(sha: str, message: str, login: str | None = "octocat") -> dict[str, Any]:
    """An item of `GET /repos/{owner}/{repo}/pulls/{n}/commits` (and of `/commits`)."""
    return {
        "url": f"{API}/repos/{REPO}/commits/{sha}",
        "sha": sha,
        "node_id": "MDY6Q29tbWl0NmRjYjA5YjViNTc4NzVmMzM0ZjYxYWViZWQ2OTVlMmU0MTkzZGI1ZQ==",
        "html_url": f"https://github.com/{REPO}/commit/{sha}",
        "commit": {
            "url": f"{API}/repos/{REPO}/git/commits/{sha}",
            "author": {
                "name": "Mona Octocat",
                "email": "mona@example.com",
                "date": "2026-02-08T09:00:00Z",
            },
            "committer": {
                "name": "Mona Octocat",
                "email": "mona@example.com",
                "date": "2026-02-08T09:30:00Z",
            },
            "message": message,
            "tree": {"url": f"{API}/repos/{REPO}/tree/{sha}", "sha": "t" * 40},
            "comment_count": 0,
        },
        "author": user(login, 1) if login else None,
        "committer": user(login, 1) if login else None,
        "parents": [{"url": f"{API}/repos/{REPO}/commits/{'p' * 40}", "sha": "p" * 40}],
    }


def branch_commit(sha: str, committed_at: str, parents: list[str]) -> dict[str, Any]:
    body = pr_commit(sha, f"commit {sha[:7]}")
    body["commit"]["committer"]["date"] = committed_at
    body["commit"]["author"]["date"] = committed_at
    body["parents"] = [{"url": f"{API}/repos/{REPO}/commits/{p}", "sha": p} for p in parents]
    return body


def review(review_id: int, state: str = "APPROVED", login: str = "hubot") -> dict[str, Any]:
    return {
        "id": review_id,
        "node_id": "MDE3OlB1bGxSZXF1ZXN0UmV2aWV3ODA=",
        "user": user(login, 2),
        "body": "Looks good",
        "state": state,
        "html_url": f"https://github.com/{REPO}/pull/12#pullrequestreview-{review_id}",
        "pull_request_url": f"{API}/repos/{REPO}/pulls/12",
        "author_association": "COLLABORATOR",
        "submitted_at": "2026-02-09T10:00:00Z",
        "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
    }


def pr_file(
    filename: str, additions: int, deletions: int, status: str = "modified"
) -> dict[str, Any]:
    return {
        "sha": "bbcd538c8e72b8c175046e27cc8f907076331401",
        "filename": filename,
        "status": status,
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "blob_url": f"https://github.com/{REPO}/blob/x/{filename}",
        "raw_url": f"https://github.com/{REPO}/raw/x/{filename}",
        "contents_url": f"{API}/repos/{REPO}/contents/{filename}",
        "patch": "@@ -132,7 +132,7 @@ module Test @@ -1000,7 +1000,7 @@ module Test",
    }


def review_comment(
    comment_id: int, number: int, updated_at: str, reply_to: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "url": f"{API}/repos/{REPO}/pulls/comments/{comment_id}",
        "pull_request_review_id": 42,
        "id": comment_id,
        "node_id": "MDI0OlB1bGxSZXF1ZXN0UmV2aWV3Q29tbWVudDEw",
        "diff_hunk": "@@ -16,33 +16,40 @@ public class Connection : IConnection...",
        "path": "file1.txt",
        "commit_id": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
        "user": user("hubot", 2),
        "body": "Great stuff!",
        "created_at": "2026-02-09T09:00:00Z",
        "updated_at": updated_at,
        "html_url": f"https://github.com/{REPO}/pull/{number}#discussion-diff-{comment_id}",
        "pull_request_url": f"{API}/repos/{REPO}/pulls/{number}",
        "author_association": "NONE",
    }
    if reply_to is not None:
        body["in_reply_to_id"] = reply_to
    return body


def deployment(dep_id: int, sha: str, environment: str = "production") -> dict[str, Any]:
    return {
        "url": f"{API}/repos/{REPO}/deployments/{dep_id}",
        "id": dep_id,
        "node_id": "MDEwOkRlcGxveW1lbnQx",
        "sha": sha,
        "ref": "main",
        "task": "deploy",
        "payload": {},
        "original_environment": environment,
        "environment": environment,
        "description": "Deploy request from hubot",
        "creator": user("github-actions[bot]", 41898282, "Bot"),
        "created_at": "2026-02-10T13:00:00Z",
        "updated_at": "2026-02-10T13:05:00Z",
        "statuses_url": f"{API}/repos/{REPO}/deployments/{dep_id}/statuses",
        "repository_url": f"{API}/repos/{REPO}",
        "transient_environment": False,
        "production_environment": environment == "production",
    }


def deployment_status(status_id: int, dep_id: int, state: str, created_at: str) -> dict[str, Any]:
    return {
        "url": f"{API}/repos/{REPO}/deployments/{dep_id}/statuses/{status_id}",
        "id": status_id,
        "node_id": "MDE2OkRlcGxveW1lbnRTdGF0dXMx",
        "state": state,
        "creator": user("github-actions[bot]", 41898282, "Bot"),
        "description": "Deployment finished successfully.",
        "environment": "production",
        "target_url": "https://example.com/deployment/42/output",
        "created_at": created_at,
        "updated_at": created_at,
        "deployment_url": f"{API}/repos/{REPO}/deployments/{dep_id}",
        "repository_url": f"{API}/repos/{REPO}",
        "environment_url": "https://test-branch.lab.acme-corp.com",
        "log_url": "https://example.com/deployment/42/output",
    }


# -- GraphQL v4 (the github source's `repository.pullRequests` query) ----------------------
def page_info(has_next: bool = False, end: str | None = "Y3Vyc29yOnYyOjE=") -> dict[str, Any]:
    return {"hasNextPage": has_next, "endCursor": end}


def connection(nodes: list[Any], has_next: bool = False) -> dict[str, Any]:
    return {"pageInfo": page_info(has_next), "nodes": nodes}


def gql_actor(login: str, kind: str = "User") -> dict[str, Any]:
    """GraphQL `Actor`: a bot's login has no `[bot]` suffix there."""
    return {"__typename": kind, "login": login}


def gql_commit(sha: str, message: str, login: str | None = "octocat") -> dict[str, Any]:
    return {
        "commit": {
            "oid": sha,
            "message": message,
            "authoredDate": "2026-02-08T09:00:00Z",
            "committedDate": "2026-02-08T09:30:00Z",
            "author": {
                "name": "Mona Octocat",
                "email": "mona@example.com",
                "user": {"login": login} if login else None,
            },
        }
    }


def gql_review(review_id: int, state: str = "APPROVED", login: str = "hubot") -> dict[str, Any]:
    return {
        "fullDatabaseId": str(review_id),
        "databaseId": review_id,
        "author": gql_actor(login),
        "state": state,
        "submittedAt": "2026-02-09T10:00:00Z",
        "body": "Looks good",
        "commit": {"oid": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091"},
    }


def gql_file(path: str, additions: int, deletions: int, change: str = "MODIFIED") -> dict[str, Any]:
    return {"path": path, "additions": additions, "deletions": deletions, "changeType": change}


def gql_pull(
    number: int,
    pr_id: int,
    updated_at: str,
    *,
    title: str = "Add feature",
    state: str = "MERGED",
    merged_at: str | None = "2026-02-10T12:00:00Z",
    labels: list[str] | None = None,
    author: dict[str, Any] | None = None,
    commits: list[dict[str, Any]] | None = None,
    reviews: list[dict[str, Any]] | None = None,
    files: list[dict[str, Any]] | None = None,
    files_more: bool = False,
) -> dict[str, Any]:
    """A `pullRequests` node: the same PR as `pull(...)` plus its commits, reviews, files."""
    files = files or []
    return {
        "fullDatabaseId": str(pr_id),
        "databaseId": pr_id,
        "number": number,
        "state": state,
        "isDraft": False,
        "title": title,
        "body": "Please pull these awesome changes\n\nCo-authored-by: Copilot <copilot@github.com>",
        "author": author or gql_actor("octocat"),
        "createdAt": "2026-02-09T08:00:00Z",
        "updatedAt": updated_at,
        "closedAt": merged_at,
        "mergedAt": merged_at,
        "mergeCommit": {"oid": f"m{number:039d}"} if merged_at else None,
        "potentialMergeCommit": None if merged_at else {"oid": f"m{number:039d}"},
        "headRefOid": f"h{number:039d}",
        "headRefName": f"feature-{number}",
        "baseRefName": "main",
        "additions": sum(f["additions"] for f in files),
        "deletions": sum(f["deletions"] for f in files),
        "changedFiles": len(files),
        "labels": connection([{"name": name} for name in labels or []]),
        "commits": connection(commits or []),
        "reviews": connection(reviews or []),
        "files": connection(files, files_more),
    }


def gql_page(nodes: list[dict[str, Any]], next_cursor: str | None = None) -> dict[str, Any]:
    """`{"data": {"repository": {"pullRequests": ...}}}` with `nodes` as one page."""
    return {
        "data": {
            "repository": {
                "pullRequests": {
                    "pageInfo": page_info(next_cursor is not None, next_cursor),
                    "nodes": nodes,
                }
            }
        }
    }


# -- GraphQL v4 (the github source's `repository.deployments` query) ------------------------
REPO_ID = 1296269


def gql_deployment_status(status_id: int, state: str, created_at: str) -> dict[str, Any]:
    """The same status as `deployment_status(...)`: no `databaseId` in GraphQL, a node ID."""
    return {
        "id": node_id("DES", REPO_ID, status_id),
        "state": state.upper(),
        "environment": "production",
        "createdAt": created_at,
    }


def gql_deployment(
    dep_id: int,
    sha: str,
    statuses: list[dict[str, Any]],
    *,
    environment: str = "production",
    ref: str | None = "main",
    statuses_more: bool = False,
) -> dict[str, Any]:
    """A `deployments` node: the same deployment as `deployment(...)` with its statuses."""
    return {
        "id": node_id("DE", REPO_ID, dep_id),
        "databaseId": dep_id if dep_id < 2**31 else None,
        "commitOid": sha,
        "ref": {"name": ref} if ref else None,
        "task": "deploy",
        "environment": environment,
        "creator": gql_actor("github-actions", "Bot"),
        "createdAt": "2026-02-10T13:00:00Z",
        "updatedAt": "2026-02-10T13:05:00Z",
        "statuses": connection(statuses, statuses_more),
    }


def gql_deployments_page(
    nodes: list[dict[str, Any]], next_cursor: str | None = None
) -> dict[str, Any]:
    return {
        "data": {
            "repository": {
                "deployments": {
                    "pageInfo": page_info(next_cursor is not None, next_cursor),
                    "nodes": nodes,
                }
            }
        }
    }


# -- delivery signals without the Deployments API: Actions runs, releases, tags, issues ------
def workflow(workflow_id: int, name: str, path: str, state: str = "active") -> dict[str, Any]:
    """An item of `GET /repos/{owner}/{repo}/actions/workflows` (under `workflows`)."""
    return {
        "id": workflow_id,
        "node_id": f"MDg6V29ya2Zsb3c{workflow_id}",
        "name": name,
        "path": path,
        "state": state,
        "created_at": "2025-06-08T23:48:37.000-08:00",
        "updated_at": "2025-06-08T23:50:21.000-08:00",
        "url": f"{API}/repos/{REPO}/actions/workflows/{workflow_id}",
        "html_url": f"https://github.com/{REPO}/blob/main/{path}",
        "badge_url": f"https://github.com/{REPO}/workflows/{name}/badge.svg",
    }


def workflows_page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"total_count": len(items), "workflows": list(items)}


def workflow_run(
    run_id: int,
    workflow: dict[str, Any],
    created_at: str,
    *,
    status: str = "completed",
    conclusion: str | None = "success",
    updated_at: str | None = None,
    run_attempt: int = 1,
    event: str = "push",
    head_sha: str = "acb5820ced9479c074f688cc328bf03f341a511d",
) -> dict[str, Any]:
    """An item of `GET .../actions/workflows/{id}/runs` (under `workflow_runs`).

    GitHub's documented example has `path` with the ref (`.github/workflows/build.yml@main`)
    and the head commit's author name and email: neither is loaded.
    """
    return {
        "id": run_id,
        "name": workflow["name"],
        "node_id": f"MDEyOldvcmtmbG93IFJ1bj{run_id}",
        "check_suite_id": 42,
        "head_branch": "main",
        "head_sha": head_sha,
        "path": f"{workflow['path']}@main",
        "display_title": "Update README.md",
        "run_number": run_id % 1000,
        "event": event,
        "status": status,
        "conclusion": conclusion,
        "workflow_id": workflow["id"],
        "url": f"{API}/repos/{REPO}/actions/runs/{run_id}",
        "html_url": f"https://github.com/{REPO}/actions/runs/{run_id}",
        "pull_requests": [],
        "created_at": created_at,
        "updated_at": updated_at or created_at,
        "actor": user("octocat", 1),
        "run_attempt": run_attempt,
        "run_started_at": created_at if status != "queued" else None,
        "triggering_actor": user("octocat", 1),
        "head_commit": {
            "id": head_sha,
            "message": "Update README.md",
            "timestamp": created_at,
            "author": {"name": "Mona Octocat", "email": "mona@example.com"},
            "committer": {"name": "Mona Octocat", "email": "mona@example.com"},
        },
    }


def runs_page(*items: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    return {"total_count": len(items) if total is None else total, "workflow_runs": list(items)}


def release(
    release_id: int,
    tag_name: str,
    *,
    name: str | None = None,
    draft: bool = False,
    prerelease: bool = False,
    created_at: str = "2026-02-10T12:00:00Z",
    published_at: str | None = "2026-02-10T12:30:00Z",
) -> dict[str, Any]:
    """An item of `GET /repos/{owner}/{repo}/releases`."""
    return {
        "url": f"{API}/repos/{REPO}/releases/{release_id}",
        "html_url": f"https://github.com/{REPO}/releases/{tag_name}",
        "id": release_id,
        "node_id": f"MDc6UmVsZWFzZT{release_id}",
        "tag_name": tag_name,
        "target_commitish": "main",
        "name": name if name is not None else tag_name,
        "body": "Description of the release",
        "draft": draft,
        "prerelease": prerelease,
        "created_at": created_at,
        "published_at": None if draft else published_at,
        "author": user("octocat", 1),
        "assets": [],
    }


def tag_ref(name: str, sha: str, kind: str) -> dict[str, Any]:
    """An item of `GET /repos/{owner}/{repo}/git/matching-refs/tags` (`kind`: tag or commit)."""
    object_path = "tags" if kind == "tag" else "commits"
    return {
        "ref": f"refs/tags/{name}",
        "node_id": "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
        "url": f"{API}/repos/{REPO}/git/refs/tags/{name}",
        "object": {"type": kind, "sha": sha, "url": f"{API}/repos/{REPO}/git/{object_path}/{sha}"},
    }


def tag_object(
    sha: str, name: str, tagged_at: str, target: str, target_kind: str = "commit"
) -> dict[str, Any]:
    """`GET /repos/{owner}/{repo}/git/tags/{sha}`: an annotated tag (tagger name/email dropped)."""
    return {
        "node_id": "MDM6VGFnOTQwYmQzMzYyNDhlZmFlMGY5ZWU1YmM3YjJkNWM5ODU4ODdiMTZhYw==",
        "tag": name,
        "sha": sha,
        "url": f"{API}/repos/{REPO}/git/tags/{sha}",
        "message": f"release {name}",
        "tagger": {"name": "Mona Octocat", "email": "mona@example.com", "date": tagged_at},
        "object": {"type": target_kind, "sha": target, "url": f"{API}/repos/{REPO}/git/x/{target}"},
        "verification": {"verified": False, "reason": "unsigned", "signature": None},
    }


def issue(
    issue_id: int,
    number: int,
    updated_at: str,
    labels: list[str],
    *,
    state: str = "closed",
    title: str = "Checkout is down",
    created_at: str = "2026-02-10T08:00:00Z",
    closed_at: str | None = "2026-02-10T09:15:00Z",
    is_pull: bool = False,
) -> dict[str, Any]:
    """An item of `GET /repos/{owner}/{repo}/issues` (a PR has a `pull_request` key)."""
    body: dict[str, Any] = {
        "id": issue_id,
        "node_id": f"MDU6SXNzdWU{issue_id}",
        "url": f"{API}/repos/{REPO}/issues/{number}",
        "repository_url": f"{API}/repos/{REPO}",
        "html_url": f"https://github.com/{REPO}/issues/{number}",
        "number": number,
        "state": state,
        "state_reason": "completed" if state == "closed" else None,
        "title": title,
        "body": "Customers cannot pay. Reported by mona@example.com",
        "user": user("mona-reporter", 77),
        "labels": [label(name, 100 + i) for i, name in enumerate(labels)],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "comments": 3,
        "closed_at": closed_at if state == "closed" else None,
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_by": user("octocat", 1) if state == "closed" else None,
        "author_association": "MEMBER",
    }
    if is_pull:
        body["pull_request"] = {
            "url": f"{API}/repos/{REPO}/pulls/{number}",
            "html_url": f"https://github.com/{REPO}/pull/{number}",
            "diff_url": f"https://github.com/{REPO}/pull/{number}.diff",
            "patch_url": f"https://github.com/{REPO}/pull/{number}.patch",
            "merged_at": None,
        }
    return body
