"""Hand-written PagerDuty REST v2 payloads, shaped like the documented responses."""

from __future__ import annotations

import copy
from typing import Any

INCIDENTS = "/incidents"

SERVICES = {
    "PCHK001": "checkout-api",
    "PSRC002": "search",
}


def incident(
    iid: str,
    number: int,
    *,
    title: str = "High error rate",
    description: str | None = None,
    status: str = "triggered",
    created_at: str = "2026-03-02T10:00:00Z",
    last_status_change_at: str | None = None,
    resolved_at: str | None = None,
    service_id: str = "PCHK001",
    urgency: str = "high",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": iid,
        "type": "incident",
        "summary": f"[#{number}] {title}",
        "self": f"https://api.pagerduty.com/incidents/{iid}",
        "html_url": f"https://acme.pagerduty.com/incidents/{iid}",
        "incident_number": number,
        "title": title,
        "description": description if description is not None else title,
        "created_at": created_at,
        "updated_at": last_status_change_at or created_at,
        "status": status,
        "incident_key": f"key-{iid}",
        "service": {
            "id": service_id,
            "type": "service_reference",
            "summary": SERVICES[service_id],
            "self": f"https://api.pagerduty.com/services/{service_id}",
            "html_url": f"https://acme.pagerduty.com/service-directory/{service_id}",
        },
        "assignments": [
            {
                "at": created_at,
                "assignee": {
                    "id": "PXPGF42",
                    "type": "user_reference",
                    "summary": "Earline Greenholt",
                },
            }
        ],
        "assigned_via": "escalation_policy",
        "last_status_change_at": last_status_change_at or created_at,
        "last_status_change_by": {
            "id": "PXPGF42",
            "type": "user_reference",
            "summary": "Earline Greenholt",
        },
        "first_trigger_log_entry": {"id": "Q02JTSNZWHSEKV", "type": "trigger_log_entry_reference"},
        "escalation_policy": {"id": "PT20YPA", "type": "escalation_policy_reference"},
        "teams": [{"id": "PQ9K7I8", "type": "team_reference", "summary": "Engineering"}],
        "priority": None,
        "urgency": urgency,
        "alert_counts": {"all": 1, "triggered": 0, "resolved": 1},
        "is_mergeable": True,
    }
    if resolved_at is not None:
        body["resolved_at"] = resolved_at
    return body


def base_incidents() -> list[dict[str, Any]]:
    """Three incidents: one resolved with resolved_at and a deploy reference, one resolved
    without resolved_at and a commit SHA, one still triggered."""
    return [
        incident(
            "PINC001",
            101,
            title="Checkout 5xx spike - Caused by deploy 123456",
            status="resolved",
            created_at="2026-03-02T10:00:00Z",
            last_status_change_at="2026-03-02T11:30:00Z",
            resolved_at="2026-03-02T11:30:00Z",
        ),
        incident(
            "PINC002",
            102,
            title="Search latency",
            description="Regression from commit 9fceb02d0ae598e95dc970b74767f19372d61af8 rolled out",
            status="resolved",
            created_at="2026-03-03T08:00:00Z",
            last_status_change_at="2026-03-03T09:15:00Z",
            service_id="PSRC002",
            urgency="low",
        ),
        incident(
            "PINC003",
            103,
            title="Queue backlog growing",
            status="triggered",
            created_at="2026-03-04T12:00:00Z",
        ),
    ]


def page(incidents: list[dict[str, Any]], *, offset: int = 0, more: bool = False) -> dict[str, Any]:
    return {
        "incidents": copy.deepcopy(incidents),
        "limit": 100,
        "offset": offset,
        "total": None,
        "more": more,
    }
