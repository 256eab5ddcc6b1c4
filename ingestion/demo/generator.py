"""Generate the deterministic demo world for "acme".

    python -m ingestion.demo.generator --out data/demo --seed 42
    python -m ingestion.demo.generator --out data/demo --scale 200x10x24

Same seed and parameters => byte-identical files. The history ends on `--end-date`
(default 2026-10-31), never on "today". See ingestion/demo/README.md for the layout
and the table of true effects.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ingestion.demo import business
from ingestion.demo.ai_tools import write_ai_tool_apis
from ingestion.demo.copilot import generate_ai_usage, generate_copilot
from ingestion.demo.engineering import STATUS_CATEGORIES, STATUSES, Counters, simulate_team
from ingestion.demo.output import Output
from ingestion.demo.timeutil import iso_utc
from ingestion.demo.truth import true_hours_saved, true_leakage, true_quality_regression
from ingestion.demo.world import EFFECTS, ORG, World, build_world, stable_hex, stable_int

GENERATOR_VERSION = "1"
DEFAULT_END_DATE = date(2026, 10, 31)
OWNED = ("api", "files", "ai_usage", "manifest.json")


def parse_scale(value: str) -> tuple[int, int, int]:
    """`200x10x24` -> (teams, average team size, months)."""
    parts = value.lower().split("x")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(
            f"--scale must look like TEAMSxAVG_SIZExMONTHS (e.g. 200x10x24), got {value!r}"
        )
    teams, size, months = (int(p) for p in parts)
    if teams < 1 or size < 3 or months < 4:
        raise ValueError("--scale needs TEAMS >= 1, AVG_SIZE >= 3 and MONTHS >= 4")
    return teams, size, months


def scale_team_size(average: int) -> tuple[int, int]:
    spread = max(1, round(average * 0.3))
    return max(2, average - spread), average + spread


def _pd_id(*parts: object) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    digest = int(stable_hex(*parts), 16)
    chars = []
    for _ in range(13):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return "Q" + "".join(chars)


def _pagerduty(world: World, incidents: list[dict[str, Any]], out: Output) -> dict[str, int]:
    cut = datetime.combine(world.end + timedelta(days=1), datetime.min.time())
    incidents = sorted(incidents, key=lambda i: (i["_created"], i["key"]))
    services = {}
    for team in world.teams:
        services[team.pd_service] = {
            "id": "P" + _pd_id("service", team.pd_service)[1:7],
            "type": "service_reference",
            "summary": team.pd_service,
            "self": "",
            "html_url": "",
        }
        sid = services[team.pd_service]["id"]
        services[team.pd_service]["self"] = f"https://api.pagerduty.com/services/{sid}"
        services[team.pd_service]["html_url"] = (
            f"https://acme.pagerduty.com/service-directory/{sid}"
        )
    rows = []
    open_count = 0
    for number, incident in enumerate(incidents, start=1000):
        created = incident["_created"]
        resolved = incident["_resolved"]
        if (
            resolved is not None
            and stable_int(world.seed, "long-incident", incident["key"]) % 100 < 4
        ):
            resolved = created + timedelta(
                days=5 + stable_int(incident["key"]) % 15
            )  # a slow burner
        if created >= cut - timedelta(hours=48):
            resolved = None  # the most recent incidents are still being worked on
        if resolved is not None and resolved < cut:
            status, changed = "resolved", resolved
        else:
            resolved = None
            open_count += 1
            ack = created + timedelta(minutes=7)
            status, changed = ("acknowledged", ack) if ack < cut else ("triggered", created)
        incident_id = _pd_id(world.seed, "incident", incident["key"])
        service = dict(services[incident["service"]])
        rows.append(
            {
                "id": incident_id,
                "type": "incident",
                "summary": f"[#{number}] {incident['title']}",
                "self": f"https://api.pagerduty.com/incidents/{incident_id}",
                "html_url": f"https://acme.pagerduty.com/incidents/{incident_id}",
                "incident_number": number,
                "title": incident["title"],
                "description": incident["description"],
                "created_at": iso_utc(created),
                "updated_at": iso_utc(changed),
                "status": status,
                "incident_key": stable_hex(world.seed, "incident-key", incident["key"], length=32),
                "service": service,
                "assignments": [],
                "last_status_change_at": iso_utc(changed),
                "resolved_at": iso_utc(resolved) if resolved else None,
                "urgency": incident["urgency"],
                "teams": [
                    {
                        "id": "P" + _pd_id("team", incident["team"])[1:7],
                        "type": "team_reference",
                        "summary": incident["team"],
                    }
                ],
            }
        )
    out.write_jsonl("api/pagerduty/incidents.jsonl", rows)
    return {
        "incidents": len(rows),
        "open_incidents": open_count,
        "deploy_caused": sum(1 for i in incidents if i["_cause_deployment_id"] is not None),
        "explicit_reference": sum(1 for i in incidents if i["_explicit_reference"]),
    }


def _gitlab_entry(
    world: World, projects: list[dict[str, Any]], counts: dict[str, dict[str, int]]
) -> dict[str, Any] | None:
    """The manifest's `gitlab` entry: which team is hosted on GitLab, its project and what
    its GitLab files hold (None when every team is on GitHub)."""
    if world.gitlab_team is None:
        return None
    team = world.team(world.gitlab_team)
    project = next(p for p in projects if p["path_with_namespace"] == team.full_name)
    return {
        "team": team.name,
        "cohort": team.cohort,
        "group": ORG,
        "project": team.full_name,
        "project_id": project["id"],
        "api_path": "/gitlab/api/v4",
        "counts": counts[team.name],
    }


def _jira_statuses() -> list[dict[str, Any]]:
    statuses = []
    for name, (status_id, category) in STATUSES.items():
        statuses.append(
            {
                "self": f"https://acme.atlassian.net/rest/api/3/status/{status_id}",
                "description": "",
                "iconUrl": "https://acme.atlassian.net/images/icons/statuses/generic.png",
                "name": name,
                "untranslatedName": name,
                "id": status_id,
                "statusCategory": {
                    "self": f"https://acme.atlassian.net/rest/api/3/statuscategory/{STATUS_CATEGORIES[category]['id']}",
                    **STATUS_CATEGORIES[category],
                },
                "scope": None,
            }
        )
    return statuses


def generate(
    out_dir: Path,
    seed: int = 42,
    teams: int = 8,
    team_size: tuple[int, int] = (5, 12),
    months: int = 12,
    end_date: date = DEFAULT_END_DATE,
    log: Callable[[str], None] | None = None,
    gitlab: bool = True,
) -> dict[str, Any]:
    """Write the demo world under `out_dir` and return its manifest. `gitlab`: host one
    control team on GitLab (`world.build_world`; needs two control teams)."""
    say = log or (lambda _msg: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    # team_size may come as a list (JSON arguments): the pair as a tuple
    world = build_world(seed, teams, (team_size[0], team_size[1]), months, end_date, gitlab)
    humans = len(world.people)
    say(
        f"world: {len(world.teams)} teams, {humans} engineers, {world.start} .. {world.end}, "
        f"program start {world.program_start}"
    )
    out = Output(out_dir)
    counters = Counters()
    repos, projects, epics, incidents = [], [], [], []
    gitlab_counts: dict[str, dict[str, int]] = {}
    team_counts: dict[str, dict[str, int]] = {}
    ai_savings = {}
    leaked: dict[str, list[tuple[date, float]]] = {}
    incident_draws: list[tuple[date, float]] = []
    restore_hours: list[float] = []
    for team in world.teams:
        result = simulate_team(world, team, counters, out)
        if result.ai_savings:
            ai_savings[team.name] = result.ai_savings
        if result.leaked:
            leaked[team.name] = result.leaked
        if team.name == world.special["quality_regression_team"]:
            incident_draws, restore_hours = result.incident_draws, result.restore_hours
        if result.repo is not None:
            repos.append(result.repo)
        if result.gitlab is not None:
            projects.append(result.gitlab["project"])
            gitlab_counts[team.name] = result.gitlab["counts"]
        epics.extend(result.epics)
        incidents.extend(result.incidents)
        team_counts[team.name] = result.counts
        say(
            f"  {team.name:<14} {team.cohort:<9} tasks={result.counts['tasks']:>5} "
            f"prs={result.counts['pull_requests']:>5} deployments={result.counts['deployments']:>4}"
            + (" (GitLab)" if team.platform == "gitlab" else "")
        )
    out.close()
    out.write_jsonl("api/github/repos.jsonl", sorted(repos, key=lambda r: r["full_name"]))
    if projects:
        out.write_jsonl(
            "api/gitlab/projects.jsonl", sorted(projects, key=lambda p: p["path_with_namespace"])
        )
    out.write_json("api/jira/statuses.json", _jira_statuses(), count=len(STATUSES))
    incident_summary = _pagerduty(world, incidents, out)
    say(f"pagerduty: {incident_summary['incidents']} incidents")
    copilot_summary = generate_copilot(world, out)
    out.close()
    say(
        f"copilot: {copilot_summary['seat_holders']} seats, {copilot_summary['legacy_metric_days']} legacy days, "
        f"{copilot_summary['report_days']} report days"
    )
    native: dict[str, list[list[Any]]] = {}
    usage = generate_ai_usage(world, out, native)
    ai_apis = write_ai_tool_apis(world, out, native)
    say(
        f"ai tools: {ai_apis['cursor_usage_rows']} Cursor usage rows, "
        f"{ai_apis['claude_code_records']} Claude Code records, "
        f"{ai_apis['anthropic_cost_days']} + {ai_apis['openai_cost_days']} cost-report days"
    )
    business.write_labor_rates(world, out)
    business.write_roster(world, out)
    business.write_rollout_and_ownership(world, out)
    costs = business.write_ai_costs(world, out, usage, ai_apis)
    business.write_surveys(world, out)
    launches = business.write_features_and_kpis(world, out, epics)
    business.write_ops_transactions(world, out)
    say(
        f"files: ai_costs total ${costs['total_usd']:,.0f} = {costs['tco_to_licence_ratio']}x licences; "
        f"{launches} feature launches"
    )

    rollout = [
        {
            "team": t.name,
            "cohort": t.cohort,
            "rollout_date": t.rollout.isoformat() if t.rollout else None,
            "tools": t.tools,
            "jira_project": t.key,
            "repository": t.full_name,
            "platform": t.platform,
            "pagerduty_service": t.pd_service,
            "product_area": t.product_area,
            "jira_utc_offset": f"{t.offset_minutes:+d} min",
            "engineers": sum(1 for p in world.people if p.stints[0].team == t.name),
        }
        for t in sorted(world.teams, key=lambda t: t.name)
    ]
    regression = world.special["quality_regression_team"]
    effects = dict(EFFECTS)
    effects["cfr_regression"] = {
        "team": regression,
        "before": EFFECTS["incident_rate_per_deploy"],
        "after": EFFECTS["incident_rate_per_deploy_regression"],
        "measure": "share of successful production deployments followed by an incident within 0-48 h",
    }
    manifest = {
        "generator": "ingestion.demo.generator",
        "generator_version": GENERATOR_VERSION,
        "company": ORG,
        "seed": seed,
        "parameters": {
            "teams": teams,
            "team_size": list(team_size),
            "months": months,
            "end_date": end_date.isoformat(),
        },
        "history": {"start_date": world.start.isoformat(), "end_date": world.end.isoformat()},
        "program_start": world.program_start.isoformat(),
        "copilot_reports_start": world.reports_start.isoformat(),
        "copilot_legacy_metrics": {
            "first_day": world.program_start.isoformat(),
            "last_day": (world.reports_start - timedelta(days=1)).isoformat(),
        },
        "cohorts": {
            "treatment": sorted(t.name for t in world.teams if t.cohort == "treatment"),
            "control": sorted(t.name for t in world.teams if t.cohort == "control"),
        },
        "rollout": rollout,
        "special_teams": dict(sorted(world.special.items())),
        "idle_seat_team": world.special["idle_seat_team"],
        "quality_regression_team": regression,
        "late_deployment_repo": {
            "repository": world.special["late_deployment_repo"],
            "first_deploy_on_or_after": next(
                t.deploy_start.isoformat()
                for t in world.teams
                if t.full_name == world.special["late_deployment_repo"] and t.deploy_start
            ),
        },
        "team_moves": world.movers,
        "gitlab": _gitlab_entry(world, projects, gitlab_counts),
        "roster_valid_to": "inclusive last day (a stint covers valid_from <= day <= valid_to)",
        "effects": effects,
        "true_hours_saved": true_hours_saved(world, ai_savings, costs["total_usd"]),
        "true_quality_regression": true_quality_regression(
            world,
            regression,
            incident_draws,
            restore_hours,
            float(EFFECTS["incident_rate_per_deploy"]),
            float(EFFECTS["incident_rate_per_deploy_regression"]),
        ),
        "true_leakage": true_leakage(world, ai_savings, leaked),
        "engineers": humans,
        "ai_cost_summary": costs,
        "copilot_summary": copilot_summary,
        "ai_tool_apis": ai_apis,
        "incident_summary": incident_summary,
        "team_counts": team_counts,
        "row_counts": dict(sorted(out.counts.items())),
    }
    out.write_json("manifest.json", manifest)
    return manifest


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


def _parse_size(value: str) -> tuple[int, int]:
    try:
        low, high = (int(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--team-size must be MIN,MAX, got {value!r}") from None
    return low, high


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.demo.generator", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data/demo"), help="output folder (default data/demo)"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--teams", type=int, default=8)
    parser.add_argument("--team-size", type=_parse_size, default=(5, 12), metavar="MIN,MAX")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--end-date", type=_parse_date, default=DEFAULT_END_DATE, metavar="YYYY-MM-DD"
    )
    parser.add_argument(
        "--no-gitlab",
        action="store_true",
        help="every team on GitHub (default: one control team hosted on GitLab)",
    )
    parser.add_argument(
        "--scale",
        metavar="TEAMSxAVG_SIZExMONTHS",
        help="shorthand, e.g. 200x10x24 (overrides the three)",
    )
    args = parser.parse_args(argv)
    teams, team_size, months = args.teams, args.team_size, args.months
    if args.scale:
        try:
            teams, average, months = parse_scale(args.scale)
        except ValueError as exc:
            parser.error(str(exc))
        team_size = scale_team_size(average)
    started = time.perf_counter()
    try:
        manifest = generate(
            args.out,
            args.seed,
            teams,
            team_size,
            months,
            args.end_date,
            log=print,
            gitlab=not args.no_gitlab,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, count in manifest["row_counts"].items():
        if not path.startswith(
            (
                "api/github/pull",
                "api/github/commits/",
                "api/github/deploy",
                "api/github/review",
            )
        ):
            print(f"  wrote {path}: {count} rows")
    totals: dict[str, int] = {}
    for path, count in manifest["row_counts"].items():
        if path.startswith("api/github/") and path.count("/") == 3:
            kind = path.split("/")[2]
            totals[kind] = totals.get(kind, 0) + count
    for kind, count in sorted(totals.items()):
        print(f"  wrote api/github/{kind}/*.jsonl: {count} rows")

    print(f"done in {time.perf_counter() - started:.1f}s -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
