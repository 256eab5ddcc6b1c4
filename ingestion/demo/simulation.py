"""One team's engineering history as plain data: Jira work, PRs, deployments and incidents.

Each team is simulated on its own seeded RNG, in its local wall-clock time. The vendors'
JSON shapes are rendered from this state by ingestion/demo/render/ (one module per
vendor); ingestion/demo/engineering.py puts the two together and writes the files.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ingestion.demo.output import Output
from ingestion.demo.timeutil import (
    add_weekday_days,
    add_working_hours,
    next_working_time,
    round_second,
    working_moment_on,
)
from ingestion.demo.world import (
    COPILOT_AGENT,
    DEPENDABOT,
    EFFECTS,
    Person,
    Team,
    World,
    stable_hex,
    stable_int,
)

JIRA_SITE = "https://acme.atlassian.net"

STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "colorName": "yellow",
        "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
STATUSES = {
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "In Review": ("10001", "indeterminate"),
    "Done": ("10002", "done"),
}
ISSUE_TYPES = {
    "Epic": ("10000", 1),
    "Story": ("10001", 0),
    "Bug": ("10004", 0),
    "Task": ("10002", 0),
}

# Base effort in focus hours by issue type and size bucket.
BASE_EFFORT = {
    "Story": {"S": 9.0, "M": 21.0, "L": 45.0, "unsized": 15.0},
    "Bug": {"S": 6.0, "M": 13.0, "L": 30.0, "unsized": 9.0},
    "Task": {"S": 5.0, "M": 12.0, "L": 27.0, "unsized": 8.0},
}
BASE_LINES = {"S": 60.0, "M": 160.0, "L": 380.0, "unsized": 90.0}
POINTS = {"S": (1, 2), "M": (3, 5), "L": (8, 13)}
FOCUS_HOURS_PER_DAY = 6.0
EFFORT_NOISE_SIGMA = 0.35

TRAILERS = {
    "trailer_copilot": "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
    "trailer_claude": "Co-authored-by: Claude <noreply@anthropic.com>",
    "trailer_cursor": "Made-with: Cursor",
}

_VERBS = {
    "Story": ["Add", "Support", "Show", "Allow", "Introduce", "Improve"],
    "Bug": ["Fix", "Fix", "Handle", "Correct"],
    "Task": ["Refactor", "Upgrade", "Clean up", "Migrate", "Document", "Tune"],
}
_NOUNS = [
    "retry logic",
    "audit log",
    "rate limiter",
    "error banner",
    "webhook handler",
    "feature flag",
    "pagination",
    "caching layer",
    "metrics dashboard",
    "health check",
    "input validation",
    "timeout handling",
    "config loader",
    "batch job",
    "API client",
    "filters",
    "session store",
    "email template",
    "currency formatting",
    "permission checks",
    "idempotency keys",
    "CSV export",
    "search index",
    "schema migration",
    "alert thresholds",
    "locale fallback",
    "request tracing",
]
_COMPONENTS = ["api", "worker", "ui", "db schema", "sdk", "admin console", "scheduler"]
_EPIC_THEMES = [
    "Faster onboarding",
    "Multi-currency support",
    "Accessibility pass",
    "Self-serve refunds",
    "Offline mode",
    "Risk signals v2",
    "Smart recommendations",
    "Audit trail",
    "Bulk export",
    "Dark launch framework",
    "SLA dashboards",
    "Partner API v3",
    "Guest flow",
    "Passkeys",
    "Localisation",
    "Cost reduction",
    "Latency budget",
    "Data retention policy",
    "Notification revamp",
    "Saved searches",
    "Plan upgrades",
    "Price experiments",
    "Observability uplift",
    "Deep links",
    "GDPR erasure flow",
    "Rate limit tiers",
    "Reliability week",
    "Invoice redesign",
    "Referral rewards",
    "Admin roles",
]
_PACKAGES = [
    ("npm", "lodash"),
    ("npm", "axios"),
    ("npm", "express"),
    ("pip", "requests"),
    ("pip", "urllib3"),
    ("gomod", "golang.org/x/net"),
    ("maven", "jackson-databind"),
    ("gradle", "okhttp"),
    ("github_actions", "actions/checkout"),
    ("pip", "cryptography"),
    ("npm", "webpack"),
]
_EXT = {
    "java": "java",
    "sql": "sql",
    "typescript": "ts",
    "python": "py",
    "go": "go",
    "yaml": "yaml",
    "kotlin": "kt",
    "swift": "swift",
}
_INCIDENT_TITLES = [
    "Elevated 5xx error rate on {svc}",
    "p99 latency above SLO on {svc}",
    "{svc}: queue backlog growing",
    "Health check failing for {svc}",
    "{svc}: spike in timeouts to downstream",
    "Error budget burn rate alert: {svc}",
]


def _utc(local: datetime, team: Team) -> datetime:
    return local - timedelta(minutes=team.offset_minutes)


def _local(utc: datetime, team: Team) -> datetime:
    return utc + timedelta(minutes=team.offset_minutes)


@dataclass(slots=True)
class Epic:
    key: str
    issue_id: str
    summary: str
    created: datetime  # local
    window_start: datetime
    window_end: datetime
    tasks: list[Task] = field(default_factory=list)


@dataclass(slots=True)
class Task:
    key: str
    issue_id: str
    issue_type: str
    size: str
    points: int | None
    summary: str
    assignee: Person
    created: datetime  # local
    start: datetime  # local: To Do -> In Progress
    done: datetime  # local: -> Done
    effort_hours: float
    ai: bool
    evidence: str | None
    epic: Epic | None
    review_at: datetime | None = None  # local: -> In Review
    bounce: tuple[datetime, datetime] | None = None


@dataclass(slots=True)
class PR:
    seq: int
    kind: str  # task, dependabot, hotfix, revert, spike
    author: dict[str, Any]
    author_name: str
    author_email: str
    title: str
    body: str
    head_ref: str
    created: datetime  # UTC
    commit_times: list[datetime]
    commit_messages: list[str]
    reviews: list[tuple[datetime, Person, str]]
    comments: list[tuple[datetime, dict[str, Any], int | None]]
    merged: datetime | None
    closed: datetime | None
    ready: datetime | None  # a draft PR marked ready for review (None = never a draft)
    labels: list[str]
    files: list[tuple[str, str, int, int]]
    task: Task | None = None
    merge_method: str = "squash"
    revert_of: PR | None = None
    incident: dict[str, Any] | None = None
    number: int = 0
    head_sha: str = ""
    base_sha: str = ""
    merge_sha: str | None = None
    commit_shas: list[str] = field(default_factory=list)
    gh_id: int = 0
    review_ids: list[int] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)

    def updated_at(self, cut: datetime) -> datetime:
        """The PR's last event the API shows at `cut` (UTC): its creation, the commits, reviews
        and comments before the cut, its closing and its ready-for-review before the cut. The
        `updated_at` of GitHub's pull and of GitLab's merge request (render/github.py,
        render/gitlab.py)."""
        events = [self.created]
        events += [t for t in self.commit_times if t < cut]
        events += [t for t, _p, _s in self.reviews if t < cut]
        events += [t for t, _u, _r in self.comments if t < cut]
        if self.closed is not None:
            events.append(self.closed)
        if self.ready is not None and self.ready < cut:
            events.append(self.ready)
        return max(events)


@dataclass
class Counters:
    """Global id sequences shared by all teams (advanced in team order)."""

    jira_issue: itertools.count = field(default_factory=lambda: itertools.count(10_001))
    jira_history: itertools.count = field(default_factory=lambda: itertools.count(100_001))
    pr_id: itertools.count = field(default_factory=lambda: itertools.count(2_101_000_001))
    review_id: itertools.count = field(default_factory=lambda: itertools.count(2_900_000_001))
    comment_id: itertools.count = field(default_factory=lambda: itertools.count(1_700_000_001))
    deployment_id: itertools.count = field(default_factory=lambda: itertools.count(1_500_000_001))
    status_id: itertools.count = field(default_factory=lambda: itertools.count(3_300_000_001))
    repo_id: itertools.count = field(default_factory=lambda: itertools.count(612_000_001))


@dataclass
class TeamResult:
    team: str
    epics: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    counts: dict[str, int]
    #: the GitHub repository object (None for a team hosted on GitLab)
    repo: dict[str, Any] | None
    #: (done day in UTC, effort hours with AI, hours the AI saved) of every AI-assisted task
    #: done before the history ends: the truth the hours-saved estimators are checked against
    ai_savings: list[tuple[date, float, float]] = field(default_factory=list)
    #: (done day in UTC, hours left idle) after AI-assisted tasks of the leakage team
    leaked: list[tuple[date, float]] = field(default_factory=list)
    #: (finish day in UTC, draw) of every successful production deployment of the
    #: quality-regression team from its rollout: an incident followed when draw < the
    #: incident rate, so draws in [rate before, rate after) are the incidents the
    #: regression added; and the hours from start to resolution of its deploy-caused incidents
    incident_draws: list[tuple[date, float]] = field(default_factory=list)
    restore_hours: list[float] = field(default_factory=list)
    #: a team hosted on GitLab: {"project": its GitLab project object, "counts": what its
    #: GitLab files hold} (else None)
    gitlab: dict[str, Any] | None = None


class TeamSimulation:
    def __init__(self, world: World, team: Team, counters: Counters, out: Output) -> None:
        self.world = world
        self.team = team
        self.counters = counters
        self.out = out
        self.rng = random.Random(f"{world.seed}:team:{team.name}")
        self.cut_utc = datetime.combine(world.end + timedelta(days=1), datetime.min.time())
        self.cut_local = _local(self.cut_utc, team)
        self.start_local = datetime.combine(world.start, datetime.min.time())
        self.issue_seq = itertools.count(1)
        self.pr_seq = itertools.count(1)
        self.epics: list[Epic] = []
        self.tasks: list[Task] = []
        self.prs: list[PR] = []
        self.members = [p for p in world.people if any(s.team == team.name for s in p.stints)]
        self.leakage = team.name == world.special.get("leakage_team")
        self.leaked: list[tuple[datetime, float]] = []
        self.incident_draws: list[tuple[date, float]] = []
        self.files_pool = self._file_pool()

    # -- helpers -----------------------------------------------------------------
    def _file_pool(self) -> list[str]:
        rng = random.Random(f"{self.world.seed}:files:{self.team.name}")
        pool = []
        modules = ["core", "handlers", "models", "clients", "jobs", "util", "config", "views"]
        for index in range(36):
            language = self.team.languages[0] if rng.random() < 0.7 else self.team.languages[-1]
            ext = _EXT.get(language, "txt")
            module = modules[index % len(modules)]
            name = rng.choice(_NOUNS).replace(" ", "_").lower()
            prefix = "tests" if index % 5 == 4 else "src"
            pool.append(f"{prefix}/{self.team.name}/{module}/{name}_{index}.{ext}")
        return sorted(set(pool))

    def teammates(self, day: date, exclude: str | None = None) -> list[Person]:
        return [p for p in self.members if p.team_on(day) == self.team.name and p.login != exclude]

    def new_issue(self) -> tuple[str, str]:
        """A provisional key (renumbered in creation order by `renumber_issues`)."""
        n = next(self.issue_seq)
        return f"{self.team.key}-{n:07d}", ""

    def lognorm(self, median: float, sigma: float) -> float:
        return median * math.exp(self.rng.gauss(0.0, sigma))

    def treated_on(self, day: date) -> bool:
        return self.team.rollout is not None and day >= self.team.rollout

    # -- Jira work -----------------------------------------------------------------
    def make_epics(self) -> None:
        rng = self.rng
        cursor = self.start_local - timedelta(days=rng.randint(10, 25))
        theme_offset = stable_int(self.team.name, bits=8)
        k = 0
        while cursor < self.cut_local:
            key, issue_id = self.new_issue()
            theme = _EPIC_THEMES[(theme_offset + k) % len(_EPIC_THEMES)]
            round_ = (theme_offset + k) // len(_EPIC_THEMES)
            summary = theme + (f" v{round_ + 1}" if round_ else "")
            window_start = cursor
            window_end = cursor + timedelta(days=rng.randint(30, 75))
            created = next_working_time(window_start - timedelta(days=rng.randint(3, 12)), rng)
            self.epics.append(Epic(key, issue_id, summary, created, window_start, window_end))
            cursor += timedelta(days=rng.randint(14, 28))
            k += 1

    def pick_epic(self, when: datetime, issue_type: str) -> Epic | None:
        p_none = {"Story": 0.0, "Bug": 0.5, "Task": 0.25}[issue_type]
        if self.rng.random() < p_none:
            return None
        active = [e for e in self.epics if e.window_start <= when < e.window_end]
        return self.rng.choice(active) if active else None

    def ai_share(self, day: date) -> float:
        assert self.team.rollout is not None
        if (day - self.team.rollout).days < 60:
            return float(EFFECTS["ai_assisted_share_first_60_days"])
        return float(EFFECTS["ai_assisted_share_after_60_days"])

    def pick_evidence(self) -> str:
        options = [
            ("label_ai-assisted", 0.25),
            ("label_copilot", 0.15),
            ("trailer_copilot", 0.25),
            ("agent", 0.08),
        ]
        if "claude_code" in self.team.tools:
            options.append(("trailer_claude", 0.22))
        if "cursor" in self.team.tools:
            options.append(("trailer_cursor", 0.22))
        total = sum(w for _, w in options)
        draw = self.rng.random() * total
        for name, weight in options:
            draw -= weight
            if draw <= 0:
                return name
        return options[-1][0]

    def make_tasks(self) -> None:
        rng = self.rng
        program_start = self.world.program_start
        for person in self.members:
            for stint in person.stints:
                if stint.team != self.team.name:
                    continue
                stint_end = (
                    datetime.combine(stint.valid_to, datetime.min.time())
                    if stint.valid_to
                    else self.cut_local
                )
                cursor = next_working_time(
                    datetime.combine(stint.valid_from, datetime.min.time()), rng, 240
                )
                manager = person.role == "engineering_manager"
                while True:
                    if manager:
                        gap = add_weekday_days(cursor, self.lognorm(2.5, 0.5))
                    else:
                        gap = cursor + timedelta(minutes=self.lognorm(50, 0.8))
                    start = next_working_time(round_second(gap), rng)
                    if start >= stint_end or start >= self.cut_local:
                        break
                    issue_type = rng.choices(["Story", "Bug", "Task"], [0.5, 0.25, 0.25])[0]
                    size = rng.choices(["S", "M", "L", "unsized"], [0.4, 0.4, 0.1, 0.1])[0]
                    points = rng.choice(POINTS[size]) if size != "unsized" else None
                    ai = bool(
                        person.ai_active
                        and self.treated_on(start.date())
                        and rng.random() < self.ai_share(start.date())
                    )
                    effort = BASE_EFFORT[issue_type][size] * self.team.factor
                    if start.date() >= program_start:
                        effort *= float(EFFECTS["secular_effort_multiplier"])
                    if ai:
                        effort *= float(EFFECTS["ai_task_effort_multiplier"])
                    effort *= math.exp(rng.gauss(0.0, EFFORT_NOISE_SIGMA))
                    done = add_weekday_days(start, effort / FOCUS_HOURS_PER_DAY)
                    if stint.valid_to is not None and done >= stint_end:
                        break
                    created = next_working_time(
                        add_weekday_days(start, -rng.uniform(0.2, 15.0)), rng
                    )
                    created = min(created, start - timedelta(minutes=5))
                    key, issue_id = self.new_issue()
                    verb = rng.choice(_VERBS[issue_type])
                    summary = (
                        f"{verb} {rng.choice(_NOUNS)} in {self.team.name} {rng.choice(_COMPONENTS)}"
                    )
                    epic = self.pick_epic(start, issue_type)
                    task = Task(
                        key=key,
                        issue_id=issue_id,
                        issue_type=issue_type,
                        size=size,
                        points=points,
                        summary=summary,
                        assignee=person,
                        created=created,
                        start=start,
                        done=done,
                        effort_hours=effort,
                        ai=ai,
                        evidence=self.pick_evidence() if ai else None,
                        epic=epic,
                    )
                    if epic is not None:
                        epic.tasks.append(task)
                    self.tasks.append(task)
                    cursor = done
                    if ai and self.leakage:
                        # saved time not reinvested: idle before the next task
                        multiplier = float(EFFECTS["ai_task_effort_multiplier"])
                        share = float(EFFECTS["leakage_team_unreinvested_share"])
                        idle = (effort / multiplier - effort) * share
                        self.leaked.append((done, idle))
                        cursor = add_weekday_days(done, idle / FOCUS_HOURS_PER_DAY)
        # A small backlog that nobody has started yet.
        for _ in range(rng.randint(4, 12)):
            key, issue_id = self.new_issue()
            created = next_working_time(self.cut_local - timedelta(days=rng.uniform(1, 40)), rng)
            if created >= self.cut_local:
                continue
            issue_type = rng.choices(["Story", "Bug", "Task"], [0.5, 0.3, 0.2])[0]
            size = rng.choices(["S", "M", "L", "unsized"], [0.3, 0.3, 0.1, 0.3])[0]
            self.tasks.append(
                Task(
                    key=key,
                    issue_id=issue_id,
                    issue_type=issue_type,
                    size=size,
                    points=rng.choice(POINTS[size]) if size != "unsized" else None,
                    summary=f"{rng.choice(_VERBS[issue_type])} {rng.choice(_NOUNS)} in {self.team.name} {rng.choice(_COMPONENTS)}",
                    assignee=rng.choice(self.teammates(created.date()) or self.members),
                    created=created,
                    start=self.cut_local + timedelta(days=3650),
                    done=self.cut_local + timedelta(days=3660),
                    effort_hours=0.0,
                    ai=False,
                    evidence=None,
                    epic=self.pick_epic(created, issue_type),
                )
            )

    # -- pull requests ---------------------------------------------------------------
    def pick_files(self, lines: int) -> list[tuple[str, str, int, int]]:
        rng = self.rng
        count = rng.choices([1, 2, 3, 4, 5, 6], [0.12, 0.22, 0.3, 0.18, 0.1, 0.08])[0]
        names = sorted(rng.sample(self.files_pool, count))
        weights = [rng.random() + 0.2 for _ in names]
        total = sum(weights)
        files = []
        for name, weight in zip(names, weights, strict=True):
            changed = max(1, round(lines * weight / total))
            draw = rng.random()
            if draw < 0.08:
                files.append((name, "added", changed, 0))
            elif draw < 0.1:
                files.append((name, "removed", 0, changed))
            else:
                additions = max(1, round(changed * rng.uniform(0.55, 0.85)))
                files.append((name, "modified", additions, max(0, changed - additions)))
        return files

    def review_cycle(
        self, pr: PR, ready: datetime, author_login: str, extra_reviewer: Person | None = None
    ) -> datetime:
        """Reviews/comments on a PR that became reviewable at `ready` (UTC); returns merge time."""
        rng = self.rng
        team = self.team
        ready_local = _local(ready, team)
        pool = self.teammates(ready_local.date(), exclude=author_login)
        if extra_reviewer is not None and extra_reviewer.login != author_login:
            pool = [extra_reviewer] + [p for p in pool if p.login != extra_reviewer.login]
        if not pool or rng.random() < 0.04:
            return ready + timedelta(minutes=rng.uniform(30, 240))
        reviewer = pool[0] if extra_reviewer is not None else rng.choice(pool)
        pickup = self.lognorm(2.5, 0.8)
        if self.treated_on(ready_local.date()):
            pickup *= float(EFFECTS["pickup_multiplier_treatment"])
        first_local = add_working_hours(ready_local, pickup, rng)
        first = _utc(first_local, team)
        draw = rng.random()
        author_user = pr.author
        if draw < 0.22:
            pr.reviews.append((first, reviewer, "CHANGES_REQUESTED"))
            comment_ids = self._comments(pr, first, reviewer, rng.randint(1, 4))
            fix_local = add_working_hours(first_local, self.lognorm(1.5, 0.6), rng)
            fix = _utc(fix_local, team)
            pr.commit_times.append(fix)
            pr.commit_messages.append("Address review comments")
            for index in comment_ids:
                if rng.random() < 0.4:
                    pr.comments.append((fix, author_user, index))
            approve = _utc(add_working_hours(fix_local, self.lognorm(1.5, 0.7), rng), team)
        elif draw < 0.32:
            pr.reviews.append((first, reviewer, "COMMENTED"))
            self._comments(pr, first, reviewer, rng.randint(1, 3))
            approve = _utc(add_working_hours(first_local, self.lognorm(2.0, 0.7), rng), team)
        else:
            approve = first
            if rng.random() < 0.3:
                self._comments(pr, first, reviewer, 1)
        pr.reviews.append((approve, reviewer, "APPROVED"))
        if len(pool) > 1 and rng.random() < 0.2:
            second = rng.choice([p for p in pool if p.login != reviewer.login])
            when = _utc(add_working_hours(_local(approve, team), self.lognorm(1.0, 0.6), rng), team)
            pr.reviews.append((when, second, "APPROVED"))
            approve = max(approve, when)
        return approve + timedelta(minutes=rng.uniform(5, 90))

    def _comments(self, pr: PR, when: datetime, reviewer: Person, count: int) -> list[int]:
        indexes = []
        for k in range(count):
            pr.comments.append((when + timedelta(seconds=k * 17), reviewer.github_user(), None))
            indexes.append(len(pr.comments) - 1)
        return indexes

    def new_pr(
        self,
        kind: str,
        author: dict[str, Any],
        name: str,
        email: str,
        title: str,
        body: str,
        head_ref: str,
        created: datetime,
        labels: list[str],
        files: list[tuple[str, str, int, int]],
    ) -> PR:
        pr = PR(
            seq=next(self.pr_seq),
            kind=kind,
            author=author,
            author_name=name,
            author_email=email,
            title=title,
            body=body,
            head_ref=head_ref,
            created=round_second(created),
            commit_times=[],
            commit_messages=[],
            reviews=[],
            comments=[],
            merged=None,
            closed=None,
            ready=None,
            labels=labels,
            files=files,
        )
        self.prs.append(pr)
        return pr

    def make_task_prs(self) -> None:
        rng = self.rng
        team = self.team
        for task in self.tasks:
            if task.start >= self.cut_local:
                continue
            elapsed = (task.done - task.start).total_seconds()
            e_days = task.effort_hours / FOCUS_HOURS_PER_DAY
            draw = rng.random()
            plan = (
                ["closed", "merged"]
                if draw < 0.05
                else ["merged", "merged"]
                if draw < 0.12
                else ["merged"]
            )
            fractions = {1: [0.6], 2: [0.4, 0.7]}[len(plan)]
            for index, (outcome, fraction) in enumerate(zip(plan, fractions, strict=True)):
                opened_local = next_working_time(
                    add_weekday_days(task.start, fraction * e_days), rng
                )
                if opened_local >= task.done:
                    opened_local = add_weekday_days(task.start, fraction * e_days)
                first_local = (
                    task.start + timedelta(minutes=rng.uniform(20, 150))
                    if index == 0
                    else (opened_local - timedelta(seconds=elapsed * 0.25))
                )
                first_local = min(first_local, opened_local - timedelta(minutes=5))
                if task.review_at is None:
                    task.review_at = opened_local
                self._task_pr(
                    task, outcome, _utc(first_local, team), _utc(opened_local, team), index
                )
            if rng.random() < 0.05 and task.review_at is not None and task.review_at < task.done:
                back = task.review_at + (task.done - task.review_at) * 0.3
                forth = task.review_at + (task.done - task.review_at) * 0.6
                task.bounce = (round_second(back), round_second(forth))

    def _task_pr(
        self, task: Task, outcome: str, first: datetime, opened: datetime, index: int
    ) -> None:
        rng = self.rng
        person = task.assignee
        agent = task.evidence == "agent"
        author = COPILOT_AGENT if agent else person.github_user()
        name = "copilot-swe-agent[bot]" if agent else person.display_name
        email = "198982749+Copilot@users.noreply.github.com" if agent else person.email
        slug = "-".join(task.summary.lower().split()[:4]).replace("/", "-")
        title = f"{task.key}: {task.summary}" + (" (part 2)" if index == 1 else "")
        lines = BASE_LINES[task.size] * math.exp(rng.gauss(0.0, 0.5))
        if task.ai:
            lines *= float(EFFECTS["pr_size_multiplier_ai"])
        labels = []
        if task.evidence in ("label_ai-assisted", "label_copilot"):
            labels.append(task.evidence.removeprefix("label_"))
        if task.issue_type == "Bug" and rng.random() < 0.5:
            labels.append("bug")
        body = f"Implements [{task.key}]({JIRA_SITE}/browse/{task.key}).\n\n{task.summary}."
        if agent:
            body += f"\n\nCo-authored with @{person.login} by the Copilot coding agent."
        ref_prefix = "copilot" if agent else "feature"
        pr = self.new_pr(
            "task",
            author,
            name,
            email,
            title,
            body,
            f"{ref_prefix}/{task.key}-{slug}",
            opened,
            sorted(labels),
            self.pick_files(max(2, round(lines))),
        )
        pr.task = task
        n_commits = rng.choices([1, 2, 3, 4], [0.3, 0.35, 0.22, 0.13])[0]
        draft = rng.random() < 0.06
        if draft:
            pr.ready = pr.created
            pr.created = min(pr.ready, round_second(first + timedelta(minutes=rng.uniform(3, 30))))
        span = (opened - first).total_seconds()
        times = sorted(
            [first]
            + [
                first + timedelta(seconds=rng.uniform(0.1, 1.0) * span)
                for _ in range(n_commits - 1)
            ]
        )
        messages = [
            rng.choice(["Implement", "Wire up", "Add tests for", "Handle edge cases in", "Tidy"])
            + f" {task.summary.split(' in ')[0].lower()}"
            for _ in times
        ]
        messages[0] = f"{task.key}: {task.summary}"
        if agent:
            messages = [
                m + f"\n\nCo-authored-by: {person.display_name} <{person.email}>" for m in messages
            ]
        elif task.evidence and task.evidence.startswith("trailer_"):
            k = rng.randrange(len(messages))
            messages[k] += "\n\n" + TRAILERS[task.evidence]
        local_opened = _local(opened, self.team)
        snapped = []
        for moment in times:
            local = next_working_time(_local(moment, self.team), rng)
            snapped.append(_utc(local, self.team) if local < local_opened else moment)
        pr.commit_times = sorted(round_second(t) for t in snapped)
        pr.commit_messages = messages
        reviewable = pr.ready or pr.created
        if outcome == "closed":
            pr.closed = round_second(reviewable + timedelta(hours=rng.uniform(2, 30)))
            return
        merge = self.review_cycle(
            pr, reviewable, person.login if not agent else "", person if agent else None
        )
        pr.merged = round_second(merge)
        pr.closed = pr.merged
        if rng.random() < 0.03:
            pr.merge_method = "merge"

    def make_bot_and_spike_prs(self) -> None:
        rng = self.rng
        team = self.team
        day = self.world.start
        version = itertools.count(1)
        while day <= self.world.end:
            day += timedelta(days=rng.randint(5, 16))
            if day > self.world.end:
                break
            eco, pkg = rng.choice(_PACKAGES)
            v = next(version)
            old, new = f"{1 + v // 7}.{v % 7}.{rng.randint(0, 9)}", f"{1 + v // 7}.{v % 7 + 1}.0"
            created = datetime.combine(day, datetime.min.time()) + timedelta(
                hours=5, minutes=rng.randint(0, 50)
            )
            manifest_file = {
                "npm": "package-lock.json",
                "pip": "requirements.txt",
                "gomod": "go.sum",
                "maven": "pom.xml",
                "gradle": "build.gradle",
                "github_actions": ".github/workflows/ci.yml",
            }[eco]
            pr = self.new_pr(
                "dependabot",
                DEPENDABOT,
                "dependabot[bot]",
                "49699333+dependabot[bot]@users.noreply.github.com",
                f"Bump {pkg} from {old} to {new}",
                f"Bumps {pkg} from {old} to {new}.\n\nDependabot will resolve any conflicts with this PR.",
                f"dependabot/{eco}/{pkg.replace('/', '-')}-{new}",
                created,
                ["dependencies"],
                [(manifest_file, "modified", rng.randint(1, 40), rng.randint(1, 40))],
            )
            pr.commit_times = [round_second(created - timedelta(minutes=1))]
            pr.commit_messages = [
                f"Bump {pkg} from {old} to {new}\n\nSigned-off-by: dependabot[bot] <support@github.com>"
            ]
            draw = rng.random()
            if draw < 0.15:
                pr.closed = round_second(created + timedelta(days=rng.uniform(3, 20)))
            else:
                pr.merged = round_second(self.review_cycle(pr, created, ""))
                pr.closed = pr.merged
        # Abandoned spikes: draft PRs still open at the end.
        for _ in range(rng.randint(1, 3)):
            created_local = next_working_time(
                self.cut_local - timedelta(days=rng.uniform(5, 60)), rng
            )
            people = self.teammates(created_local.date())
            if not people or created_local >= self.cut_local:
                continue
            person = rng.choice(people)
            noun = rng.choice(_NOUNS)
            pr = self.new_pr(
                "spike",
                person.github_user(),
                person.display_name,
                person.email,
                f"spike: try a new {noun}",
                "Exploratory, do not merge.",
                f"spike/{noun.replace(' ', '-')}",
                _utc(created_local, team),
                [],
                self.pick_files(rng.randint(20, 200)),
            )
            pr.ready = self.cut_utc + timedelta(days=365)
            pr.commit_times = [round_second(pr.created - timedelta(minutes=rng.uniform(5, 120)))]
            pr.commit_messages = [f"WIP {noun}"]

    def remediation_pr(
        self, kind: str, created: datetime, incident: dict[str, Any], target: PR | None
    ) -> PR:
        rng = self.rng
        team = self.team
        day = _local(created, team).date()
        people = self.teammates(day)
        if target is not None and target.author["type"] == "User":
            person = next(
                (p for p in people if p.login == target.author["login"]), None
            ) or rng.choice(people)
        else:
            person = rng.choice(people)
        if kind == "revert" and target is not None:
            title = f'Revert "{target.title}"'
            ref = f"revert-{target.seq}-{target.head_ref}"
            files = [(f, "modified", d, a) for f, _s, a, d in target.files]
            labels: list[str] = []
        else:
            title = f"hotfix: {incident['title'].lower()}"
            ref = f"hotfix/{team.key.lower()}-{stable_hex(incident['key'], length=6)}"
            files = self.pick_files(rng.randint(3, 40))
            labels = ["hotfix"]
        pr = self.new_pr(
            kind,
            person.github_user(),
            person.display_name,
            person.email,
            title,
            "Mitigates the ongoing incident.",
            ref,
            created,
            labels,
            files,
        )
        pr.revert_of = target
        pr.incident = incident
        pr.commit_times = [round_second(created - timedelta(minutes=rng.uniform(2, 20)))]
        pr.commit_messages = [title]
        if rng.random() < 0.4:
            pr.merged = round_second(created + timedelta(minutes=rng.uniform(10, 40)))
        else:
            reviewer_pool = [p for p in people if p.login != person.login]
            if reviewer_pool:
                when = round_second(created + timedelta(minutes=rng.uniform(5, 45)))
                pr.reviews.append((when, rng.choice(reviewer_pool), "APPROVED"))
                pr.merged = round_second(when + timedelta(minutes=rng.uniform(2, 15)))
            else:
                pr.merged = round_second(created + timedelta(minutes=rng.uniform(10, 40)))
        pr.closed = pr.merged
        return pr

    # -- the default branch, deployments and incidents ---------------------------------------
    def walk_timeline(self) -> None:
        rng = self.rng
        team = self.team
        repo = team.full_name
        seed = self.world.seed
        events: list[tuple[datetime, int, int, str, Any]] = []
        order = itertools.count()

        def push(when: datetime, priority: int, kind: str, payload: Any) -> None:
            heapq.heappush(events, (when, priority, next(order), kind, payload))

        for pr in self.prs:
            if pr.merged is not None and pr.merged < self.cut_utc:
                push(pr.merged, 0, "merge", pr)
        assert team.deploy_start is not None
        day = team.deploy_start
        while day <= self.world.end:
            weekday = day.weekday() < 5
            draw = rng.random()
            slots = (
                (2 if draw < team.deploy_cadence * 0.35 else 1 if draw < team.deploy_cadence else 0)
                if weekday
                else (1 if draw < 0.04 else 0)
            )
            for _ in range(slots):
                when = _utc(working_moment_on(day, rng, 10.0, 17.0), team)
                push(when, 1, "deploy", {"kind": "regular"})
            if rng.random() < 0.25 / 30:
                when = _utc(working_moment_on(day, rng, 0.0, 23.9), team)
                push(when, 2, "incident", {"cause": None})
            day += timedelta(days=1)

        self.root_sha = stable_hex(seed, repo, "root")
        head = self.root_sha
        self.main_commits: list[tuple[str, list[str], datetime, PR | None]] = []
        self.head_timeline: list[tuple[datetime, str]] = [(datetime(2000, 1, 1), head)]
        self.deployments: list[dict[str, Any]] = []
        self.incidents: list[dict[str, Any]] = []
        last_prod_sha: str | None = None
        pending: list[PR] = []
        main_index = itertools.count(1)
        regression = team.name == self.world.special["quality_regression_team"]
        while events:
            when, _priority, _order, kind, payload = heapq.heappop(events)
            if when >= self.cut_utc:
                break
            if kind == "merge":
                pr = payload
                sha = stable_hex(seed, repo, "main", next(main_index))
                if pr.merge_method == "merge":
                    parents = [head, self._pr_commit_shas(pr)[-1]]
                else:
                    parents = [head]
                self.main_commits.append((sha, parents, when, pr))
                pr.merge_sha = sha
                head = sha
                self.head_timeline.append((when, head))
                pending.append(pr)
            elif kind == "deploy":
                if payload["kind"] == "regular" and head == last_prod_sha:
                    continue
                if rng.random() < 0.4:
                    staged = when - timedelta(minutes=rng.uniform(15, 40))
                    self._deployment(staged, head, "staging", "success")
                fail = payload["kind"] == "regular" and rng.random() < float(
                    EFFECTS["deployment_failure_rate"]
                )
                deployment = self._deployment(
                    when, head, "production", "failure" if fail else "success"
                )
                finished = deployment["_finished"]
                if fail:
                    push(
                        finished + timedelta(minutes=rng.uniform(45, 180)),
                        1,
                        "deploy",
                        {"kind": "fix"},
                    )
                    continue
                included, pending = pending, []
                last_prod_sha = head
                incident = payload.get("incident")
                if incident is not None:
                    incident["_resolved"] = finished + timedelta(minutes=rng.uniform(5, 30))
                base = float(EFFECTS["incident_rate_per_deploy"])
                if regression and self.treated_on(_local(when, team).date()):
                    base = float(EFFECTS["incident_rate_per_deploy_regression"])
                draw = rng.random()
                if regression and self.treated_on(_local(when, team).date()):
                    self.incident_draws.append((finished.date(), draw))
                if draw < base:
                    started = finished + timedelta(hours=rng.uniform(0.25, 48.0))
                    push(started, 2, "incident", {"cause": deployment, "included": included})
            elif kind == "incident":
                incident = self._incident(when, payload["cause"])
                remedy = rng.random()
                included = [p for p in payload.get("included", []) if p.kind == "task"]
                if payload["cause"] is not None and remedy < 0.3 and included:
                    pr = self.remediation_pr(
                        "revert",
                        when + timedelta(minutes=rng.uniform(20, 120)),
                        incident,
                        rng.choice(included),
                    )
                elif (
                    payload["cause"] is not None
                    and remedy < 0.7
                    and self.teammates(_local(when, team).date())
                ):
                    pr = self.remediation_pr(
                        "hotfix", when + timedelta(minutes=rng.uniform(20, 120)), incident, None
                    )
                else:
                    incident["_resolved"] = when + timedelta(hours=self.lognorm(1.5, 0.7))
                    continue
                assert pr.merged is not None
                push(pr.merged, 0, "merge", pr)
                push(
                    pr.merged + timedelta(minutes=rng.uniform(10, 40)),
                    1,
                    "deploy",
                    {"kind": "hotfix", "incident": incident},
                )
        self.head_sha_at_end = head

    def _pr_commit_shas(self, pr: PR) -> list[str]:
        if not pr.commit_shas:
            pr.commit_shas = [
                stable_hex(self.world.seed, self.team.full_name, "pr", pr.seq, k)
                for k in range(len(pr.commit_times))
            ]
        return pr.commit_shas

    def _deployment(
        self, when: datetime, sha: str, environment: str, outcome: str
    ) -> dict[str, Any]:
        rng = self.rng
        created = round_second(when)
        running = round_second(created + timedelta(seconds=rng.uniform(5, 40)))
        finished = round_second(created + timedelta(minutes=rng.uniform(3, 15)))
        deployment = {
            "id": next(self.counters.deployment_id),
            "sha": sha,
            "environment": environment,
            "created": created,
            "statuses": [
                (next(self.counters.status_id), "in_progress", running),
                (next(self.counters.status_id), outcome, finished),
            ],
            "_finished": finished,
        }
        self.deployments.append(deployment)
        return deployment

    def _incident(self, when: datetime, cause: dict[str, Any] | None) -> dict[str, Any]:
        rng = self.rng
        svc = self.team.pd_service
        title = rng.choice(_INCIDENT_TITLES).format(svc=svc)
        description = title
        reference = None
        if cause is not None and rng.random() < float(EFFECTS["explicit_incident_reference_share"]):
            if rng.random() < 0.5:
                reference = f"Caused by deploy {cause['id']}"
            else:
                reference = f"Suspected change sha: {cause['sha']}"
            description = f"{title}. {reference}"
        incident = {
            "key": f"{self.team.name}:{len(self.incidents)}",
            "team": self.team.name,
            "service": svc,
            "title": title,
            "description": description,
            "urgency": "high" if rng.random() < 0.6 else "low",
            "_created": round_second(when),
            "_resolved": None,
            "_cause_deployment_id": cause["id"] if cause else None,
            "_explicit_reference": reference is not None,
        }
        self.incidents.append(incident)
        return incident

    # -- output --------------------------------------------------------------------------
    def finalize_prs(self) -> list[PR]:
        rng = self.rng
        prs = [p for p in self.prs if p.created < self.cut_utc]
        prs.sort(key=lambda p: (p.created, p.seq))
        offset = rng.randint(20, 400)
        for index, pr in enumerate(prs):
            pr.number = offset + index
        times = [t for t, _ in self.head_timeline]
        for pr in prs:
            shas = self._pr_commit_shas(pr)
            visible = [
                sha for sha, when in zip(shas, pr.commit_times, strict=True) if when < self.cut_utc
            ]
            pr.head_sha = visible[-1] if visible else (shas[0] if shas else "")
            pr.gh_id = next(self.counters.pr_id)
            pr.review_ids = [next(self.counters.review_id) for _ in pr.reviews]
            pr.comment_ids = [next(self.counters.comment_id) for _ in pr.comments]
            pr.base_sha = self.head_timeline[bisect_right(times, pr.created) - 1][1]
            if pr.revert_of is not None:
                pr.body = f"Reverts {self.team.full_name}#{pr.revert_of.number}\n\n{pr.body}"
            if pr.merged is not None and pr.merged >= self.cut_utc:
                pr.merged = None
                pr.closed = None
            if pr.closed is not None and pr.closed >= self.cut_utc:
                pr.closed = None
        return prs

    # -- run ------------------------------------------------------------------------------
    def renumber_issues(self) -> None:
        """Jira keys and ids follow creation order, as they do in Jira."""
        items: list[Epic | Task] = [*self.epics, *self.tasks]
        items.sort(key=lambda item: (item.created, item.key))
        for index, item in enumerate(items, start=1):
            item.key = f"{self.team.key}-{index}"
            item.issue_id = str(next(self.counters.jira_issue))

    def ai_savings(self) -> list[tuple[date, float, float]]:
        """What the AI saved on each AI-assisted task done before the cut, from the
        simulation's own draws (no randomness): the task's effort is
        `base x team factor x secular x ai_task_effort_multiplier x noise`, so without AI the
        same task (same noise) would have taken effort / multiplier."""
        multiplier = float(EFFECTS["ai_task_effort_multiplier"])
        return [
            (
                _utc(task.done, self.team).date(),
                task.effort_hours,
                task.effort_hours / multiplier - task.effort_hours,
            )
            for task in self.tasks
            if task.ai and task.done < self.cut_local
        ]
