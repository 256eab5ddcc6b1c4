"""`make demo`: generate the demo company, serve it as the vendors' APIs on 127.0.0.1,
load it through the real sources, validate, build the warehouse and print the scorecard."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ingestion.common.config import PROJECT_ROOT, warehouse_path
from ingestion.orchestrate import build, ingest_many
from ingestion.scorecard import print_scorecard

Printer = Callable[[str], None]

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
DEMO_ORG = "acme"


#: how the demo's github source reads pull requests and deployments (`pulls_api` and
#: `deployments_api`): "rest" or "graphql" (the same rows;
#: tests/sources/github/test_graphql.py compares the two on generated demo data)
DEMO_GITHUB_PULLS_API = "rest"


def demo_history(manifest: dict[str, Any]) -> tuple[date, date]:
    """The first and last day a generated world's sources are read for: its history
    (`manifest["history"]`, written by the generator), widened to at least the 366 days
    before its end. A 24-month world (the bench's) has two years of Jira, incidents and AI
    usage: reading only the last year loses half of them and every team's baseline tasks."""
    history = manifest.get("history") or {}
    parameters = manifest.get("parameters") or {}
    from ingestion.demo.generator import DEFAULT_END_DATE

    if history.get("end_date"):
        end = _manifest_date(history["end_date"], "history.end_date")
    elif parameters.get("end_date"):
        end = _manifest_date(parameters["end_date"], "parameters.end_date")
    else:
        end = DEFAULT_END_DATE
    start = end - timedelta(days=366)
    if history.get("start_date"):
        start = min(start, _manifest_date(history["start_date"], "history.start_date"))
    return start, end


def _manifest_date(value: Any, field: str) -> date:
    """A date of the world's manifest, or an error naming the field and the rule broken (a
    hand-edited manifest.json is the only way a generated world gets a bad one)."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            f"demo world manifest (manifest.json): {field} = {value!r} is not a calendar "
            "date in ISO form (YYYY-MM-DD)"
        ) from None


def demo_source_configs(
    server: Any,
    data_dir: Path,
    manifest: dict[str, Any],
    github_pulls_api: str = DEMO_GITHUB_PULLS_API,
) -> dict[str, dict[str, Any]]:
    """Every source pointed at the demo: API sources at the local server, files at the folders.
    The gitlab source runs when the world hosts a team on GitLab (`manifest["gitlab"]`).
    The dated sources read the world's whole history (`manifest["history"]`), and never
    less than the 366 days before its end."""
    start, end = demo_history(manifest)
    configs: dict[str, dict[str, Any]] = {
        "files": {"path": str(data_dir / "files")},
        "github": {
            "org": DEMO_ORG,
            "base_url": server.github_url,
            "token": "demo-token",
            "pulls_api": github_pulls_api,
            "deployments_api": github_pulls_api,
        },
        "copilot": {
            "org": DEMO_ORG,
            "base_url": server.github_url,
            "token": "demo-token",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        "ai_usage_files": {"path": str(data_dir / "ai_usage")},
        "jira": {
            "site_url": server.jira_url,
            "email": "demo@example.com",
            "api_token": "demo-token",
            "start_date": start.isoformat(),
        },
        "incidents": {
            "base_url": server.pagerduty_url,
            "api_token": "demo-token",
            "start_date": start.isoformat(),
        },
        "cursor": {
            "base_url": server.cursor_url,
            "api_key": "demo-token",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        "claude_code": {
            "base_url": server.anthropic_url,
            "api_key": "demo-token",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        "ai_spend": {
            "anthropic_base_url": server.anthropic_url,
            "openai_base_url": server.openai_url,
            "anthropic_admin_key": "demo-token",
            "openai_admin_key": "demo-token",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
    }
    gitlab = manifest.get("gitlab")
    if not gitlab:
        return configs
    ordered: dict[str, dict[str, Any]] = {}
    for name, config in configs.items():
        ordered[name] = config
        if name == "github":  # the delivery sources side by side
            ordered["gitlab"] = {
                "groups": [gitlab.get("group", DEMO_ORG)],
                "base_url": server.gitlab_url,
                "private_token": "demo-token",
            }
    return ordered


def run_demo(
    *,
    seed: int = 42,
    data_dir: Path = DEMO_DIR,
    db_path: Path | None = None,
    printer: Printer = print,
    generate_kwargs: dict[str, Any] | None = None,
    show_scorecard: bool = True,
    delivery_styles: str | None = None,
) -> dict[str, Any]:
    """`delivery_styles`: None (every team on the Deployments API and PagerDuty) or a
    profile of ingestion/demo/delivery_styles.py (`"mixed"`: one repository deploys by
    GitHub Actions runs, one by tags, one team records incidents as labelled issues)."""
    from ingestion.demo.generator import generate
    from ingestion.demo.server import serve

    started = time.monotonic()
    db = Path(db_path or warehouse_path())
    printer(f"==> generate the demo organisation (seed {seed}) into {data_dir}")
    manifest = generate(data_dir, seed=seed, **(generate_kwargs or {}))
    counts = manifest.get("row_counts") or manifest.get("counts") or {}
    if counts:
        printer(f"  {sum(int(v) for v in counts.values()):,} records across {len(counts)} files")
    if delivery_styles:
        from ingestion.demo.delivery_styles import apply_delivery_styles

        styles = apply_delivery_styles(data_dir, delivery_styles)
        manifest["delivery_styles"] = styles
        printer(f"==> delivery styles {delivery_styles!r}:")
        for style in ("actions", "tags"):
            for item in styles[style]:
                printer(f"  {item['repository']} ({item['team']}) deploys by {style}")
        for item in styles["issue_incidents"]:
            printer(f"  {item['team']} records incidents as issues in {item['repository']}")
    with serve(data_dir) as server:
        printer(
            f"==> demo APIs served at {server.base_url} (GitHub, GitLab, Copilot, Jira, "
            "PagerDuty, Cursor, Claude Code, Anthropic and OpenAI shapes)"
        )
        gitlab = manifest.get("gitlab")
        if gitlab:
            printer(f"  {gitlab['project']} ({gitlab['team']}) is hosted on GitLab")
        ingest_many(demo_source_configs(server, data_dir, manifest), db_path=db, printer=printer)
    build(db_path=db, printer=printer)
    if show_scorecard:
        print_scorecard(db, printer)
    from ingestion.report import write_report

    report = write_report(db, db.parent.parent / "reports" / "ai_roi_report.html")
    printer(f"==> report: {report} (open it in a browser; `make report` rewrites it)")
    printer(f"==> demo finished in {time.monotonic() - started:.0f}s")
    return manifest
