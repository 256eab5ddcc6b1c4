"""GitLab REST v4 shapes of a simulated team (a team hosted on GitLab): the project, merge
requests with their commits, approvals, notes and diffs, environments, deployments,
pipelines, tags, releases and the default branch's commits.

The same simulation events as render/github.py, so a GitLab team's merge requests,
deployments and commits are exactly what its GitHub rendering would have been (same SHAs,
same times, same sizes). Shapes follow GitLab's REST API reference
(https://docs.gitlab.com/api/merge_requests/, .../merge_request_approvals/, .../notes/,
.../environments/, .../deployments/, .../pipelines/, .../tags/, .../releases/,
.../commits/, .../projects/).

Mapping of the simulation's GitHub-flavoured events:
- a PR is a merge request (`iid` = the PR number, `id` = the PR id); merged ones are
  squashed (`squash_commit_sha`) unless the simulation used a merge commit
  (`merge_commit_sha`); a closed unmerged PR is `closed`, a draft is `draft` with a
  `Draft:` title prefix;
- an APPROVED review is an approval (`approved_by[].approved_at`, GitLab 17.x) and an
  "approved this merge request" system note (a reviewer approving twice approves once, at
  the first time); CHANGES_REQUESTED and COMMENTED reviews are a reviewer's discussion note
  at the review time; review comments are diff notes;
- the dependency-update PRs are opened by a project access token's bot user
  (`project_<id>_bot_<hex>`, as Renovate runs on GitLab), not Dependabot;
- commit e-mails are GitLab no-reply addresses (`<user id>-<username>@users.noreply.gitlab.com`),
  which is what the source derives commit author logins from;
- a deployment keeps one status, updated in place: `success`, `failed` or `running` (the
  GitHub rendering's latest status), finished by its deploy job; one pipeline per
  deployment runs on `main` (no pipeline name, so the source's default `pipeline_pattern`
  keeps none: the team deploys through environments);
- the first successful production deployment of each calendar month is tagged `v1.<n>.0`
  (an annotated tag created at the deploy's finish) and released.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ingestion.demo.simulation import PR, TeamSimulation
from ingestion.demo.world import ORG, Person, stable_hex, stable_int

GL_WEB = "https://gitlab.com"
GL_GROUP_ID = 70_104_551
#: GitLab deploy user (a machine user, like ci-bot on GitHub)
GL_CI_BOT = "ci-bot"
PRODUCTION_ENVIRONMENT = ("production", "production")
STAGING_ENVIRONMENT = ("staging", "staging")
#: GitLab's single deployment status for the simulation's latest status
DEPLOYMENT_STATUS = {"success": "success", "failure": "failed", "in_progress": "running"}
NOREPLY_DOMAIN = "users.noreply.gitlab.com"


def gitlab_user_id(login: str) -> int:
    return 20_000_000 + stable_int("gitlab-user", login, bits=24)


def gitlab_project_id(full_name: str) -> int:
    return 60_000_000 + stable_int("gitlab-project", full_name, bits=24)


def gitlab_user(login: str, name: str | None = None) -> dict[str, Any]:
    uid = gitlab_user_id(login)
    return {
        "id": uid,
        "username": login,
        "name": name or login,
        "state": "active",
        "locked": False,
        "avatar_url": f"https://secure.gravatar.com/avatar/{stable_hex('avatar', login, length=32)}?s=80&d=identicon",
        "web_url": f"{GL_WEB}/{login}",
    }


def noreply_email(login: str) -> str:
    """GitLab's private commit e-mail of a user: `<id>-<username>@users.noreply.gitlab.com`."""
    return f"{gitlab_user_id(login)}-{login}@{NOREPLY_DOMAIN}"


def _z(moment: datetime) -> str:
    """GitLab's timestamp style: milliseconds and Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class GitLabRender(TeamSimulation):
    """Renders a `TeamSimulation`'s state as GitLab REST v4 payloads.

    A subclass of it for the attributes it reads; `engineering.TeamRun` combines the renderers.
    """

    # -- identities ------------------------------------------------------------------------
    @property
    def gl_project_id(self) -> int:
        return gitlab_project_id(self.team.full_name)

    @property
    def gl_bot_login(self) -> str:
        """The project access token's bot user that opens dependency updates."""
        pid = self.gl_project_id
        return f"project_{pid}_bot_{stable_hex('renovate', pid, length=32)}"

    def _gl_person(self, login: str) -> Person | None:
        return next((p for p in self.members if p.login == login), None)

    def gl_author_login(self, pr: PR) -> str:
        return self.gl_bot_login if pr.kind == "dependabot" else str(pr.author["login"])

    def gl_user(self, login: str) -> dict[str, Any]:
        if login == self.gl_bot_login:
            return gitlab_user(login, "renovate-bot")
        person = self._gl_person(login)
        return gitlab_user(login, person.display_name if person else None)

    def gl_email(self, login: str) -> str:
        if login == self.gl_bot_login:
            return f"{login}@noreply.gitlab.com"
        return noreply_email(login)

    # -- merge requests --------------------------------------------------------------------
    def _gl_web(self, suffix: str) -> str:
        return f"{GL_WEB}/{self.team.full_name}/-/{suffix}"

    def mr_object(self, pr: PR) -> dict[str, Any]:
        """One item of `GET /projects/:id/merge_requests`."""
        repo = self.team.full_name
        pid = self.gl_project_id
        merged = pr.merged is not None
        state = "merged" if merged else "closed" if pr.closed is not None else "opened"
        draft = state == "opened" and pr.ready is not None and pr.ready >= self.cut_utc
        author = self.gl_user(self.gl_author_login(pr))
        reviewers: list[dict[str, Any]] = []
        for _when, reviewer, _state in sorted(pr.reviews, key=lambda r: r[0]):
            if _when < self.cut_utc and reviewer.login not in {r["username"] for r in reviewers}:
                reviewers.append(self.gl_user(reviewer.login))
        squash = pr.merge_method != "merge"
        notes = sum(1 for t, _u, _r in pr.comments if t < self.cut_utc)
        return {
            "id": pr.gh_id,
            "iid": pr.number,
            "project_id": pid,
            "title": f"Draft: {pr.title}" if draft else pr.title,
            "description": pr.body,
            "state": state,
            "created_at": _z(pr.created),
            "updated_at": _z(pr.updated_at(self.cut_utc)),
            "merged_by": author if merged else None,
            "merge_user": author if merged else None,
            "merged_at": _z(pr.merged) if pr.merged else None,
            "closed_by": author if state == "closed" else None,
            "closed_at": _z(pr.closed) if state == "closed" and pr.closed else None,
            "target_branch": "main",
            "source_branch": pr.head_ref,
            "user_notes_count": notes,
            "upvotes": 0,
            "downvotes": 0,
            "author": author,
            "assignees": [author],
            "assignee": author,
            "reviewers": reviewers,
            "source_project_id": pid,
            "target_project_id": pid,
            "labels": sorted(pr.labels),
            "draft": draft,
            "work_in_progress": draft,
            "milestone": None,
            "merge_when_pipeline_succeeds": False,
            "merge_status": "can_be_merged",
            "detailed_merge_status": "not_open" if state != "opened" else "mergeable",
            "sha": pr.head_sha,
            "merge_commit_sha": pr.merge_sha if merged and not squash else None,
            "squash_commit_sha": pr.merge_sha if merged and squash else None,
            "discussion_locked": None,
            "should_remove_source_branch": True,
            "force_remove_source_branch": True,
            "prepared_at": _z(pr.created),
            "reference": f"!{pr.number}",
            "references": {
                "short": f"!{pr.number}",
                "relative": f"!{pr.number}",
                "full": f"{repo}!{pr.number}",
            },
            "web_url": self._gl_web(f"merge_requests/{pr.number}"),
            "time_stats": {
                "time_estimate": 0,
                "total_time_spent": 0,
                "human_time_estimate": None,
                "human_total_time_spent": None,
            },
            "squash": squash,
            "squash_on_merge": squash,
            "task_completion_status": {"count": 0, "completed_count": 0},
            "has_conflicts": False,
            "blocking_discussions_resolved": True,
        }

    def _gl_commit(
        self,
        sha: str,
        parents: list[str],
        authored: datetime,
        committed: datetime,
        message: str,
        login: str,
        name: str,
    ) -> dict[str, Any]:
        email = self.gl_email(login)
        return {
            "id": sha,
            "short_id": sha[:8],
            "created_at": _z(committed),
            "parent_ids": parents,
            "title": message.split("\n", 1)[0],
            "message": message,
            "author_name": name,
            "author_email": email,
            "authored_date": _z(authored),
            "committer_name": name,
            "committer_email": email,
            "committed_date": _z(committed),
            "trailers": {},
            "extended_trailers": {},
            "web_url": self._gl_web(f"commit/{sha}"),
        }

    def _gl_commit_message(self, pr: PR, message: str) -> str:
        if pr.kind == "dependabot":  # the sign-off names Dependabot: not on GitLab
            return message.split("\n\n", 1)[0]
        return message

    def _gl_name(self, pr: PR) -> str:
        return "renovate-bot" if pr.kind == "dependabot" else pr.author_name

    def mr_commit_objects(self, pr: PR) -> list[dict[str, Any]]:
        """`GET /projects/:id/merge_requests/:iid/commits`: newest first, as GitLab lists them."""
        login = self.gl_author_login(pr)
        objects = []
        parent = pr.base_sha
        for sha, when, message in zip(
            self._pr_commit_shas(pr), pr.commit_times, pr.commit_messages, strict=True
        ):
            if when >= self.cut_utc:
                break
            objects.append(
                self._gl_commit(
                    sha,
                    [parent],
                    when,
                    when,
                    self._gl_commit_message(pr, message),
                    login,
                    self._gl_name(pr),
                )
            )
            parent = sha
        return objects[::-1]

    def _gl_approvals(self, pr: PR) -> list[tuple[datetime, Person]]:
        """(time, approver) of each approver's first approval before the cut."""
        first: dict[str, tuple[datetime, Person]] = {}
        for when, reviewer, state in sorted(pr.reviews, key=lambda r: r[0]):
            if state == "APPROVED" and when < self.cut_utc and reviewer.login not in first:
                first[reviewer.login] = (when, reviewer)
        return sorted(first.values(), key=lambda a: (a[0], a[1].login))

    def mr_approvals_object(self, pr: PR) -> dict[str, Any]:
        """`GET /projects/:id/merge_requests/:iid/approvals` (GitLab 17.x: with `approved_at`)."""
        mr = self.mr_object(pr)
        approved = [
            {"user": self.gl_user(person.login), "approved_at": _z(when)}
            for when, person in self._gl_approvals(pr)
        ]
        return {
            "id": mr["id"],
            "iid": mr["iid"],
            "project_id": mr["project_id"],
            "title": mr["title"],
            "description": mr["description"],
            "state": mr["state"],
            "created_at": mr["created_at"],
            "updated_at": mr["updated_at"],
            "merge_status": mr["merge_status"],
            "approved": bool(approved),
            "approvals_required": 1,
            "approvals_left": 0 if approved else 1,
            "require_password_to_approve": False,
            "approved_by": approved,
            "suggested_approvers": [],
            "approvers": [],
            "approver_groups": [],
            "user_has_approved": False,
            "user_can_approve": False,
            "approval_rules_left": [],
            "has_approval_rules": False,
            "merge_request_approvers_available": True,
            "multiple_approval_rules_available": True,
        }

    def _gl_note(
        self,
        pr: PR,
        note_id: int,
        when: datetime,
        login: str,
        body: str,
        *,
        system: bool = False,
        kind: str | None = None,
    ) -> dict[str, Any]:
        return {
            "id": note_id,
            "type": kind,
            "body": body,
            "attachment": None,
            "author": self.gl_user(login),
            "created_at": _z(when),
            "updated_at": _z(when),
            "system": system,
            "noteable_id": pr.gh_id,
            "noteable_type": "MergeRequest",
            "project_id": self.gl_project_id,
            "noteable_iid": pr.number,
            "resolvable": kind == "DiffNote",
            "resolved": False if kind == "DiffNote" else None,
            "confidential": False,
            "internal": False,
            "imported": False,
            "imported_from": "none",
        }

    def mr_note_objects(self, pr: PR) -> list[dict[str, Any]]:
        """`GET /projects/:id/merge_requests/:iid/notes?sort=asc&order_by=created_at`:
        reviews (approval system notes, review discussion notes) and diff notes."""
        cut = self.cut_utc
        approvals = {(person.login, when) for when, person in self._gl_approvals(pr)}
        notes = []
        for (when, reviewer, state), review_id in zip(pr.reviews, pr.review_ids, strict=True):
            if when >= cut:
                continue
            if state == "APPROVED":
                if (reviewer.login, when) in approvals:
                    notes.append(
                        self._gl_note(
                            pr,
                            review_id,
                            when,
                            reviewer.login,
                            "approved this merge request",
                            system=True,
                        )
                    )
                continue
            notes.append(
                self._gl_note(
                    pr, review_id, when, reviewer.login, "See comments.", kind="DiscussionNote"
                )
            )
        for note_id, (when, user, reply_to) in zip(pr.comment_ids, pr.comments, strict=True):
            if when >= cut:
                continue
            login = self.gl_bot_login if user.get("type") == "Bot" else str(user["login"])
            body = "Nit: could we simplify this?" if reply_to is None else "Done, thanks."
            notes.append(self._gl_note(pr, note_id, when, login, body, kind="DiffNote"))
        return sorted(notes, key=lambda n: (n["created_at"], n["id"]))

    def mr_diff_objects(self, pr: PR) -> list[dict[str, Any]]:
        """`GET /projects/:id/merge_requests/:iid/diffs`: each file's unified diff, with as
        many `+`/`-` lines as the simulation's additions/deletions."""
        files = []
        for name, status, additions, deletions in pr.files:
            header = f"@@ -1,{deletions} +1,{additions} @@\n"
            lines = [f"-old {k}\n" for k in range(deletions)]
            lines += [f"+new {k}\n" for k in range(additions)]
            files.append(
                {
                    "old_path": name,
                    "new_path": name,
                    "a_mode": "0" if status == "added" else "100644",
                    "b_mode": "0" if status == "removed" else "100644",
                    "diff": header + "".join(lines),
                    "collapsed": False,
                    "too_large": False,
                    "new_file": status == "added",
                    "renamed_file": status == "renamed",
                    "deleted_file": status == "removed",
                    "generated_file": False,
                }
            )
        return files

    def mr_details(self, pr: PR) -> dict[str, Any]:
        """What the per-MR endpoints answer for one merge request (one line of the file)."""
        return {
            "iid": pr.number,
            "commits": self.mr_commit_objects(pr),
            "approvals": self.mr_approvals_object(pr),
            "notes": self.mr_note_objects(pr),
            "diffs": self.mr_diff_objects(pr),
        }

    # -- default branch --------------------------------------------------------------------
    def gl_main_commit_objects(self, prs_by_seq: dict[int, PR]) -> list[dict[str, Any]]:
        """`GET /projects/:id/repository/commits?ref_name=main`: every commit reachable from
        main (the squash and merge commits, and the branch commits of merge-commit MRs)."""
        root_time = datetime.combine(
            self.world.start - timedelta(days=400), datetime.min.time()
        ) + timedelta(hours=10)
        person = self.members[0]
        objects = [
            self._gl_commit(
                self.root_sha,
                [],
                root_time,
                root_time,
                "Initial commit",
                person.login,
                person.display_name,
            )
        ]
        for sha, parents, when, pr in self.main_commits:
            pr = prs_by_seq.get(pr.seq, pr) if pr is not None else None
            if pr is None:
                continue
            login, name = self.gl_author_login(pr), self._gl_name(pr)
            if pr.merge_method == "merge":
                shas = self._pr_commit_shas(pr)
                for k, (csha, ctime, msg) in enumerate(
                    zip(shas, pr.commit_times, pr.commit_messages, strict=True)
                ):
                    cparents = [pr.base_sha] if k == 0 else [shas[k - 1]]
                    objects.append(
                        self._gl_commit(
                            csha,
                            cparents,
                            ctime,
                            ctime,
                            self._gl_commit_message(pr, msg),
                            login,
                            name,
                        )
                    )
                message = (
                    f"Merge branch '{pr.head_ref}' into 'main'\n\n{pr.title}\n\n"
                    f"See merge request {self.team.full_name}!{pr.number}"
                )
            else:
                trailers = [
                    m.split("\n\n", 1)[1]
                    for m in (self._gl_commit_message(pr, m) for m in pr.commit_messages)
                    if "\n\n" in m
                ]
                message = pr.title
                if trailers:
                    message += "\n\n" + "\n".join(sorted(set(trailers)))
            objects.append(self._gl_commit(sha, parents, when, when, message, login, name))
        return objects

    # -- deployments -----------------------------------------------------------------------
    def _gl_environment(self, kind: tuple[str, str]) -> dict[str, Any]:
        name, tier = kind
        created = datetime.combine(
            self.world.start - timedelta(days=400), datetime.min.time()
        ) + timedelta(hours=11)
        return {
            "id": 9_000_000 + stable_int("gitlab-env", self.team.full_name, name, bits=20),
            "name": name,
            "slug": name,
            "external_url": f"https://{name}.{self.team.repo}.acme.example",
            "state": "available",
            "tier": tier,
            "created_at": _z(created),
            "updated_at": _z(created),
        }

    def environment_objects(self) -> list[dict[str, Any]]:
        """`GET /projects/:id/environments`."""
        return [
            self._gl_environment(PRODUCTION_ENVIRONMENT),
            self._gl_environment(STAGING_ENVIRONMENT),
        ]

    def _gl_pipeline(
        self, d: dict[str, Any], iid: int, status: str, updated: datetime
    ) -> dict[str, Any]:
        pipeline_id = 800_000_000 + d["id"] - 1_500_000_000
        started = d["created"] - timedelta(minutes=2)
        return {
            "id": pipeline_id,
            "iid": iid,
            "project_id": self.gl_project_id,
            "sha": d["sha"],
            "ref": "main",
            "status": status,
            "source": "push",
            "name": None,
            "created_at": _z(started - timedelta(seconds=20)),
            "updated_at": _z(updated),
            "started_at": _z(started),
            "finished_at": _z(updated) if status in ("success", "failed") else None,
            "web_url": self._gl_web(f"pipelines/{pipeline_id}"),
        }

    def gl_deployment_objects(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(`GET /projects/:id/deployments` items, `GET /projects/:id/pipelines` items): one
        deployment per simulated deployment with its latest visible status, one pipeline each."""
        environments = {
            "production": self._gl_environment(PRODUCTION_ENVIRONMENT),
            "staging": self._gl_environment(STAGING_ENVIRONMENT),
        }
        bot = gitlab_user(GL_CI_BOT, "CI Bot")
        deployments, pipelines = [], []
        ordered = sorted(self.deployments, key=lambda d: (d["created"], d["id"]))
        for iid, d in enumerate(ordered, start=1):
            if d["created"] >= self.cut_utc:
                continue
            visible = [(state, when) for _sid, state, when in d["statuses"] if when < self.cut_utc]
            latest, updated = visible[-1] if visible else (None, d["created"])
            status = DEPLOYMENT_STATUS.get(latest or "", "created")
            finished = updated if status in ("success", "failed") else None
            env = environments[d["environment"]]
            pipeline = self._gl_pipeline(d, iid, status, updated)
            job_id = 5_000_000_000 + d["id"] - 1_500_000_000
            deployments.append(
                {
                    "id": d["id"],
                    "iid": iid,
                    "ref": "main",
                    "sha": d["sha"],
                    "created_at": _z(d["created"]),
                    "updated_at": _z(updated),
                    "status": status,
                    "user": bot,
                    "environment": {
                        "id": env["id"],
                        "name": env["name"],
                        "slug": env["slug"],
                        "external_url": env["external_url"],
                        "tier": env["tier"],
                        "created_at": env["created_at"],
                        "updated_at": env["updated_at"],
                    },
                    "deployable": {
                        "id": job_id,
                        "status": status,
                        "stage": "deploy",
                        "name": f"deploy-{env['name']}",
                        "ref": "main",
                        "tag": False,
                        "coverage": None,
                        "allow_failure": False,
                        "created_at": pipeline["created_at"],
                        "started_at": _z(d["created"]),
                        "finished_at": _z(finished) if finished else None,
                        "duration": (finished - d["created"]).total_seconds() if finished else None,
                        "user": bot,
                        "commit": {
                            "id": d["sha"],
                            "short_id": d["sha"][:8],
                            "title": f"Deploy {d['sha'][:8]}",
                            "created_at": _z(d["created"]),
                        },
                        "pipeline": {
                            key: pipeline[key]
                            for key in (
                                "id",
                                "iid",
                                "project_id",
                                "sha",
                                "ref",
                                "status",
                                "source",
                                "created_at",
                                "updated_at",
                                "web_url",
                            )
                        },
                        "web_url": self._gl_web(f"jobs/{job_id}"),
                    },
                }
            )
            pipelines.append(pipeline)
        return deployments, pipelines

    def gl_release_objects(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(`GET /projects/:id/repository/tags` items, `GET /projects/:id/releases` items):
        the first successful production deployment of each calendar month (UTC) is tagged
        `v1.<n>.0` and released at its finish; newest first, as GitLab lists them."""
        tags, releases = [], []
        seen: set[str] = set()
        ordered = sorted(self.deployments, key=lambda d: (d["_finished"], d["id"]))
        n = 0
        commit_times = {sha: when for sha, _parents, when, _pr in self.main_commits}
        for d in ordered:
            final = d["statuses"][-1]
            if (
                d["environment"] != "production"
                or final[1] != "success"
                or final[2] >= self.cut_utc
            ):
                continue
            month = d["_finished"].strftime("%Y-%m")
            if month in seen:
                continue
            seen.add(month)
            name = f"v1.{n}.0"
            n += 1
            committed = commit_times.get(d["sha"], d["created"])
            commit = self._gl_commit(
                d["sha"], [], committed, committed, f"Release {name}", GL_CI_BOT, "CI Bot"
            )
            tagged = d["_finished"]
            tags.append(
                {
                    "name": name,
                    "message": f"Release {name}",
                    "target": stable_hex(self.world.seed, self.team.full_name, "tag", name),
                    "commit": commit,
                    "release": {"tag_name": name, "description": f"Release {name}"},
                    "protected": True,
                    "created_at": _z(tagged),
                }
            )
            releases.append(
                {
                    "tag_name": name,
                    "description": f"Monthly release {name}",
                    "name": f"Release {name}",
                    "created_at": _z(tagged),
                    "released_at": _z(tagged),
                    "upcoming_release": False,
                    "author": gitlab_user(GL_CI_BOT, "CI Bot"),
                    "commit": commit,
                    "commit_path": f"/{self.team.full_name}/-/commit/{d['sha']}",
                    "tag_path": f"/{self.team.full_name}/-/tags/{name}",
                    "assets": {"count": 0, "sources": [], "links": []},
                }
            )
        return tags[::-1], releases[::-1]

    # -- project ---------------------------------------------------------------------------
    def project_object(self, prs: list[PR]) -> dict[str, Any]:
        """One item of `GET /groups/acme/projects` (and `GET /projects/:id`)."""
        team = self.team
        created = datetime.combine(
            self.world.start - timedelta(days=400), datetime.min.time()
        ) + timedelta(hours=10)
        activity = max(
            [pr.updated_at(self.cut_utc) for pr in prs]
            + [d["created"] for d in self.deployments if d["created"] < self.cut_utc]
            + [created]
        )
        return {
            "id": self.gl_project_id,
            "description": f"The {team.name} service",
            "name": team.repo,
            "name_with_namespace": f"{ORG} / {team.repo}",
            "path": team.repo,
            "path_with_namespace": team.full_name,
            "created_at": _z(created),
            "default_branch": "main",
            "tag_list": [],
            "topics": [],
            "ssh_url_to_repo": f"git@gitlab.com:{team.full_name}.git",
            "http_url_to_repo": f"{GL_WEB}/{team.full_name}.git",
            "web_url": f"{GL_WEB}/{team.full_name}",
            "visibility": "private",
            "last_activity_at": _z(activity),
            "archived": False,
            "empty_repo": False,
            "star_count": 0,
            "forks_count": 0,
            "namespace": {
                "id": GL_GROUP_ID,
                "name": ORG,
                "path": ORG,
                "kind": "group",
                "full_path": ORG,
                "parent_id": None,
                "web_url": f"{GL_WEB}/groups/{ORG}",
            },
            "squash_option": "default_on",
            "merge_method": "ff",
        }
