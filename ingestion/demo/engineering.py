"""One team's engineering history: Jira work, GitHub PRs (or GitLab merge requests),
deployments and incidents.

`TeamRun` combines the simulation (ingestion/demo/simulation.py: the team's events as
plain data, on its own seeded RNG, in its local wall-clock time) with the per-vendor
rendering (ingestion/demo/render/: GitHub REST, GitLab REST, Jira) and writes the files.
A team hosted on GitLab (`Team.platform`) gets GitLab files under `api/gitlab/` and no
GitHub files; the simulation, and so every other file, is the same either way. Only small
summaries are returned, so the generator never holds more than one team's objects in memory.
"""

from __future__ import annotations

from typing import Any

from ingestion.demo.output import Output
from ingestion.demo.render.github import GitHubRender
from ingestion.demo.render.gitlab import GitLabRender
from ingestion.demo.render.jira import JiraRender
from ingestion.demo.simulation import (
    PR,
    STATUS_CATEGORIES,
    STATUSES,
    Counters,
    TeamResult,
    TeamSimulation,
    _utc,
)
from ingestion.demo.world import Team, World

__all__ = ["STATUSES", "STATUS_CATEGORIES", "Counters", "TeamResult", "simulate_team"]


class TeamRun(GitHubRender, GitLabRender, JiraRender, TeamSimulation):
    """Simulates one team, renders it per vendor and writes the files."""

    def run(self) -> TeamResult:
        self.make_epics()
        self.make_tasks()
        self.renumber_issues()
        self.make_task_prs()
        self.make_bot_and_spike_prs()
        self.walk_timeline()
        prs = self.finalize_prs()
        self.out.append_jsonl("api/jira/issues.jsonl", self.jira_objects())
        by_seq = {pr.seq: pr for pr in prs}
        gitlab = None
        if self.team.platform == "gitlab":
            deployments, gitlab_counts = self.write_gitlab(prs, by_seq)
            repo = None
            gitlab = {"project": self.project_object(prs), "counts": gitlab_counts}
        else:
            deployments = self.write_github(prs, by_seq)
            repo = self.repo_object(prs)
        epics = []
        for epic in self.epics:
            if epic.created >= self.cut_local:
                continue
            done = [t.done for t in epic.tasks]
            finished = (
                bool(done) and epic.window_end < self.cut_local and max(done) < self.cut_local
            )
            epics.append(
                {
                    "key": epic.key,
                    "name": epic.summary,
                    "team": self.team.name,
                    "product_area": self.team.product_area,
                    "done": max(done).date() if finished else None,
                }
            )
        incidents = []
        for incident in self.incidents:
            if incident["_created"] >= self.cut_utc:
                continue
            incidents.append(incident)
        counts = {
            "tasks": sum(1 for t in self.tasks if t.created < self.cut_local),
            "ai_tasks": sum(1 for t in self.tasks if t.ai and t.start < self.cut_local),
            "pull_requests": len(prs),
            "deployments": len(deployments),
        }
        return TeamResult(
            self.team.name,
            epics,
            incidents,
            counts,
            repo,
            self.ai_savings(),
            [
                (_utc(done, self.team).date(), idle)
                for done, idle in self.leaked
                if done < self.cut_local
            ],
            self.incident_draws,
            [
                (i["_resolved"] - i["_created"]).total_seconds() / 3600
                for i in self.incidents
                if i["_cause_deployment_id"] is not None and i["_resolved"] is not None
            ],
            gitlab,
        )

    def write_github(self, prs: list[PR], by_seq: dict[int, PR]) -> list[dict[str, Any]]:
        """The team's GitHub files (api/github/<kind>/<repo>.jsonl); returns its deployments."""
        out = self.out
        name = self.team.repo
        out.write_jsonl(f"api/github/pulls/{name}.jsonl", (self.pr_object(pr) for pr in prs))
        out.write_jsonl(
            f"api/github/pull_details/{name}.jsonl", (self.pr_details(pr) for pr in prs)
        )
        comments = sorted(
            (c for pr in prs for c in self.comment_objects(pr)),
            key=lambda c: (c["created_at"], c["id"]),
        )
        out.write_jsonl(f"api/github/review_comments/{name}.jsonl", comments)
        deployments, statuses = self.deployment_objects()
        out.write_jsonl(f"api/github/deployments/{name}.jsonl", deployments)
        out.write_jsonl(f"api/github/deployment_statuses/{name}.jsonl", statuses)
        out.write_jsonl(f"api/github/commits/{name}.jsonl", self.main_commit_objects(by_seq))
        return deployments

    def write_gitlab(
        self, prs: list[PR], by_seq: dict[int, PR]
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The team's GitLab files (api/gitlab/<kind>/<project name>.jsonl); returns its
        deployments and what the files hold (the manifest's `gitlab.counts`)."""
        out = self.out
        name = self.team.repo
        mrs = [self.mr_object(pr) for pr in prs]
        out.write_jsonl(f"api/gitlab/merge_requests/{name}.jsonl", mrs)
        out.write_jsonl(
            f"api/gitlab/merge_request_details/{name}.jsonl", (self.mr_details(pr) for pr in prs)
        )
        out.write_jsonl(f"api/gitlab/environments/{name}.jsonl", self.environment_objects())
        deployments, pipelines = self.gl_deployment_objects()
        out.write_jsonl(f"api/gitlab/deployments/{name}.jsonl", deployments)
        out.write_jsonl(f"api/gitlab/pipelines/{name}.jsonl", pipelines)
        tags, releases = self.gl_release_objects()
        out.write_jsonl(f"api/gitlab/tags/{name}.jsonl", tags)
        out.write_jsonl(f"api/gitlab/releases/{name}.jsonl", releases)
        commits = self.gl_main_commit_objects(by_seq)
        out.write_jsonl(f"api/gitlab/commits/{name}.jsonl", commits)
        production = [d for d in deployments if d["environment"]["name"] == "production"]
        counts = {
            "merge_requests": len(mrs),
            "merged_merge_requests": sum(1 for mr in mrs if mr["state"] == "merged"),
            "open_merge_requests": sum(1 for mr in mrs if mr["state"] == "opened"),
            "deployments": len(deployments),
            "production_deployments": len(production),
            "successful_production_deployments": sum(
                1 for d in production if d["status"] == "success"
            ),
            "failed_production_deployments": sum(1 for d in production if d["status"] == "failed"),
            "pipelines": len(pipelines),
            "tags": len(tags),
            "releases": len(releases),
            "commits": len(commits),
        }
        return deployments, counts


def simulate_team(world: World, team: Team, counters: Counters, out: Output) -> TeamResult:
    return TeamRun(world, team, counters, out).run()
