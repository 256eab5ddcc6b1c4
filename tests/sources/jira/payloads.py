"""Hand-written Jira Cloud REST v3 payloads, shaped like the documented responses."""

from __future__ import annotations

import copy
from typing import Any

SEARCH = "/rest/api/3/search/jql"
STATUS = "/rest/api/3/status"

STATUSES: list[dict[str, Any]] = [
    {
        "self": "https://acme.atlassian.net/rest/api/3/status/10000",
        "description": "",
        "iconUrl": "https://acme.atlassian.net/",
        "name": "To Do",
        "untranslatedName": "To Do",
        "id": "10000",
        "statusCategory": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
        "scope": {"type": "PROJECT", "project": {"id": "10000"}},
    },
    {
        "name": "In Progress",
        "id": "3",
        "statusCategory": {
            "id": 4,
            "key": "indeterminate",
            "colorName": "yellow",
            "name": "In Progress",
        },
    },
    {
        "name": "In Review",
        "id": "10001",
        "statusCategory": {
            "id": 4,
            "key": "indeterminate",
            "colorName": "yellow",
            "name": "In Progress",
        },
    },
    {
        "name": "Done",
        "id": "10002",
        "statusCategory": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
    },
]

_STATUS_BY_NAME = {s["name"]: s for s in STATUSES}


def status(name: str) -> dict[str, Any]:
    s = _STATUS_BY_NAME[name]
    return {"self": "x", "name": name, "id": s["id"], "statusCategory": s["statusCategory"]}


def history(
    hid: str, created: str, *changes: tuple[str, str], extra_item: bool = False
) -> dict[str, Any]:
    """A changelog history; `changes` are (from status, to status) pairs."""
    items: list[dict[str, Any]] = []
    if extra_item:
        items.append(
            {
                "field": "assignee",
                "fieldtype": "jira",
                "fieldId": "assignee",
                "from": None,
                "fromString": None,
                "to": "acc-bob",
                "toString": "Bob",
            }
        )
    for before, after in changes:
        items.append(
            {
                "field": "status",
                "fieldtype": "jira",
                "fieldId": "status",
                "from": _STATUS_BY_NAME[before]["id"],
                "fromString": before,
                "to": _STATUS_BY_NAME[after]["id"],
                "toString": after,
            }
        )
    return {
        "id": hid,
        "author": {"accountId": "acc-alice", "displayName": "Alice", "active": True},
        "created": created,
        "items": items,
    }


def issue(
    iid: str,
    key: str,
    *,
    status_name: str = "In Progress",
    updated: str = "2026-03-02T14:05:00.000+0100",
    created: str = "2026-03-01T09:00:00.000+0100",
    resolutiondate: str | None = None,
    points: Any = 3.0,
    parent: dict[str, Any] | None = None,
    labels: list[str] | None = None,
    histories: list[dict[str, Any]] | None = None,
    changelog_total: int | None = None,
    issuetype: str = "Story",
) -> dict[str, Any]:
    hist = histories or []
    fields: dict[str, Any] = {
        "summary": f"Work item {key}",
        "issuetype": {"id": "10004", "name": issuetype, "subtask": False, "hierarchyLevel": 0},
        "status": status(status_name),
        "project": {"id": "10000", "key": key.split("-")[0], "name": "Engineering"},
        "assignee": {
            "accountId": "acc-alice",
            "emailAddress": "alice@example.com",
            "displayName": "Alice",
            "active": True,
        },
        "labels": labels if labels is not None else [],
        "created": created,
        "updated": updated,
        "resolutiondate": resolutiondate,
        "customfield_10016": points,
    }
    if parent is not None:
        fields["parent"] = parent
    return {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
        "id": iid,
        "self": f"https://acme.atlassian.net/rest/api/3/issue/{iid}",
        "key": key,
        "fields": fields,
        "changelog": {
            "startAt": 0,
            "maxResults": len(hist),
            "total": changelog_total if changelog_total is not None else len(hist),
            "histories": hist,
        },
    }


EPIC_PARENT = {
    "id": "10100",
    "key": "ENG-100",
    "self": "https://acme.atlassian.net/rest/api/3/issue/10100",
    "fields": {
        "summary": "AI rollout epic",
        "status": status("In Progress"),
        "priority": {"id": "3", "name": "Medium"},
        "issuetype": {"id": "10000", "name": "Epic", "subtask": False, "hierarchyLevel": 1},
    },
}

STORY_PARENT = {
    "id": "10001",
    "key": "ENG-1",
    "fields": {
        "summary": "A story",
        "status": status("In Progress"),
        "issuetype": {"id": "10004", "name": "Story", "subtask": False, "hierarchyLevel": 0},
    },
}


def base_issues() -> list[dict[str, Any]]:
    """Three issues: ENG-1 (epic child, 2 status changes), ENG-2 (sub-task, truncated
    changelog), ENG-3 (done, no parent)."""
    eng1 = issue(
        "10001",
        "ENG-1",
        parent=EPIC_PARENT,
        labels=["backend", "ai-assisted"],
        updated="2026-03-02T14:05:00.000+0100",
        histories=[
            history(
                "20001", "2026-03-01T10:00:00.000+0100", ("To Do", "In Progress"), extra_item=True
            ),
            history("20002", "2026-03-02T14:05:00.000+0100", ("In Progress", "In Review")),
        ],
        status_name="In Review",
    )
    eng2 = issue(
        "10002",
        "ENG-2",
        parent=STORY_PARENT,
        issuetype="Sub-task",
        points=None,
        updated="2026-03-03T08:00:00.000-0500",
        histories=[history("20004", "2026-03-03T08:00:00.000-0500", ("In Progress", "Done"))],
        changelog_total=2,
        status_name="Done",
        resolutiondate="2026-03-03T08:00:00.000-0500",
    )
    eng3 = issue(
        "10003",
        "ENG-3",
        points=5,
        labels=["frontend"],
        updated="2026-03-04T12:00:00.000+0000",
        histories=[history("20005", "2026-03-04T12:00:00.000+0000", ("To Do", "Done"))],
        status_name="Done",
        resolutiondate="2026-03-04T12:00:00.000+0000",
    )
    return [eng1, eng2, eng3]


#: the full changelog of ENG-2, served in two pages by /issue/ENG-2/changelog
ENG2_CHANGELOG_PAGES = [
    {
        "self": "https://acme.atlassian.net/rest/api/3/issue/ENG-2/changelog?maxResults=1&startAt=0",
        "nextPage": "https://acme.atlassian.net/rest/api/3/issue/ENG-2/changelog?maxResults=1&startAt=1",
        "maxResults": 1,
        "startAt": 0,
        "total": 2,
        "isLast": False,
        "values": [history("20003", "2026-03-02T09:00:00.000-0500", ("To Do", "In Progress"))],
    },
    {
        "self": "https://acme.atlassian.net/rest/api/3/issue/ENG-2/changelog?maxResults=1&startAt=1",
        "maxResults": 1,
        "startAt": 1,
        "total": 2,
        "isLast": True,
        "values": [history("20004", "2026-03-03T08:00:00.000-0500", ("In Progress", "Done"))],
    },
]


def search_page(issues: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"issues": copy.deepcopy(issues), "isLast": next_token is None}
    if next_token:
        body["nextPageToken"] = next_token
    return body
