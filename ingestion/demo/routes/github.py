"""Routes of the GitHub REST API: repositories, pulls, reviews, comments, deployments,
commits, and the delivery signals without the Deployments API.

Mixed into the demo server's request handler (ingestion/demo/server.py), which
provides `server`, `query`, `q`, `q_int`, `page`, `send_json` and `send_body`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ingestion.demo.routes.common import NOT_FOUND, ApiError, _date_matches, _public, parse_time

if TYPE_CHECKING:
    from ingestion.demo.server import DemoServer, RepoData


class GitHubRoutes:
    server: DemoServer
    q: Callable[..., str | None]
    page: Callable[..., tuple[list[Any], dict[str, str]]]
    send_json: Callable[..., None]
    copilot: Callable[[list[str]], None]

    # -- GitHub and Copilot ------------------------------------------------------------
    def github(self, seg: list[str]) -> None:
        world = self.server.world
        if len(seg) >= 2 and seg[0] == "orgs":
            if seg[1] != world.org:
                raise ApiError(404, NOT_FOUND)
            rest = seg[2:]
            if rest == ["repos"]:
                return self.org_repos()
            if rest[:1] == ["copilot"]:
                return self.copilot(rest[1:])
        if len(seg) >= 3 and seg[0] == "repos":
            repo = world.repo(seg[1], seg[2])
            rest = seg[3:]
            if not rest:
                return self.send_json(world.repo_by_full_name[f"{seg[1]}/{seg[2]}"])
            if rest == ["pulls"]:
                return self.pulls(repo)
            if rest == ["pulls", "comments"]:
                return self.review_comments(repo)
            if len(rest) >= 2 and rest[0] == "pulls" and rest[1].isdigit():
                return self.pull(repo, int(rest[1]), rest[2:])
            if rest == ["deployments"]:
                return self.deployments(repo)
            if len(rest) == 2 and rest[0] == "deployments" and rest[1].isdigit():
                found = [d for d in repo.deployments if d["id"] == int(rest[1])]
                if not found:
                    raise ApiError(404, NOT_FOUND)
                return self.send_json(found[0])
            if (
                len(rest) == 3
                and rest[0] == "deployments"
                and rest[1].isdigit()
                and rest[2] == "statuses"
            ):
                statuses = repo.statuses.get(int(rest[1]))
                if statuses is None:
                    raise ApiError(404, NOT_FOUND)
                chunk, headers = self.page(statuses)
                return self.send_json(chunk, headers=headers)
            if rest == ["commits"]:
                return self.commits(repo)
            if len(rest) == 2 and rest[0] == "commits":
                commit = repo.commit_by_sha.get(rest[1])
                if commit is None:
                    raise ApiError(404, NOT_FOUND)
                return self.send_json(_public(commit))
            if rest[:1] in (["actions"], ["releases"], ["git"], ["issues"]):
                return self.delivery(f"{seg[1]}/{seg[2]}", rest)
        if len(seg) == 3 and seg[0] == "users" and seg[2] == "repos":
            return self.user_repos(seg[1])
        raise ApiError(404, NOT_FOUND)

    def user_repos(self, owner: str) -> None:
        """`GET /users/{owner}/repos`: the repositories the account owns (orgs too, as GitHub)."""
        repos = [r for r in self.server.world.repos if r["owner"]["login"] == owner]
        if not repos and owner != self.server.world.org:
            raise ApiError(404, NOT_FOUND)
        chunk, headers = self.page(sorted(repos, key=lambda r: r["full_name"]))
        self.send_json(chunk, headers=headers)

    # -- delivery signals without the Deployments API --------------------------------
    def delivery(self, full_name: str, rest: list[str]) -> None:
        """Actions workflows and runs, releases, tags and issues of one repository.

        Served from optional attributes of the world, each a dict keyed by repository full
        name (`acme/api`); a world without one serves empty lists:

        - `workflows`: `[{"id", "name", "path", "state", ...}]` (GitHub's workflow objects)
        - `workflow_runs`: `[{"id", "workflow_id", "name", "path", "head_branch",
          "head_sha", "event", "status", "conclusion", "run_attempt", "created_at",
          "run_started_at", "updated_at", ...}]` (GitHub's run objects, any workflow)
        - `releases`: `[{"id", "tag_name", "target_commitish", "name", "draft",
          "prerelease", "created_at", "published_at", ...}]`
        - `tags`: `[{"ref": "refs/tags/v1", "object": {"sha", "type": "tag"|"commit"}}]`;
          a lightweight tag's commit is served by `/commits/{sha}` from the repository's
          commits file
        - `tag_objects`: `{sha: {"sha", "tag", "tagger": {"date", ...}, "object": {"sha",
          "type"}}}` (annotated tags' objects, by the SHA their ref points at)
        - `github_issues`: `[{"id", "number", "title", "state", "labels": [{"name"}],
          "created_at", "closed_at", "updated_at", ...}]` (a PR listed as an issue carries
          a `pull_request` key, as on GitHub)
        """
        world = self.server.world

        def data(attribute: str, empty: Any) -> Any:
            return (getattr(world, attribute, None) or {}).get(full_name) or empty

        if rest == ["actions", "workflows"]:
            workflows = sorted(data("workflows", []), key=lambda w: w["id"])
            chunk, headers = self.page(workflows)
            return self.send_json(
                {"total_count": len(workflows), "workflows": chunk}, headers=headers
            )
        if len(rest) == 4 and rest[:2] == ["actions", "workflows"] and rest[3] == "runs":
            workflow = next(
                (
                    w
                    for w in data("workflows", [])
                    if str(w["id"]) == rest[2] or w.get("path", "").endswith(f"/{rest[2]}")
                ),
                None,
            )
            if workflow is None:
                raise ApiError(404, NOT_FOUND)
            runs = [r for r in data("workflow_runs", []) if r["workflow_id"] == workflow["id"]]
            created = self.q("created")
            if created:
                runs = [r for r in runs if _date_matches(r["created_at"], created)]
            for name in ("status", "branch", "event", "head_sha"):
                value = self.q(name)
                field = "head_branch" if name == "branch" else name
                if value:  # a status filter also matches a conclusion, as on GitHub
                    runs = [r for r in runs if value in (r.get(field), r.get("conclusion"))]
            runs.sort(key=lambda r: (parse_time(r["created_at"]), r["id"]), reverse=True)
            chunk, headers = self.page(runs)
            return self.send_json(
                {"total_count": len(runs), "workflow_runs": chunk}, headers=headers
            )
        if rest == ["releases"]:
            releases = sorted(
                data("releases", []),
                key=lambda r: (parse_time(r["created_at"]), r["id"]),
                reverse=True,
            )
            chunk, headers = self.page(releases)
            return self.send_json(chunk, headers=headers)
        if len(rest) >= 3 and rest[:3] == ["git", "matching-refs", "tags"]:
            prefix = "refs/" + "/".join(rest[2:])
            refs = sorted(
                (r for r in data("tags", []) if r["ref"].startswith(prefix)),
                key=lambda r: r["ref"],
            )
            return self.send_json(refs)
        if len(rest) == 3 and rest[:2] == ["git", "tags"]:
            tag = data("tag_objects", {}).get(rest[2])
            if tag is None:
                raise ApiError(404, NOT_FOUND)
            return self.send_json(tag)
        if rest == ["issues"]:
            return self.issues(data("github_issues", []))
        raise ApiError(404, NOT_FOUND)

    def issues(self, items: list[dict[str, Any]]) -> None:
        """`GET /repos/{o}/{r}/issues`: `labels` (all of them), `state`, `since`, sorted."""
        state = self.q("state", "open")
        items = [i for i in items if state == "all" or i["state"] == state]
        wanted = {name.strip().lower() for name in (self.q("labels") or "").split(",")} - {""}
        if wanted:
            items = [
                i
                for i in items
                if wanted <= {str(label["name"]).lower() for label in i.get("labels") or []}
            ]
        since = self.q("since")
        if since:
            cutoff = parse_time(since)
            items = [i for i in items if parse_time(i["updated_at"]) >= cutoff]
        key = {"updated": "updated_at"}.get(self.q("sort") or "", "created_at")
        items = sorted(
            items,
            key=lambda i: (parse_time(i[key]), i["id"]),
            reverse=self.q("direction", "desc") == "desc",
        )
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def org_repos(self) -> None:
        repos = list(self.server.world.repos)
        sort = self.q("sort", "full_name")
        key = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at"}.get(
            sort or "", "full_name"
        )
        default_direction = "asc" if key == "full_name" else "desc"
        repos.sort(
            key=lambda r: (r[key], r["id"]),
            reverse=self.q("direction", default_direction) == "desc",
        )
        chunk, headers = self.page(repos)
        self.send_json(chunk, headers=headers)

    def pulls(self, repo: RepoData) -> None:
        state = self.q("state", "open")
        items = [p for p in repo.pulls if state == "all" or p["state"] == state]
        sort = self.q("sort", "created")
        key = {"updated": "updated_at", "created": "created_at"}.get(
            sort or "created", "created_at"
        )
        default_direction = "desc" if key == "created_at" else "asc"
        items.sort(
            key=lambda p: (p[key], p["number"]),
            reverse=self.q("direction", default_direction) == "desc",
        )
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def pull(self, repo: RepoData, number: int, rest: list[str]) -> None:
        pr = repo.pull_by_number.get(number)
        details = repo.details.get(number)
        if pr is None or details is None:
            raise ApiError(404, NOT_FOUND)
        if not rest:
            files = details["files"]
            full = dict(pr)
            full.update(
                merged=pr["merged_at"] is not None,
                commits=len(details["commits"]),
                additions=sum(f["additions"] for f in files),
                deletions=sum(f["deletions"] for f in files),
                changed_files=len(files),
            )
            return self.send_json(full)
        if rest == ["commits"]:
            chunk, headers = self.page(details["commits"], maximum=250)
        elif rest == ["reviews"]:
            chunk, headers = self.page(details["reviews"])
        elif rest == ["files"]:
            chunk, headers = self.page(details["files"], maximum=3000)
        else:
            raise ApiError(404, NOT_FOUND)
        self.send_json(chunk, headers=headers)

    def review_comments(self, repo: RepoData) -> None:
        items = list(repo.comments)
        since = self.q("since")
        if since:
            cutoff = parse_time(since)
            items = [c for c in items if parse_time(c["updated_at"]) >= cutoff]
        sort = self.q("sort")
        if sort in ("created", "updated"):
            key = f"{sort}_at"
            items.sort(
                key=lambda c: (c[key], c["id"]), reverse=self.q("direction", "asc") == "desc"
            )
        else:
            items.sort(key=lambda c: c["id"])
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def deployments(self, repo: RepoData) -> None:
        items = repo.deployments
        for name in ("sha", "ref", "task", "environment"):
            value = self.q(name)
            if value:
                items = [d for d in items if d[name] == value]
        chunk, headers = self.page(items)
        self.send_json(chunk, headers=headers)

    def commits(self, repo: RepoData) -> None:
        items = repo.commits
        sha = self.q("sha")
        if sha and sha in repo.commit_by_sha:
            reachable: set[str] = set()
            stack = [sha]
            while stack:
                current = stack.pop()
                if current in reachable or current not in repo.commit_by_sha:
                    continue
                reachable.add(current)
                stack.extend(p["sha"] for p in repo.commit_by_sha[current]["parents"])
            items = [c for c in items if c["sha"] in reachable]
        elif sha and sha != "main":
            raise ApiError(404, {"message": "No commit found for SHA: " + sha})
        since, until = self.q("since"), self.q("until")
        if since:
            low = parse_time(since)
            items = [c for c in items if c["_date"] >= low]
        if until:
            high = parse_time(until)
            items = [c for c in items if c["_date"] <= high]
        author = self.q("author")
        if author:
            items = [c for c in items if (c.get("author") or {}).get("login") == author]
        chunk, headers = self.page(items)
        self.send_json([_public(c) for c in chunk], headers=headers)
