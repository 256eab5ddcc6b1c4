"""A generic daily usage file for AI tools without an API source (Cursor, Claude Code, ...).

File format: CSV with a header row, or JSON lines (one object per line), one row per
(usage_date, tool, user or team). Documented columns:

| column               | type    | required | meaning                                              |
|----------------------|---------|----------|------------------------------------------------------|
| usage_date           | date    | yes      | the day of use, ISO `YYYY-MM-DD`                     |
| tool                 | text    | yes      | e.g. `cursor`, `claude_code`, `chatgpt_enterprise`   |
| user_login           | text    | one of   | the person's login (same login as in git/GitHub)     |
| team                 | text    | these    | the team, when the tool only reports per team        |
| suggestions_shown    | integer | no       | code suggestions / completions shown                 |
| suggestions_accepted | integer | no       | of which accepted                                    |
| lines_suggested      | integer | no       | lines of code suggested                              |
| lines_accepted       | integer | no       | of which accepted                                    |
| chat_sessions        | integer | no       | chat conversations                                   |
| agent_sessions       | integer | no       | agent runs / sessions                                |
| tokens               | integer | no       | tokens consumed                                      |
| cost_usd             | decimal | no       | usage cost in US dollars                             |

The loader adds `subject` (= `user_login`, else `team:<team>`) and `source_file`.
"""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "ai_usage_files"
DEFAULT_PATH = "data/ai_usage"
#: what `ai-roi run --all` needs set to run this source (else it skips it): the folder,
#: or the default folder present
REQUIRED_CONFIG = (Requirement(("path",), folder=DEFAULT_PATH),)
TABLE = "ai_usage_daily"
EXTENSIONS = (".csv", ".jsonl", ".ndjson", ".json")
TEAM_SUBJECT_PREFIX = "team:"

#: the columns a file may carry, in documented order
FILE_COLUMNS = (
    Col("usage_date", "date", required=True),
    Col("tool", required=True),
    Col("user_login"),
    Col("team"),
    Col("suggestions_shown", "bigint"),
    Col("suggestions_accepted", "bigint"),
    Col("lines_suggested", "bigint"),
    Col("lines_accepted", "bigint"),
    Col("chat_sessions", "bigint"),
    Col("agent_sessions", "bigint"),
    Col("tokens", "bigint"),
    Col("cost_usd", "decimal"),
)
FILE_COLUMN_NAMES = tuple(c.name for c in FILE_COLUMNS)
REQUIRED_HEADER = ("usage_date", "tool")
COUNT_COLUMNS = tuple(c.name for c in FILE_COLUMNS if c.type == "bigint")

AI_USAGE_DAILY = TableSpec(
    NAME,
    TABLE,
    columns=(
        *FILE_COLUMNS[:4],
        Col("subject", required=True),
        *FILE_COLUMNS[4:],
        Col("source_file", required=True),
    ),
    primary_key=("usage_date", "tool", "subject"),
)
