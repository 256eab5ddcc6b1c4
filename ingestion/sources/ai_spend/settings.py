"""AI spend from billing APIs: endpoints, defaults and the typed raw tables of `raw_ai_spend`.

Two optional vendors, each configured by its own admin key: the Anthropic cost report
(`GET /v1/organizations/cost_report`) and the OpenAI organization costs
(`GET /v1/organization/costs`). Field names in `path=` are the vendors'.
"""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "ai_spend"

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
OPENAI_BASE_URL = "https://api.openai.com"
#: environment variables used when no `sources.ai_spend.<vendor>_admin_key` secret is set
ANTHROPIC_KEY_ENV = "ANTHROPIC_ADMIN_KEY"
OPENAI_KEY_ENV = "OPENAI_ADMIN_KEY"
#: what `ai-roi run --all` needs set to run this source: either vendor's key (else skipped)
REQUIRED_CONFIG = (
    Requirement(
        ("anthropic_admin_key", "openai_admin_key"), env=(ANTHROPIC_KEY_ENV, OPENAI_KEY_ENV)
    ),
)
ANTHROPIC_VERSION = "2023-06-01"
ANTHROPIC_COST_PATH = "/v1/organizations/cost_report"
OPENAI_COSTS_PATH = "/v1/organization/costs"
ANTHROPIC_PAGE_LIMIT = 31  # the documented maximum buckets a page (1d buckets)
OPENAI_PAGE_LIMIT = 180  # the documented maximum buckets a page
ANTHROPIC_GROUP_BY = ("workspace_id", "description")
OPENAI_GROUP_BY = ("project_id", "line_item")

#: days fetched on a first run when no `start_date` is given
DEFAULT_HISTORY_DAYS = 90
#: days before the last loaded day that every run reads again (costs are restated)
DEFAULT_LOOKBACK_DAYS = 3

#: the cost-report fields whose values together identify a line within a day bucket
ANTHROPIC_LINE_FIELDS = (
    "workspace_id",
    "description",
    "cost_type",
    "model",
    "service_tier",
    "token_type",
    "context_window",
    "inference_geo",
)

ANTHROPIC_COSTS = TableSpec(
    NAME,
    "anthropic_costs",
    columns=(
        Col("day", "date", required=True),
        # the line's grouping values joined with "|" (null as ""), set while shaping
        Col("line_key", required=True),
        Col("vendor", required=True),
        Col("workspace_id"),
        Col("description"),
        Col("cost_type"),
        Col("model"),
        Col("service_tier"),
        Col("token_type"),
        Col("context_window"),
        Col("inference_geo"),
        # the vendor's `amount`: lowest currency units (cents for USD) as a decimal string
        Col("amount_cents", "decimal", required=True, path="amount"),
        Col("currency", required=True),
    ),
    primary_key=("day", "line_key"),
)

OPENAI_COSTS = TableSpec(
    NAME,
    "openai_costs",
    columns=(
        Col("day", "date", required=True),
        # project_id and line_item joined with "|" (null as ""), set while shaping
        Col("line_key", required=True),
        Col("vendor", required=True),
        Col("project_id"),
        Col("line_item"),
        Col("organization_id"),
        # the vendor's `amount.value`: currency units (dollars for usd)
        Col("amount", "decimal", required=True, path="amount.value"),
        Col("currency", required=True, path="amount.currency"),
    ),
    primary_key=("day", "line_key"),
)

#: currencies the TCO can use (amounts are summed as USD)
CURRENCIES = ("USD", "usd")
