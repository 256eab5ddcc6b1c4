"""Hand-written GitLab REST v4 payloads, trimmed copies of the documented response shapes
(https://docs.gitlab.com/api/merge_requests/, .../notes/, .../merge_request_approvals/,
.../deployments/, .../environments/, .../pipelines/, .../tags/, .../releases/,
.../issues/, .../commits/, .../projects/).

Each builder returns one item as GitLab sends it, including fields the source drops
(names, e-mails, note and issue bodies), so tests can prove they are not loaded.
"""

from __future__ import annotations

from typing import Any

HOST = "https://gitlab.example.com"
PROJECT = "acme/api"
PROJECT_ID = 42


def user(username: str, user_id: int) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": username,
        "name": f"{username.title()} Person",
        "state": "active",
        "locked": False,
        "avatar_url": f"https://secure.gravatar.com/avatar/{user_id}?s=80&d=identicon",
        "web_url": f"{HOST}/{username}",
    }


def project(pid: int = PROJECT_ID, path: str = PROJECT, **over: Any) -> dict[str, Any]:
    namespace, _, slug = path.rpartition("/")
    body = {
        "id": pid,
        "description": "The API",
        "name": slug.title(),
        "name_with_namespace": f"{namespace.title()} / {slug.title()}",
        "path": slug,
        "path_with_namespace": path,
        "created_at": "2024-01-26T19:01:12.000Z",
        "default_branch": "main",
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": f"git@gitlab.example.com:{path}.git",
        "http_url_to_repo": f"{HOST}/{path}.git",
        "web_url": f"{HOST}/{path}",
        "visibility": "private",
        "last_activity_at": "2026-03-01T10:00:00.000Z",
        "archived": False,
        "namespace": {
            "id": 7,
            "name": namespace.title(),
            "path": namespace,
            "kind": "group",
            "full_path": namespace,
        },
    }
    body.update(over)
    return body


def merge_request(
    iid: int,
    mr_id: int,
    updated_at: str,
    *,
    state: str = "merged",
    title: str = "Add feature",
    labels: list[str] | None = None,
    author: dict[str, Any] | None = None,
    squash: bool = False,
    **over: Any,
) -> dict[str, Any]:
    merged = state == "merged"
    body = {
        "id": mr_id,
        "iid": iid,
        "project_id": PROJECT_ID,
        "title": title,
        "description": f"Closes #{iid}\n\nGenerated with Claude Code",
        "state": state,
        "merged_by": user("maintainer", 3) if merged else None,
        "merge_user": user("maintainer", 3) if merged else None,
        "merged_at": "2026-02-10T15:00:00.000Z" if merged else None,
        "closed_by": None,
        "closed_at": None,
        "created_at": "2026-02-09T08:00:00.000Z",
        "updated_at": updated_at,
        "target_branch": "main",
        "source_branch": f"feature-{iid}",
        "upvotes": 0,
        "downvotes": 0,
        "author": author or user("octo", 1),
        "assignees": [],
        "reviewers": [user("reviewer", 2)],
        "source_project_id": PROJECT_ID,
        "target_project_id": PROJECT_ID,
        "labels": labels or [],
        "draft": False,
        "work_in_progress": False,
        "milestone": None,
        "merge_when_pipeline_succeeds": False,
        "merge_status": "can_be_merged",
        "detailed_merge_status": "not_open" if merged else "mergeable",
        "sha": f"{iid:x}".rjust(40, "a"),
        "merge_commit_sha": f"{iid:x}".rjust(40, "b") if merged and not squash else None,
        "squash_commit_sha": f"{iid:x}".rjust(40, "c") if merged and squash else None,
        "user_notes_count": 2,
        "discussion_locked": None,
        "should_remove_source_branch": True,
        "force_remove_source_branch": False,
        "web_url": f"{HOST}/{PROJECT}/-/merge_requests/{iid}",
        "references": {"short": f"!{iid}", "relative": f"!{iid}", "full": f"{PROJECT}!{iid}"},
        "time_stats": {"time_estimate": 0, "total_time_spent": 0},
        "squash": squash,
        "squash_on_merge": squash,
        "task_completion_status": {"count": 0, "completed_count": 0},
    }
    body.update(over)
    return body


def commit(
    sha: str,
    message: str,
    committed: str = "2026-02-09T10:00:00.000+01:00",
    email: str = "mona@example.com",
    parents: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "id": sha,
        "short_id": sha[:8],
        "created_at": committed,
        "parent_ids": parents if parents is not None else [],
        "title": message.split("\n", 1)[0],
        "message": message,
        "author_name": "Mona Lisa",
        "author_email": email,
        "authored_date": "2026-02-09T09:30:00.000+01:00",
        "committer_name": "Mona Lisa",
        "committer_email": email,
        "committed_date": committed,
        "trailers": {},
        "extended_trailers": {},
        "web_url": f"{HOST}/{PROJECT}/-/commit/{sha}",
    }


def approvals(*approved_by: dict[str, Any], iid: int = 1) -> dict[str, Any]:
    return {
        "id": 5,
        "iid": iid,
        "project_id": PROJECT_ID,
        "title": "Approvals API",
        "state": "opened",
        "approved": bool(approved_by),
        "approvals_required": 1,
        "approvals_left": 0 if approved_by else 1,
        "approved_by": list(approved_by),
    }


def approver(username: str, user_id: int, approved_at: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"user": user(username, user_id)}
    if approved_at is not None:  # GitLab 17.x+; older versions send the user only
        entry["approved_at"] = approved_at
    return entry


def note(
    note_id: int,
    iid: int,
    created_at: str,
    *,
    author: dict[str, Any] | None = None,
    body: str = "Looks good, one nit: rename this please",
    system: bool = False,
    kind: str | None = None,
) -> dict[str, Any]:
    return {
        "id": note_id,
        "type": kind,
        "body": body,
        "attachment": None,
        "author": author or user("reviewer", 2),
        "created_at": created_at,
        "updated_at": created_at,
        "system": system,
        "noteable_id": 1000 + iid,
        "noteable_type": "MergeRequest",
        "project_id": PROJECT_ID,
        "noteable_iid": iid,
        "resolvable": kind == "DiffNote",
        "confidential": False,
        "internal": False,
    }


def diff(
    path: str,
    text: str,
    *,
    new: bool = False,
    deleted: bool = False,
    renamed_from: str | None = None,
    too_large: bool = False,
) -> dict[str, Any]:
    return {
        "old_path": renamed_from or path,
        "new_path": path,
        "a_mode": "0" if new else "100644",
        "b_mode": "0" if deleted else "100644",
        "diff": text,
        "collapsed": False,
        "too_large": too_large,
        "new_file": new,
        "renamed_file": renamed_from is not None,
        "deleted_file": deleted,
        "generated_file": False,
    }


def environment(env_id: int, name: str, tier: str) -> dict[str, Any]:
    return {
        "id": env_id,
        "name": name,
        "slug": name,
        "external_url": f"https://{name}.example.com",
        "state": "available",
        "tier": tier,
        "created_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2026-02-01T00:00:00.000Z",
    }


def deployment(
    dep_id: int,
    sha: str,
    environment_name: str,
    status: str,
    updated_at: str,
    *,
    tier: str = "production",
    job_finished: str | None = "2026-02-10T13:05:00.000Z",
) -> dict[str, Any]:
    return {
        "id": dep_id,
        "iid": dep_id - 500,
        "ref": "main",
        "sha": sha,
        "created_at": "2026-02-10T13:00:00.000Z",
        "updated_at": updated_at,
        "status": status,
        "user": user("deployer", 9),
        "environment": {
            "id": 9,
            "name": environment_name,
            "tier": tier,
            "external_url": "https://about.gitlab.com",
        },
        "deployable": {
            "id": 657 + dep_id,
            "status": status,
            "stage": "deploy",
            "name": f"deploy-{environment_name}",
            "ref": "main",
            "tag": False,
            "created_at": "2026-02-10T12:59:00.000Z",
            "started_at": "2026-02-10T13:00:00.000Z",
            "finished_at": job_finished,
            "commit": {
                "id": sha,
                "author_name": "Mona Lisa",
                "author_email": "mona@example.com",
                "message": "Merge branch",
            },
            "pipeline": {"id": 36, "ref": "main", "sha": sha, "status": status},
        },
    }


def pipeline(
    pipeline_id: int,
    ref: str,
    status: str,
    updated_at: str,
    *,
    name: str | None = None,
    sha: str = "d" * 40,
) -> dict[str, Any]:
    return {
        "id": pipeline_id,
        "iid": pipeline_id - 900,
        "project_id": PROJECT_ID,
        "sha": sha,
        "ref": ref,
        "status": status,
        "source": "push",
        "name": name,
        "created_at": "2026-02-10T12:00:00.000Z",
        "updated_at": updated_at,
        "web_url": f"{HOST}/{PROJECT}/-/pipelines/{pipeline_id}",
    }


def tag(
    name: str,
    commit_sha: str,
    *,
    tag_object: str | None = None,
    created_at: str | None = None,
    committed: str = "2026-02-10T12:00:00.000Z",
) -> dict[str, Any]:
    body = commit(commit_sha, f"Release {name}", committed)
    return {
        "name": name,
        "message": f"Release {name}" if tag_object else None,
        "target": tag_object or commit_sha,
        "commit": body,
        "release": None,
        "protected": False,
        "created_at": created_at,
    }


def release(tag_name: str, sha: str, released_at: str, *, upcoming: bool = False) -> dict[str, Any]:
    return {
        "tag_name": tag_name,
        "description": "Notes written by a person",
        "name": f"Release {tag_name}",
        "created_at": "2026-02-10T12:30:00.000Z",
        "released_at": released_at,
        "upcoming_release": upcoming,
        "author": user("maintainer", 3),
        "commit": commit(sha, f"Release {tag_name}"),
        "commit_path": f"/{PROJECT}/-/commit/{sha}",
        "tag_path": f"/{PROJECT}/-/tags/{tag_name}",
        "assets": {"count": 0, "sources": [], "links": []},
    }


def issue(
    issue_id: int,
    iid: int,
    updated_at: str,
    labels: list[str],
    *,
    state: str = "closed",
    issue_type: str = "incident",
) -> dict[str, Any]:
    return {
        "id": issue_id,
        "iid": iid,
        "project_id": PROJECT_ID,
        "title": f"Checkout down ({iid})",
        "description": "Customer data pasted here",
        "state": state,
        "created_at": "2026-02-11T08:00:00.000Z",
        "updated_at": updated_at,
        "closed_at": "2026-02-11T10:30:00.000Z" if state == "closed" else None,
        "closed_by": user("oncall", 8) if state == "closed" else None,
        "labels": labels,
        "milestone": None,
        "author": user("oncall", 8),
        "type": issue_type.upper(),
        "issue_type": issue_type,
        "assignees": [],
        "web_url": f"{HOST}/{PROJECT}/-/issues/{iid}",
    }
