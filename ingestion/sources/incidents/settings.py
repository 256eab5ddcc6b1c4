"""PagerDuty REST v2: endpoints, defaults and the typed raw table of `raw_incidents`."""

from __future__ import annotations

import re

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

SOURCE = "incidents"

DEFAULT_BASE_URL = "https://api.pagerduty.com"
INCIDENTS_PATH = "incidents"
ACCEPT = "application/vnd.pagerduty+json;version=2"
AUTH_PREFIX = "Token token="
ENV_API_TOKENS = ("PAGERDUTY_API_TOKEN", "PAGERDUTY_TOKEN")
#: what `ai-roi run --all` needs set to run this source (else it skips it)
REQUIRED_CONFIG = (Requirement(("api_token",), env=ENV_API_TOKENS),)

DEFAULT_START_DATE = "2024-01-01"
#: incidents change after they were created (acknowledged, resolved): re-read this many
#: days before the cursor so those changes are merged in place
DEFAULT_LOOKBACK_DAYS = 7
#: PagerDuty refuses a since/until range longer than this
MAX_WINDOW_DAYS = 180
PAGE_SIZE = 100
STATUSES = ("triggered", "acknowledged", "resolved")
URGENCIES = ("high", "low")

#: a deployment id after deploy/deployment, e.g. "Caused by deploy 123456",
#: "deployment_id: 123456", "deployment #42"
DEPLOYMENT_RE = re.compile(
    r"\bdeploy(?:ment)?s?(?:[\s_-]*(?:id|ref|reference|no\.?|number))?\s*[:=#]?\s*#?(\d+)\b",
    re.IGNORECASE,
)
#: a full 40-hex commit SHA anywhere
FULL_SHA_RE = re.compile(r"(?<![0-9a-f])([0-9a-f]{40})(?![0-9a-f])", re.IGNORECASE)
#: a short (>= 7 hex) SHA after "sha" or "commit"
SHORT_SHA_RE = re.compile(r"\b(?:sha|commit)\b[\s:=#@]*([0-9a-f]{7,40})\b", re.IGNORECASE)

INCIDENTS = TableSpec(
    SOURCE,
    "incidents",
    columns=(
        Col("id", "text", required=True),
        Col("incident_number", "bigint"),
        Col("title", "text"),
        Col("status", "text", required=True),
        Col("urgency", "text"),
        Col("service__id", "text", path="service.id"),
        Col("service__summary", "text", path="service.summary"),
        Col("created_at", "timestamp", required=True),
        # derived by the source: resolved_at, else last_status_change_at when resolved
        Col("resolved_at", "timestamp"),
        Col("last_status_change_at", "timestamp", required=True),
        Col("deployment_reference", "text"),
        Col("commit_reference", "text"),
        Col("html_url", "text"),
    ),
    primary_key=("id",),
)
