"""One package per source. Packages import from `ingestion.common` and never from each other.

Each package exposes:
- `NAME`: the source name; it loads into the DuckDB schema `raw_<NAME>`.
- `source(**config) -> dlt source`: the dlt source; config comes from arguments, else
  from `.dlt/config.toml` / `.dlt/secrets.toml` / environment as dlt resolves them.
- `SUITES`: the Great Expectations suites run on the tables a load wrote.
"""

SOURCE_NAMES = (
    "github",
    "copilot",
    "ai_usage_files",
    "jira",
    "incidents",
    "git",
    "files",
    "gitlab",
    "cursor",
    "claude_code",
    "ai_spend",
)
