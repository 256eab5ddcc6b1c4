"""GitHub REST shapes of a simulated team: pulls, pull details, review comments,
deployments and their statuses, commits on main, the repository."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ingestion.demo.simulation import PR, TeamSimulation
from ingestion.demo.timeutil import iso_utc
from ingestion.demo.world import COPILOT_AGENT, DEPENDABOT, ORG, WEB_FLOW, stable_hex, stable_int

GH_API = "https://api.github.com"
GH_WEB = "https://github.com"


class GitHubRender(TeamSimulation):
    """Renders a `TeamSimulation`'s state as GitHub REST payloads.

    A subclass of it for the attributes it reads; `engineering.TeamRun` combines the renderers.
    """

    def pr_object(self, pr: PR) -> dict[str, Any]:
        repo = self.team.full_name
        cut = self.cut_utc
        state = "closed" if pr.closed is not None else "open"
        draft = state == "open" and pr.ready is not None and pr.ready >= cut
        return {
            "url": f"{GH_API}/repos/{repo}/pulls/{pr.number}",
            "id": pr.gh_id,
            "html_url": f"{GH_WEB}/{repo}/pull/{pr.number}",
            "number": pr.number,
            "state": state,
            "locked": False,
            "title": pr.title,
            "user": dict(pr.author),
            "body": pr.body,
            "labels": [{"id": stable_int("label", repo, name), "name": name} for name in pr.labels],
            "created_at": iso_utc(pr.created),
            "updated_at": iso_utc(pr.updated_at(cut)),
            "closed_at": iso_utc(pr.closed) if pr.closed else None,
            "merged_at": iso_utc(pr.merged) if pr.merged else None,
            "merge_commit_sha": pr.merge_sha if pr.merged else None,
            "draft": draft,
            "head": {"label": f"{ORG}:{pr.head_ref}", "ref": pr.head_ref, "sha": pr.head_sha},
            "base": {"label": f"{ORG}:main", "ref": "main", "sha": pr.base_sha},
            "author_association": "NONE" if pr.author["type"] == "Bot" else "MEMBER",
        }

    def _commit_user(self, login: str) -> dict[str, Any]:
        if login == COPILOT_AGENT["login"]:
            return dict(COPILOT_AGENT)
        if login == DEPENDABOT["login"]:
            return dict(DEPENDABOT)
        person = next(p for p in self.members if p.login == login)
        return person.github_user()

    def pr_commit_objects(self, pr: PR) -> list[dict[str, Any]]:
        repo = self.team.full_name
        shas = self._pr_commit_shas(pr)
        objects = []
        parent = pr.base_sha
        for sha, when, message in zip(shas, pr.commit_times, pr.commit_messages, strict=True):
            if when >= self.cut_utc:
                break
            stamp = iso_utc(when)
            objects.append(
                {
                    "sha": sha,
                    "commit": {
                        "author": {"name": pr.author_name, "email": pr.author_email, "date": stamp},
                        "committer": {
                            "name": pr.author_name,
                            "email": pr.author_email,
                            "date": stamp,
                        },
                        "message": message,
                    },
                    "url": f"{GH_API}/repos/{repo}/commits/{sha}",
                    "author": dict(pr.author),
                    "committer": dict(pr.author),
                    "parents": [{"sha": parent, "url": f"{GH_API}/repos/{repo}/commits/{parent}"}],
                }
            )
            parent = sha
        return objects

    def main_commit_objects(self, prs_by_seq: dict[int, PR]) -> list[dict[str, Any]]:
        objects = []
        root_time = datetime.combine(
            self.world.start - timedelta(days=400), datetime.min.time()
        ) + timedelta(hours=10)
        person = self.members[0]
        objects.append(
            self._main_commit(
                self.root_sha,
                [],
                root_time,
                root_time,
                "Initial commit",
                person.github_user(),
                person.display_name,
                person.email,
                person.github_user(),
            )
        )
        for sha, parents, when, pr in self.main_commits:
            pr = prs_by_seq.get(pr.seq, pr) if pr is not None else None
            if pr is None:
                continue
            if pr.merge_method == "merge":
                for k, (csha, ctime, msg) in enumerate(
                    zip(self._pr_commit_shas(pr), pr.commit_times, pr.commit_messages, strict=True)
                ):
                    cparents = [pr.base_sha] if k == 0 else [self._pr_commit_shas(pr)[k - 1]]
                    objects.append(
                        self._main_commit(
                            csha,
                            cparents,
                            ctime,
                            ctime,
                            msg,
                            pr.author,
                            pr.author_name,
                            pr.author_email,
                            pr.author,
                        )
                    )
                message = f"Merge pull request #{pr.number} from {ORG}/{pr.head_ref}\n\n{pr.title}"
            else:
                trailers = [m.split("\n\n", 1)[1] for m in pr.commit_messages if "\n\n" in m]
                body = "\n".join(f"* {m.splitlines()[0]}" for m in pr.commit_messages)
                message = f"{pr.title} (#{pr.number})\n\n{body}"
                if trailers:
                    message += "\n\n" + "\n".join(sorted(set(trailers)))
            objects.append(
                self._main_commit(
                    sha,
                    parents,
                    when,
                    when,
                    message,
                    pr.author,
                    pr.author_name,
                    pr.author_email,
                    dict(WEB_FLOW),
                    committer_name="GitHub",
                    committer_email="noreply@github.com",
                )
            )
        return objects

    def _main_commit(
        self,
        sha: str,
        parents: list[str],
        authored: datetime,
        committed: datetime,
        message: str,
        author: dict[str, Any],
        name: str,
        email: str,
        committer: dict[str, Any],
        committer_name: str | None = None,
        committer_email: str | None = None,
    ) -> dict[str, Any]:
        repo = self.team.full_name
        return {
            "sha": sha,
            "commit": {
                "author": {"name": name, "email": email, "date": iso_utc(authored)},
                "committer": {
                    "name": committer_name or name,
                    "email": committer_email or email,
                    "date": iso_utc(committed),
                },
                "message": message,
            },
            "url": f"{GH_API}/repos/{repo}/commits/{sha}",
            "html_url": f"{GH_WEB}/{repo}/commit/{sha}",
            "author": dict(author),
            "committer": dict(committer),
            "parents": [{"sha": p, "url": f"{GH_API}/repos/{repo}/commits/{p}"} for p in parents],
        }

    def pr_details(self, pr: PR) -> dict[str, Any]:
        repo = self.team.full_name
        shas = self._pr_commit_shas(pr)
        reviews = []
        ordered = sorted(zip(pr.reviews, pr.review_ids, strict=True), key=lambda r: (r[0][0], r[1]))
        for (when, reviewer, state), review_id in ordered:
            if when >= self.cut_utc:
                continue
            commit_id = pr.head_sha
            for sha, ctime in zip(shas, pr.commit_times, strict=True):
                if ctime <= when:
                    commit_id = sha
            reviews.append(
                {
                    "id": review_id,
                    "user": reviewer.github_user(),
                    "body": "" if state == "APPROVED" else "See comments.",
                    "state": state,
                    "html_url": f"{GH_WEB}/{repo}/pull/{pr.number}#pullrequestreview-{review_id}",
                    "pull_request_url": f"{GH_API}/repos/{repo}/pulls/{pr.number}",
                    "submitted_at": iso_utc(when),
                    "commit_id": commit_id,
                    "author_association": "MEMBER",
                }
            )
        files = [
            {
                "sha": stable_hex("blob", repo, pr.seq, name),
                "filename": name,
                "status": status,
                "additions": additions,
                "deletions": deletions,
                "changes": additions + deletions,
            }
            for name, status, additions, deletions in pr.files
        ]
        return {
            "number": pr.number,
            "commits": self.pr_commit_objects(pr),
            "reviews": reviews,
            "files": files,
        }

    def comment_objects(self, pr: PR) -> list[dict[str, Any]]:
        repo = self.team.full_name
        ids = pr.comment_ids
        objects = []
        for k, (when, user, reply_to) in enumerate(pr.comments):
            if when >= self.cut_utc:
                continue
            obj = {
                "url": f"{GH_API}/repos/{repo}/pulls/comments/{ids[k]}",
                "id": ids[k],
                "pull_request_review_id": None,
                "diff_hunk": "@@ -1,4 +1,6 @@",
                "path": pr.files[k % len(pr.files)][0] if pr.files else "README.md",
                "commit_id": pr.head_sha,
                "user": dict(user),
                "body": "Nit: could we simplify this?" if reply_to is None else "Done, thanks.",
                "created_at": iso_utc(when),
                "updated_at": iso_utc(when),
                "html_url": f"{GH_WEB}/{repo}/pull/{pr.number}#discussion_r{ids[k]}",
                "pull_request_url": f"{GH_API}/repos/{repo}/pulls/{pr.number}",
                "author_association": "MEMBER",
            }
            if reply_to is not None:
                obj["in_reply_to_id"] = ids[reply_to]
            objects.append(obj)
        return objects

    def deployment_objects(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        repo = self.team.full_name
        deployments, statuses = [], []
        for d in sorted(self.deployments, key=lambda d: d["id"]):
            created = iso_utc(d["created"])
            visible = [
                (sid, state, when) for sid, state, when in d["statuses"] if when < self.cut_utc
            ]
            deployments.append(
                {
                    "url": f"{GH_API}/repos/{repo}/deployments/{d['id']}",
                    "id": d["id"],
                    "sha": d["sha"],
                    "ref": "main",
                    "task": "deploy",
                    "payload": {},
                    "original_environment": d["environment"],
                    "environment": d["environment"],
                    "description": f"Deploy {d['sha'][:7]} to {d['environment']}",
                    "creator": {"login": "ci-bot", "id": 61_004_120, "type": "User"},
                    "created_at": created,
                    "updated_at": iso_utc(visible[-1][2]) if visible else created,
                    "statuses_url": f"{GH_API}/repos/{repo}/deployments/{d['id']}/statuses",
                    "production_environment": d["environment"] == "production",
                    "transient_environment": False,
                }
            )
            statuses.append(
                {
                    "deployment_id": d["id"],
                    "statuses": [
                        {
                            "url": f"{GH_API}/repos/{repo}/deployments/{d['id']}/statuses/{sid}",
                            "id": sid,
                            "state": state,
                            "creator": {"login": "ci-bot", "id": 61_004_120, "type": "User"},
                            "description": f"Deployment {state}",
                            "environment": d["environment"],
                            "target_url": f"https://ci.acme.example/deploys/{d['id']}",
                            "log_url": f"https://ci.acme.example/deploys/{d['id']}/log",
                            "created_at": iso_utc(when),
                            "updated_at": iso_utc(when),
                            "deployment_url": f"{GH_API}/repos/{repo}/deployments/{d['id']}",
                        }
                        for sid, state, when in reversed(visible)  # newest first, like the API
                    ],
                }
            )
        return deployments, statuses

    def repo_object(self, prs: list[PR]) -> dict[str, Any]:
        team = self.team
        repo_id = 600_000_000 + stable_int("repo", team.full_name, bits=24)
        pushed = max(
            [pr.merged for pr in prs if pr.merged]
            + [datetime.combine(self.world.start, datetime.min.time())]
        )
        return {
            "id": repo_id,
            "node_id": "R_" + stable_hex("node", team.full_name, length=12),
            "name": team.repo,
            "full_name": team.full_name,
            "private": True,
            "owner": {"login": ORG, "id": 91_240_771, "type": "Organization"},
            "html_url": f"{GH_WEB}/{team.full_name}",
            "url": f"{GH_API}/repos/{team.full_name}",
            "description": f"The {team.name} service",
            "default_branch": "main",
            "archived": False,
            "created_at": iso_utc(
                datetime.combine(self.world.start - timedelta(days=400), datetime.min.time())
                + timedelta(hours=10)
            ),
            "updated_at": iso_utc(pushed),
            "pushed_at": iso_utc(pushed),
            "language": team.languages[0].capitalize(),
        }
