"""Claude Code Analytics (Anthropic Admin API): endpoint, defaults and the typed raw
tables of `raw_claude_code`.

Field names in `path=` are Anthropic's (`GET /v1/organizations/usage_report/claude_code`);
nested objects are flattened into `<object>__<field>`-like snake_case columns, and the
`model_breakdown` list is a dlt child table. Only the columns declared here are kept.
"""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "claude_code"

DEFAULT_BASE_URL = "https://api.anthropic.com"
#: environment variable used when no `sources.claude_code.api_key` secret is configured
API_KEY_ENV = "ANTHROPIC_ADMIN_KEY"
#: what `ai-roi run --all` needs set to run this source (else it skips it)
REQUIRED_CONFIG = (Requirement(("api_key",), env=(API_KEY_ENV,)),)
API_VERSION = "2023-06-01"
REPORT_PATH = "/v1/organizations/usage_report/claude_code"
PAGE_LIMIT = 1000  # the documented maximum records per page

#: days fetched on a first run when no `start_date` is given
DEFAULT_HISTORY_DAYS = 30
#: days before the last loaded day that every run reads again (reports restate recent days)
DEFAULT_LOOKBACK_DAYS = 3

#: the documented tools of `tool_actions`, each with `accepted` and `rejected` counts
TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")
ACTOR_TYPES = ("user_actor", "api_actor")

CORE_METRICS = (
    Col("num_sessions", "bigint", path="core_metrics.num_sessions"),
    Col("lines_added", "bigint", path="core_metrics.lines_of_code.added"),
    Col("lines_removed", "bigint", path="core_metrics.lines_of_code.removed"),
    Col("commits_by_claude_code", "bigint", path="core_metrics.commits_by_claude_code"),
    Col("pull_requests_by_claude_code", "bigint", path="core_metrics.pull_requests_by_claude_code"),
)
TOOL_COLUMNS = tuple(
    Col(f"{tool}_{outcome}", "bigint", path=f"tool_actions.{tool}.{outcome}")
    for tool in TOOLS
    for outcome in ("accepted", "rejected")
)
COUNTS = tuple(c.name for c in (*CORE_METRICS, *TOOL_COLUMNS))

DAILY_USAGE = TableSpec(
    NAME,
    "daily_usage",
    columns=(
        Col("date", "date", required=True),
        Col("actor_type", required=True, path="actor.type"),
        # the actor's e-mail (user_actor) or API key name (api_actor), set while shaping
        Col("actor_id", required=True),
        Col("actor_email_address", path="actor.email_address"),
        Col("actor_api_key_name", path="actor.api_key_name"),
        # "" when the record has none (part of the key)
        Col("terminal_type", "text"),
        Col("organization_id"),
        Col("customer_type"),
        Col("subscription_type"),
        *CORE_METRICS,
        *TOOL_COLUMNS,
    ),
    primary_key=("date", "actor_type", "actor_id", "terminal_type"),
)

MODEL_BREAKDOWN = TableSpec(
    NAME,
    "daily_usage__model_breakdown",
    columns=(
        Col("model", required=True),
        Col("input_tokens", "bigint", path="tokens.input"),
        Col("output_tokens", "bigint", path="tokens.output"),
        Col("cache_creation_tokens", "bigint", path="tokens.cache_creation"),
        Col("cache_read_tokens", "bigint", path="tokens.cache_read"),
        # minor currency units (cents for USD), as Anthropic reports it
        Col("estimated_cost_amount", "decimal", path="estimated_cost.amount"),
        Col("estimated_cost_currency", path="estimated_cost.currency"),
    ),
    primary_key=("model",),
)
MODEL_COUNTS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_tokens",
    "cache_read_tokens",
    "estimated_cost_amount",
)
