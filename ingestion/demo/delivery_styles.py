"""Delivery styles: a post-processing step over a generated demo world (after
`ingestion.demo.generator.generate`) that moves some teams off the Deployments API and
PagerDuty, so the warehouse's other delivery sources run on the demo too.

    manifest = generate(Path("data/demo"), seed=42)
    apply_delivery_styles(Path("data/demo"), "mixed")  # or a profile dict, see PROFILES

Styles (each given to a repository or team of a different team):

- `actions`: the repository deploys by GitHub Actions. Each of its production deployments
  becomes a run of the workflow `Deploy to production` (`.github/workflows/deploy.yml`):
  head_sha = the deployment's SHA, created_at = the deployment's, conclusion from its latest
  status (success -> success, failure or error -> failure; no terminal status -> a run still
  `in_progress` without conclusion), updated_at = the latest status's time. Plus, not
  deployments: one cancelled run of the same workflow (superseded, a few minutes before a
  successful run of the same SHA) and a few runs of a second workflow `CI`
  (`.github/workflows/ci.yml`) on default-branch commits. Its API deployments (staging too)
  and their statuses are removed.
- `tags`: the repository deploys by tagging. Each successful production deployment becomes an
  annotated tag `v1.<n>.0` (n = 0, 1, ... in finishing order) on the deployed SHA with a
  tagger date = the deployment's finish time (a lightweight tag would deploy at its commit's
  committer date, which is the merge, not the deploy). Failed and unfinished deployments
  leave no tag. Its API deployments and statuses are removed.
- `issue_incidents`: the team records incidents as GitHub issues labelled `incident` (and a
  severity label) in the first repository it owns: one issue per PagerDuty incident of the
  team (created_at = the incident's, closed_at = its resolved_at, closed when resolved),
  plus, not incidents, a few issues labelled `bug` only and one pull request labelled
  `incident` (the issues API lists PRs too). The team's PagerDuty incidents are removed.

The results go to `api/github/delivery/<repo name>.json` (`{"repository", "workflows",
"workflow_runs", "releases", "tags", "tag_objects", "github_issues"}`, the shapes
`ingestion.demo.server` serves) and `manifest.json` gets a `delivery_styles` entry naming the
chosen repositories and teams with their counts (and `row_counts` follows the files).

Choice (deterministic, from the manifest and the world files): teams in the order (number of
documented special roles they carry, name), so the teams the demo's documented effects rely
on are used last; `actions` first, then `tags`, then `issue_incidents`, each on a team not used
yet. `actions` and `tags` take the team's first repository with both a successful and a failed
production deployment; `issue_incidents` a team with at least one PagerDuty incident and a
repository. A profile may also name them (`{"actions": ["acme/checkout-service"], ...}`).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ingestion.demo.output import dumps
from ingestion.demo.world import stable_hex

STYLES = ("actions", "tags", "issue_incidents")
#: style -> how many repositories/teams get it (an int), or which (a list of names:
#: repository full names for actions and tags, team names for issue_incidents)
MIXED: dict[str, int | list[str]] = {"actions": 1, "tags": 1, "issue_incidents": 1}
PROFILES: dict[str, Mapping[str, int | Sequence[str]]] = {"mixed": MIXED}

PRODUCTION_ENVIRONMENTS = ("production", "prod")
DEPLOY_WORKFLOW = ("Deploy to production", ".github/workflows/deploy.yml")
CI_WORKFLOW = ("CI", ".github/workflows/ci.yml")
#: runs of the CI workflow per `actions` repository (on evenly spaced main commits)
CI_RUNS = 6
#: issues labelled `bug` only per `issue_incidents` repository
BUG_ISSUES = 3
INCIDENT_LABEL = "incident"

#: id ranges that cannot meet the generator's (deployments 1.5e9, PRs 2.1e9, repos < 1e9)
RUN_ID_BASE = 10_000_000_000  # + deployment id
EXTRA_RUN_ID_BASE = 20_000_000_000  # + repository id * 100 + k
WORKFLOW_ID_BASE = 300_000_000  # + repository id % 1e6 * 10 + k
ISSUE_ID_BASE = 4_000_000_000  # + repository id % 1e6 * 10_000 + k

API = "https://api.github.com"
BOT = {"login": "ci-bot", "id": 61004120, "type": "User"}


# -- small helpers ---------------------------------------------------------------------------
def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _write_jsonl(path: Path, rows: Sequence[Any]) -> int:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(dumps(row))
            handle.write("\n")
    return len(rows)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


class _World:
    """What the choice and the transformations read from a generated data dir."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.gh = root / "api" / "github"
        self.manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text())
        self.repos = {r["full_name"]: r for r in _read_jsonl(self.gh / "repos.jsonl")}
        self.repo_team: dict[str, str] = {}
        self.service_team: dict[str, str] = {}
        with (root / "files" / "service_ownership.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["service_type"] == "repository":
                    self.repo_team[row["service"]] = row["team"]
                elif row["service_type"] == "pagerduty_service":
                    self.service_team[row["service"]] = row["team"]
        self.incidents = _read_jsonl(root / "api" / "pagerduty" / "incidents.jsonl")

    def team_repos(self, team: str) -> list[str]:
        return sorted(r for r, t in self.repo_team.items() if t == team and r in self.repos)

    def teams(self) -> list[str]:
        """Every team owning a repository or a PagerDuty service, fewest special roles first."""
        roles: Counter[str] = Counter()
        for value in (self.manifest.get("special_teams") or {}).values():
            roles[self.repo_team.get(value, value)] += 1
        teams = set(self.repo_team.values()) | set(self.service_team.values())
        return sorted(teams, key=lambda t: (roles[t], t))

    def deployments(self, full_name: str) -> tuple[list[dict[str, Any]], dict[int, list[Any]]]:
        name = self.repos[full_name]["name"]
        deployments = _read_jsonl(self.gh / "deployments" / f"{name}.jsonl")
        statuses = {
            s["deployment_id"]: s["statuses"]
            for s in _read_jsonl(self.gh / "deployment_statuses" / f"{name}.jsonl")
        }
        return deployments, statuses

    def production(self, full_name: str) -> list[dict[str, Any]]:
        """The repository's production deployments, oldest first, each with `_latest`
        (its latest status or None) and `_outcome` (success, failed or unfinished)."""
        deployments, statuses = self.deployments(full_name)
        rows = []
        for deployment in deployments:
            if deployment["environment"] not in PRODUCTION_ENVIRONMENTS:
                continue
            listed = statuses.get(deployment["id"]) or []
            latest = max(listed, key=lambda s: (s["created_at"], s["id"]), default=None)
            state = latest["state"] if latest else None
            outcome = {"success": "success", "failure": "failed", "error": "failed"}.get(
                state or "", "unfinished"
            )
            rows.append({**deployment, "_latest": latest, "_statuses": listed, "_outcome": outcome})
        return sorted(rows, key=lambda d: (d["created_at"], d["id"]))

    def team_incidents(self, team: str) -> list[dict[str, Any]]:
        return [i for i in self.incidents if self.service_team.get(i["service"]["summary"]) == team]


# -- choice ----------------------------------------------------------------------------------
def _deploy_repo(world: _World, team: str) -> str | None:
    """The team's first repository with a successful and a failed production deployment."""
    for full_name in world.team_repos(team):
        outcomes = {d["_outcome"] for d in world.production(full_name)}
        if {"success", "failed"} <= outcomes:
            return full_name
    return None


def choose(world: _World, profile: Mapping[str, int | Sequence[str]]) -> dict[str, list[str]]:
    """style -> the repositories (actions, tags) or teams (issue_incidents) it goes to."""
    unknown = set(profile) - set(STYLES)
    if unknown:
        raise ValueError(f"unknown delivery styles {sorted(unknown)}: use {list(STYLES)}")
    used: set[str] = set()
    chosen: dict[str, list[str]] = {}
    for style in STYLES:
        wanted = profile.get(style) or 0
        picked: list[str] = []
        if isinstance(wanted, int):
            for team in world.teams():
                if len(picked) == wanted:
                    break
                if team in used:
                    continue
                if style == "issue_incidents":
                    found = team if world.team_incidents(team) and world.team_repos(team) else None
                else:
                    found = _deploy_repo(world, team)
                if found:
                    picked.append(found)
                    used.add(team)
            if len(picked) < wanted:
                raise ValueError(
                    f"delivery style {style!r}: {wanted} wanted, only {len(picked)} eligible "
                    "team(s) left in this world (generate more teams)"
                )
        else:
            for name in wanted:
                owner = name if style == "issue_incidents" else world.repo_team.get(name)
                if style != "issue_incidents" and name not in world.repos:
                    raise ValueError(f"delivery style {style!r}: no repository {name!r}")
                if owner is None or (style == "issue_incidents" and not world.team_repos(owner)):
                    raise ValueError(f"delivery style {style!r}: {name!r} has no owning team/repo")
                if owner in used:
                    raise ValueError(
                        f"delivery style {style!r}: team {owner!r} already has a style"
                    )
                picked.append(name)
                used.add(owner)
        chosen[style] = picked
    return chosen


# -- transformations -------------------------------------------------------------------------
def _workflow(repo: dict[str, Any], k: int, name: str, path: str) -> dict[str, Any]:
    full_name = repo["full_name"]
    workflow_id = WORKFLOW_ID_BASE + repo["id"] % 1_000_000 * 10 + k
    return {
        "id": workflow_id,
        "node_id": f"W_{stable_hex(full_name, 'workflow', path, length=16)}",
        "name": name,
        "path": path,
        "state": "active",
        "created_at": repo["created_at"],
        "updated_at": repo["created_at"],
        "url": f"{API}/repos/{full_name}/actions/workflows/{workflow_id}",
        "html_url": f"https://github.com/{full_name}/blob/main/{path}",
        "badge_url": f"https://github.com/{full_name}/workflows/{name}/badge.svg",
    }


def _run(
    repo: dict[str, Any],
    workflow: dict[str, Any],
    run_id: int,
    run_number: int,
    head_sha: str,
    created: str,
    started: str,
    updated: str,
    status: str,
    conclusion: str | None,
    event: str,
    title: str,
) -> dict[str, Any]:
    full_name = repo["full_name"]
    return {
        "id": run_id,
        "name": workflow["name"],
        "node_id": f"WFR_{stable_hex(full_name, 'run', run_id, length=16)}",
        "head_branch": repo.get("default_branch") or "main",
        "head_sha": head_sha,
        "path": workflow["path"],
        "display_title": title,
        "run_number": run_number,
        "event": event,
        "status": status,
        "conclusion": conclusion,
        "workflow_id": workflow["id"],
        "url": f"{API}/repos/{full_name}/actions/runs/{run_id}",
        "html_url": f"https://github.com/{full_name}/actions/runs/{run_id}",
        "created_at": created,
        "updated_at": updated,
        "run_attempt": 1,
        "run_started_at": started,
        "actor": BOT,
        "triggering_actor": BOT,
    }


def actions_delivery(world: _World, full_name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(delivery file content, manifest summary) of one repository moved to Actions runs."""
    repo = world.repos[full_name]
    deploy = _workflow(repo, 1, *DEPLOY_WORKFLOW)
    ci = _workflow(repo, 2, *CI_WORKFLOW)
    production = world.production(full_name)
    runs: list[dict[str, Any]] = []
    conclusions: Counter[str] = Counter()
    for number, deployment in enumerate(production, start=1):
        latest = deployment["_latest"]
        running = [s for s in deployment["_statuses"] if s["state"] == "in_progress"]
        started = min((s["created_at"] for s in running), default=deployment["created_at"])
        if deployment["_outcome"] == "unfinished":
            status, conclusion = "in_progress", None
        else:
            status = "completed"
            conclusion = "success" if deployment["_outcome"] == "success" else "failure"
        conclusions[conclusion or "in_progress"] += 1
        runs.append(
            _run(
                repo,
                deploy,
                RUN_ID_BASE + deployment["id"],
                number,
                deployment["sha"],
                deployment["created_at"],
                started,
                latest["created_at"] if latest else deployment["created_at"],
                status,
                conclusion,
                "push",
                deployment.get("description") or f"Deploy {deployment['sha'][:7]}",
            )
        )
    extra_id = EXTRA_RUN_ID_BASE + repo["id"] * 100
    # a run superseded by the next push: cancelled a few minutes before the middle
    # successful deployment's run of the same commit started (not a deployment)
    successes = [d for d in production if d["_outcome"] == "success"]
    cancelled = 0
    if successes:
        middle = successes[len(successes) // 2]
        at = _time(middle["created_at"])
        runs.append(
            _run(
                repo,
                deploy,
                extra_id,
                len(production) + 1,
                middle["sha"],
                _iso(at - timedelta(minutes=6)),
                _iso(at - timedelta(minutes=6)),
                _iso(at - timedelta(minutes=1)),
                "completed",
                "cancelled",
                "push",
                f"Deploy {middle['sha'][:7]}",
            )
        )
        cancelled = 1
    # CI runs on evenly spaced default-branch commits inside the deployments' span
    first, last = (
        (production[0]["created_at"], production[-1]["created_at"]) if production else ("", "")
    )
    commits = sorted(
        (
            c
            for c in _read_jsonl(world.gh / "commits" / f"{repo['name']}.jsonl")
            if first <= c["commit"]["committer"]["date"] <= last
        ),
        key=lambda c: (c["commit"]["committer"]["date"], c["sha"]),
    )
    picks = [commits[(k * len(commits)) // CI_RUNS] for k in range(CI_RUNS)] if commits else []
    for k, commit in enumerate(picks, start=1):
        at = _time(commit["commit"]["committer"]["date"])
        runs.append(
            _run(
                repo,
                ci,
                extra_id + k,
                k,
                commit["sha"],
                _iso(at + timedelta(seconds=20)),
                _iso(at + timedelta(seconds=35)),
                _iso(at + timedelta(minutes=7)),
                "completed",
                "failure" if k % 3 == 0 else "success",
                "push",
                commit["commit"]["message"].splitlines()[0],
            )
        )
    runs.sort(key=lambda r: (r["created_at"], r["id"]))
    numbers: Counter[int] = Counter()
    for run in runs:  # run numbers count up per workflow in creation order
        numbers[run["workflow_id"]] += 1
        run["run_number"] = numbers[run["workflow_id"]]
    summary = {
        "repository": full_name,
        "team": world.repo_team[full_name],
        "workflow": deploy["name"],
        "deploy_runs": len(production),
        "success": conclusions["success"],
        "failure": conclusions["failure"],
        "in_progress": conclusions["in_progress"],
        "cancelled_runs": cancelled,
        "ci_runs": len(picks),
    }
    return {"workflows": [deploy, ci], "workflow_runs": runs}, summary


def tags_delivery(world: _World, full_name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(delivery file content, manifest summary) of one repository moved to tags."""
    production = world.production(full_name)
    successes = sorted(
        (d for d in production if d["_outcome"] == "success"),
        key=lambda d: (d["_latest"]["created_at"], d["id"]),
    )
    refs: list[dict[str, Any]] = []
    objects: dict[str, dict[str, Any]] = {}
    for n, deployment in enumerate(successes):
        name = f"v1.{n}.0"
        sha = stable_hex(full_name, "tag", name)
        refs.append(
            {
                "ref": f"refs/tags/{name}",
                "node_id": f"REF_{stable_hex(full_name, 'ref', name, length=16)}",
                "url": f"{API}/repos/{full_name}/git/refs/tags/{name}",
                "object": {
                    "sha": sha,
                    "type": "tag",
                    "url": f"{API}/repos/{full_name}/git/tags/{sha}",
                },
            }
        )
        objects[sha] = {
            "node_id": f"TAG_{stable_hex(full_name, 'tagobj', name, length=16)}",
            "tag": name,
            "sha": sha,
            "url": f"{API}/repos/{full_name}/git/tags/{sha}",
            "message": f"Release {name}\n",
            "tagger": {
                "name": "ci-bot",
                "email": "ci-bot@acme.example",
                "date": deployment["_latest"]["created_at"],
            },
            "object": {
                "sha": deployment["sha"],
                "type": "commit",
                "url": f"{API}/repos/{full_name}/git/commits/{deployment['sha']}",
            },
            "verification": {"verified": False, "reason": "unsigned", "signature": None},
        }
    outcomes = Counter(d["_outcome"] for d in production)
    summary = {
        "repository": full_name,
        "team": world.repo_team[full_name],
        "tags": len(refs),
        "annotated": len(refs),
        "failed_deployments_untagged": outcomes["failed"],
        "unfinished_deployments_untagged": outcomes["unfinished"],
    }
    return {"releases": [], "tags": refs, "tag_objects": objects}, summary


def _issue(
    full_name: str,
    issue_id: int,
    number: int,
    title: str,
    body: str,
    labels: Sequence[str],
    created: str,
    closed: str | None,
    updated: str,
) -> dict[str, Any]:
    return {
        "id": issue_id,
        "node_id": f"I_{stable_hex(full_name, 'issue', number, length=16)}",
        "url": f"{API}/repos/{full_name}/issues/{number}",
        "repository_url": f"{API}/repos/{full_name}",
        "html_url": f"https://github.com/{full_name}/issues/{number}",
        "number": number,
        "state": "closed" if closed else "open",
        "state_reason": "completed" if closed else None,
        "title": title,
        "body": body,
        "user": BOT,
        "labels": [
            {"id": int(stable_hex(full_name, "label", label, length=8), 16), "name": label}
            for label in labels
        ],
        "assignee": None,
        "assignees": [],
        "comments": 0,
        "created_at": created,
        "updated_at": updated,
        "closed_at": closed,
    }


def issue_incidents_delivery(
    world: _World, team: str
) -> tuple[str, dict[str, Any], dict[str, Any], set[str]]:
    """(repository, delivery file content, manifest summary, moved PagerDuty incident ids)."""
    full_name = world.team_repos(team)[0]
    repo = world.repos[full_name]
    incidents = sorted(
        world.team_incidents(team), key=lambda i: (i["created_at"], i["incident_number"])
    )
    pulls = _read_jsonl(world.gh / "pulls" / f"{repo['name']}.jsonl")
    merged = sorted(
        (p for p in pulls if p.get("merged_at")), key=lambda p: (p["merged_at"], p["number"])
    )
    # new issues, numbered after the repository's pull requests in creation order
    drafts: list[tuple[str, str, dict[str, Any]]] = []
    for incident in incidents:
        closed = incident["resolved_at"] if incident["status"] == "resolved" else None
        severity = "severity:high" if incident.get("urgency") == "high" else "severity:low"
        drafts.append(
            (
                incident["created_at"],
                "incident",
                {
                    "title": incident["title"],
                    "body": incident.get("description") or incident["title"],
                    "labels": [INCIDENT_LABEL, severity],
                    "created": incident["created_at"],
                    "closed": closed,
                    "updated": incident["updated_at"],
                },
            )
        )
    picks = [merged[(k * len(merged)) // BUG_ISSUES] for k in range(BUG_ISSUES)] if merged else []
    for pull in picks:
        drafts.append(
            (
                pull["created_at"],
                "bug",
                {
                    "title": f"Bug: {pull['title'].split(': ', 1)[-1].lower()} misbehaves",
                    "body": "Found while testing.",
                    "labels": ["bug"],
                    "created": pull["created_at"],
                    "closed": pull["merged_at"],
                    "updated": pull["merged_at"],
                },
            )
        )
    drafts.sort(key=lambda d: (d[0], d[1], d[2]["title"]))
    first_number = max((p["number"] for p in pulls), default=0) + 1
    base_id = ISSUE_ID_BASE + repo["id"] % 1_000_000 * 10_000
    issues = [
        _issue(
            full_name,
            base_id + k,
            first_number + k,
            d["title"],
            d["body"],
            d["labels"],
            d["created"],
            d["closed"],
            d["updated"],
        )
        for k, (_, _, d) in enumerate(drafts)
    ]
    # the issues API lists pull requests too: a hotfix PR labelled `incident` (not one)
    labelled_pulls = 0
    hotfixes = [p for p in merged if p["title"].lower().startswith(("hotfix", "revert"))]
    candidates = hotfixes or merged
    if candidates:
        pull = candidates[-1]
        item = _issue(
            full_name,
            base_id + len(drafts),
            pull["number"],
            pull["title"],
            "Fix for the incident.",
            [INCIDENT_LABEL],
            pull["created_at"],
            pull["merged_at"],
            pull["merged_at"],
        )
        item["html_url"] = pull["html_url"]
        item["user"] = pull.get("user") or BOT
        item["pull_request"] = {
            "url": f"{API}/repos/{full_name}/pulls/{pull['number']}",
            "html_url": pull["html_url"],
            "merged_at": pull["merged_at"],
        }
        issues.append(item)
        labelled_pulls = 1
    summary = {
        "team": team,
        "repository": full_name,
        "incident_issues": len(incidents),
        "open": sum(1 for i in incidents if i["status"] != "resolved"),
        "bug_issues": len(picks),
        "labelled_pull_requests": labelled_pulls,
    }
    return full_name, {"github_issues": issues}, summary, {i["id"] for i in incidents}


# -- the step --------------------------------------------------------------------------------
def apply_delivery_styles(
    data_dir: Path, profile: str | Mapping[str, int | Sequence[str]]
) -> dict[str, Any]:
    """Rewrite the generated world under `data_dir` for `profile` (a name in PROFILES or a
    style -> count/names mapping); returns the manifest's new `delivery_styles` entry."""
    root = Path(data_dir)
    name = profile if isinstance(profile, str) else "custom"
    if isinstance(profile, str):
        if profile not in PROFILES:
            raise ValueError(f"unknown delivery-styles profile {profile!r}: use {sorted(PROFILES)}")
        profile = PROFILES[profile]
    world = _World(root)
    if "delivery_styles" in world.manifest:
        raise ValueError(f"{root} already has delivery styles applied: generate it again first")
    chosen = choose(world, profile)
    counts: dict[str, int] = world.manifest.setdefault("row_counts", {})
    files: dict[str, dict[str, Any]] = {}
    entry: dict[str, Any] = {"profile": name}

    def remove_deployments(full_name: str) -> int:
        repo_name = world.repos[full_name]["name"]
        deployments, _ = world.deployments(full_name)
        for kind in ("deployments", "deployment_statuses"):
            rel = f"api/github/{kind}/{repo_name}.jsonl"
            counts[rel] = _write_jsonl(root / rel, [])
        return len(deployments)

    entry["actions"] = []
    for full_name in chosen["actions"]:
        content, summary = actions_delivery(world, full_name)
        summary["removed_api_deployments"] = remove_deployments(full_name)
        files.setdefault(full_name, {}).update(content)
        entry["actions"].append(summary)
    entry["tags"] = []
    for full_name in chosen["tags"]:
        content, summary = tags_delivery(world, full_name)
        summary["removed_api_deployments"] = remove_deployments(full_name)
        files.setdefault(full_name, {}).update(content)
        entry["tags"].append(summary)
    entry["issue_incidents"] = []
    moved: set[str] = set()
    for team in chosen["issue_incidents"]:
        full_name, content, summary, ids = issue_incidents_delivery(world, team)
        files.setdefault(full_name, {}).update(content)
        entry["issue_incidents"].append(summary)
        moved |= ids
    if moved:
        rel = "api/pagerduty/incidents.jsonl"
        counts[rel] = _write_jsonl(root / rel, [i for i in world.incidents if i["id"] not in moved])

    folder = root / "api" / "github" / "delivery"
    folder.mkdir(parents=True, exist_ok=True)
    for full_name, content in sorted(files.items()):
        rel = f"api/github/delivery/{world.repos[full_name]['name']}.json"
        body = {"repository": full_name, **content}
        (root / rel).write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")
        counts[rel] = sum(len(v) for k, v in content.items())
    world.manifest["row_counts"] = dict(sorted(counts.items()))
    world.manifest["delivery_styles"] = entry
    (root / "manifest.json").write_text(
        json.dumps(world.manifest, indent=2, ensure_ascii=False) + "\n"
    )
    return entry
