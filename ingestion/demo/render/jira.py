"""Jira Cloud issue shapes (fields and changelog) of a simulated team."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ingestion.demo.simulation import (
    ISSUE_TYPES,
    JIRA_SITE,
    STATUS_CATEGORIES,
    STATUSES,
    Epic,
    TeamSimulation,
)
from ingestion.demo.timeutil import iso_jira
from ingestion.demo.world import Person, stable_hex, stable_int


class JiraRender(TeamSimulation):
    """Renders a `TeamSimulation`'s epics and tasks as Jira issues.

    A subclass of it for the attributes it reads; `engineering.TeamRun` combines the renderers.
    """

    def jira_objects(self) -> list[dict[str, Any]]:
        team = self.team
        offset = team.offset_minutes
        cut = self.cut_local
        project = {
            "id": str(10_000 + stable_int("project", team.key, bits=12)),
            "key": team.key,
            "name": team.name.capitalize(),
        }
        issues = []
        for epic in self.epics:
            children = [t for t in epic.tasks if t.start < cut]
            transitions = []
            if children:
                transitions.append((min(t.start for t in children), "To Do", "In Progress"))
                if epic.window_end < cut and all(t.done < cut for t in epic.tasks):
                    last = max(t.done for t in epic.tasks)
                    if last < cut:
                        transitions.append((last + timedelta(minutes=30), "In Progress", "Done"))
            if epic.created >= cut:
                continue
            issues.append(
                self._issue(
                    epic.issue_id,
                    epic.key,
                    "Epic",
                    epic.summary,
                    project,
                    None,
                    None,
                    None,
                    epic.created,
                    transitions,
                    ["feature"],
                    offset,
                )
            )
        for task in self.tasks:
            if task.created >= cut:
                continue
            transitions = []
            if task.start < cut:
                transitions.append((task.start, "To Do", "In Progress"))
                if (
                    task.review_at is not None
                    and task.review_at < cut
                    and task.review_at < task.done
                ):
                    transitions.append((task.review_at, "In Progress", "In Review"))
                    if task.bounce is not None and task.bounce[1] < cut:
                        transitions.append((task.bounce[0], "In Review", "In Progress"))
                        transitions.append((task.bounce[1], "In Progress", "In Review"))
                    if task.done < cut:
                        transitions.append((task.done, "In Review", "Done"))
                elif task.done < cut:
                    transitions.append((task.done, "In Progress", "Done"))
            labels = ["backend"] if task.issue_type != "Bug" else ["customer-reported"]
            issues.append(
                self._issue(
                    task.issue_id,
                    task.key,
                    task.issue_type,
                    task.summary,
                    project,
                    task.epic,
                    task.assignee,
                    task.points,
                    task.created,
                    transitions,
                    labels,
                    offset,
                )
            )
        return issues

    def _issue(
        self,
        issue_id: str,
        key: str,
        issue_type: str,
        summary: str,
        project: dict[str, Any],
        epic: Epic | None,
        assignee: Person | None,
        points: int | None,
        created: datetime,
        transitions: list[tuple[datetime, str, str]],
        labels: list[str],
        offset: int,
    ) -> dict[str, Any]:
        status = transitions[-1][2] if transitions else "To Do"
        status_id, category = STATUSES[status]
        histories = []
        for when, from_status, to_status in transitions:
            author = (
                assignee.jira_account_id
                if assignee
                else "712020:" + stable_hex("jira-automation", length=24)
            )
            histories.append(
                {
                    "id": str(next(self.counters.jira_history)),
                    "author": {"accountId": author, "active": True},
                    "created": iso_jira(when, offset),
                    "items": [
                        {
                            "field": "status",
                            "fieldtype": "jira",
                            "fieldId": "status",
                            "from": STATUSES[from_status][0],
                            "fromString": from_status,
                            "to": STATUSES[to_status][0],
                            "toString": to_status,
                        }
                    ],
                }
            )
        updated = transitions[-1][0] if transitions else created
        resolution = transitions[-1][0] if status == "Done" else None
        type_id, level = ISSUE_TYPES[issue_type]
        fields: dict[str, Any] = {
            "summary": summary,
            "issuetype": {
                "id": type_id,
                "name": issue_type,
                "subtask": False,
                "hierarchyLevel": level,
            },
            "status": {
                "id": status_id,
                "name": status,
                "statusCategory": dict(STATUS_CATEGORIES[category]),
            },
            "project": project,
            "assignee": None
            if assignee is None
            else {
                "accountId": assignee.jira_account_id,
                "emailAddress": assignee.email,
                "displayName": assignee.display_name,
                "active": True,
            },
            "labels": labels,
            "created": iso_jira(created, offset),
            "updated": iso_jira(updated, offset),
            "resolutiondate": iso_jira(resolution, offset) if resolution else None,
            "customfield_10016": float(points) if points is not None else None,
        }
        if epic is not None:
            fields["parent"] = {
                "id": epic.issue_id,
                "key": epic.key,
                "fields": {
                    "summary": epic.summary,
                    "issuetype": {"id": "10000", "name": "Epic", "hierarchyLevel": 1},
                },
            }
        return {
            "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            "id": issue_id,
            "self": f"{JIRA_SITE}/rest/api/3/issue/{issue_id}",
            "key": key,
            "fields": fields,
            "changelog": {
                "startAt": 0,
                "maxResults": len(histories),
                "total": len(histories),
                "histories": histories,
            },
        }
