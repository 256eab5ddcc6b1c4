"""The demo company "acme": teams, people, cohorts and the true effect sizes.

Everything here is derived from one seeded `random.Random`, in a fixed order, so a
seed and a set of parameters always describe the same world.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

from ingestion.demo.timeutil import add_months, next_monday

ORG = "acme"
GITHUB_ORG_ID = 91_240_771


class Effects(TypedDict):
    """The keys and types of `EFFECTS`."""

    ai_task_effort_multiplier: float
    secular_effort_multiplier: float
    pr_size_multiplier_ai: float
    pickup_multiplier_treatment: float
    ai_assisted_share_first_60_days: float
    ai_assisted_share_after_60_days: float
    ai_active_share_of_seat_holders: float
    idle_seat_team_active_share: float
    deployment_failure_rate: float
    incident_rate_per_deploy: float
    incident_rate_per_deploy_regression: float
    leakage_team_unreinvested_share: float
    explicit_incident_reference_share: float
    copilot_acceptance_rate_range: list[float]
    copilot_seat_price_usd: int
    tco_to_licence_ratio_target: float
    ops_cost_per_transaction_drift_ai: float
    low_trust_team_mean_trust: float
    baseline_days_min: int


# The TRUE effects built into the world (written to the manifest and the README).
EFFECTS: Effects = {
    "ai_task_effort_multiplier": 0.75,
    "secular_effort_multiplier": 0.95,
    "pr_size_multiplier_ai": 1.3,
    "pickup_multiplier_treatment": 1.2,
    "ai_assisted_share_first_60_days": 0.5,
    "ai_assisted_share_after_60_days": 0.75,
    "ai_active_share_of_seat_holders": 0.9,
    "idle_seat_team_active_share": 0.2,
    "deployment_failure_rate": 0.04,
    "incident_rate_per_deploy": 0.09,
    "incident_rate_per_deploy_regression": 0.2,
    # the leakage team leaves this share of the time the AI saved on a task idle before
    # starting the next one (every other team starts the next task at once)
    "leakage_team_unreinvested_share": 0.5,
    "explicit_incident_reference_share": 0.5,
    "copilot_acceptance_rate_range": [0.28, 0.35],
    "copilot_seat_price_usd": 19,
    "tco_to_licence_ratio_target": 2.5,
    "ops_cost_per_transaction_drift_ai": -0.05,
    "low_trust_team_mean_trust": 2.4,
    "baseline_days_min": 90,
}

ROLES = ["engineer", "senior_engineer", "staff_engineer", "engineering_manager"]
ROLE_RATES = {
    "engineer": 82.0,
    "senior_engineer": 104.0,
    "staff_engineer": 128.0,
    "engineering_manager": 121.0,
}
RATE_RAISE = 1.04

# name, jira key, product area, utc offset (minutes), languages, processes
_CATALOGUE: list[tuple[str, str, str, int, tuple[str, ...], tuple[str, ...]]] = [
    (
        "payments",
        "PAY",
        "payments",
        60,
        ("java", "sql"),
        ("card_authorisation", "refund_processing"),
    ),
    ("checkout", "CHK", "checkout", 0, ("typescript", "java"), ("order_placement",)),
    ("search", "SRCH", "discovery", -300, ("python", "java"), ("search_query",)),
    ("platform", "PLAT", "platform", 60, ("go", "yaml"), ("build_pipeline",)),
    ("mobile", "MOB", "mobile_app", 330, ("kotlin", "swift"), ("app_session",)),
    ("data", "DATA", "analytics", 120, ("python", "sql"), ("etl_job",)),
    ("identity", "IDN", "accounts", -480, ("go", "typescript"), ("login", "password_reset")),
    ("growth", "GRW", "growth", 0, ("typescript", "python"), ("email_campaign",)),
    ("billing", "BIL", "payments", 60, ("java", "sql"), ("invoice_run",)),
    ("catalog", "CAT", "discovery", 0, ("python", "typescript"), ("catalog_update",)),
    ("inventory", "INV", "fulfilment", 60, ("java",), ("stock_reservation",)),
    ("shipping", "SHP", "fulfilment", -300, ("go",), ("label_creation",)),
    ("notifications", "NOT", "growth", 120, ("typescript",), ("notification_send",)),
    ("pricing", "PRC", "checkout", 60, ("python",), ("price_quote",)),
    ("fraud", "FRD", "payments", 0, ("python", "sql"), ("fraud_check",)),
    ("loyalty", "LOY", "growth", -480, ("typescript",), ("points_award",)),
    ("support", "SUP", "accounts", 330, ("python",), ("ticket_routing",)),
    ("marketplace", "MKT", "discovery", 120, ("typescript", "go"), ("listing_publish",)),
    ("subscriptions", "SUB", "payments", -300, ("java",), ("renewal",)),
    ("ledger", "LED", "payments", 60, ("java", "sql"), ("journal_post",)),
]

_FIRST = [
    "alice",
    "bruno",
    "chloe",
    "dmitri",
    "elena",
    "farid",
    "greta",
    "hiro",
    "ines",
    "jonas",
    "kemal",
    "lena",
    "marco",
    "nadia",
    "oscar",
    "priya",
    "quentin",
    "rosa",
    "samir",
    "tara",
    "umar",
    "vera",
    "wen",
    "xavier",
    "yara",
    "zoltan",
    "amara",
    "bastian",
    "carmen",
    "dario",
    "esme",
    "felix",
    "gaia",
    "henrik",
    "ilse",
    "jamal",
    "kira",
    "lucas",
    "mira",
    "nils",
    "olga",
    "pavel",
    "rhea",
    "sven",
    "talia",
    "ugo",
    "valentin",
    "wanda",
    "yusuf",
    "zara",
    "anouk",
    "boris",
    "celia",
    "emil",
    "freya",
    "gideon",
    "hana",
    "ivo",
    "juno",
]
_LAST = [
    "chen",
    "okafor",
    "silva",
    "novak",
    "berg",
    "haddad",
    "ito",
    "kowalski",
    "larsen",
    "moreau",
    "nakamura",
    "oduya",
    "petrov",
    "quinn",
    "rossi",
    "santos",
    "tanaka",
    "ueda",
    "varga",
    "weber",
    "yilmaz",
    "zhang",
    "abara",
    "brandt",
    "costa",
    "dahl",
    "eklund",
    "fischer",
    "garcia",
    "holm",
    "ivanova",
    "jensen",
    "kaur",
    "lindqvist",
    "mendes",
    "nilsen",
    "ortega",
    "park",
    "reyes",
    "sato",
    "torres",
    "umeh",
    "vidal",
    "wolff",
    "xu",
    "yamada",
    "zeller",
    "achebe",
    "bianchi",
    "castillo",
    "duarte",
]

COPILOT_AGENT = {"login": "copilot-swe-agent", "id": 198_982_749, "type": "Bot"}
DEPENDABOT = {"login": "dependabot[bot]", "id": 49_699_333, "type": "Bot"}
CI_BOT = {"login": "ci-bot", "id": 61_004_120, "type": "User"}  # a machine user
WEB_FLOW = {"login": "web-flow", "id": 19_864_447, "type": "User"}


def stable_int(*parts: object, bits: int = 31) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") % (1 << bits)


def stable_hex(*parts: object, length: int = 40) -> str:
    return hashlib.sha1(":".join(str(p) for p in parts).encode()).hexdigest()[:length]


@dataclass
class Stint:
    team: str
    valid_from: date
    valid_to: date | None  # exclusive (half-open interval); None = open


@dataclass
class Person:
    login: str
    display_name: str
    role: str
    github_id: int
    jira_account_id: str
    email: str
    stints: list[Stint] = field(default_factory=list)
    ai_active: bool = False
    ide: str = "vscode"
    acceptance_rate: float = 0.31
    intensity: float = 1.0
    seat_created: date | None = None
    seat_team: str | None = None

    def team_on(self, day: date) -> str | None:
        for stint in self.stints:
            if stint.valid_from <= day and (stint.valid_to is None or day < stint.valid_to):
                return stint.team
        return None

    def github_user(self) -> dict[str, object]:
        return {"login": self.login, "id": self.github_id, "type": "User"}


@dataclass
class Team:
    name: str
    key: str
    product_area: str
    offset_minutes: int
    languages: tuple[str, ...]
    processes: tuple[str, ...]
    cohort: str = "control"
    rollout: date | None = None
    tools: list[str] = field(default_factory=list)
    factor: float = 1.0
    deploy_cadence: float = 0.7
    deploy_start: date | None = None
    #: where the team's repository is hosted: "github" (`acme/<team>-service` on GitHub) or
    #: "gitlab" (the GitLab project `acme/<team>-service` in group `acme`)
    platform: str = "github"

    @property
    def repo(self) -> str:
        return f"{self.name}-service"

    @property
    def full_name(self) -> str:
        return f"{ORG}/{self.repo}"

    @property
    def pd_service(self) -> str:
        return f"{self.name}-service"


@dataclass
class World:
    seed: int
    teams_requested: int
    team_size: tuple[int, int]
    months: int
    start: date
    end: date
    teams: list[Team]
    people: list[Person]
    program_start: date
    reports_start: date
    special: dict[str, str]
    movers: list[dict[str, str]]
    #: the team hosted on GitLab (None: every team on GitHub)
    gitlab_team: str | None = None

    def team(self, name: str) -> Team:
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.teams}

    def members_on(self, team: str, day: date) -> list[Person]:
        return [p for p in self.people if p.team_on(day) == team]


def _team_catalogue(
    count: int,
) -> list[tuple[str, str, str, int, tuple[str, ...], tuple[str, ...]]]:
    result = []
    for index in range(count):
        base = _CATALOGUE[index % len(_CATALOGUE)]
        round_ = index // len(_CATALOGUE)
        if round_ == 0:
            result.append(base)
        else:
            name, key, area, offset, langs, procs = base
            result.append(
                (f"{name}-{round_ + 1}", f"{key}{round_ + 1}", area, offset, langs, procs)
            )
    return result


def build_world(
    seed: int,
    teams: int,
    team_size: tuple[int, int],
    months: int,
    end_date: date,
    gitlab: bool = True,
) -> World:
    """`gitlab`: host one control team's repository on GitLab (when the world has at least
    two control teams, so GitHub keeps one): the team owning the late-deployment
    repository, the last in the shuffled team order. No random number is drawn for it."""
    if teams < 1:
        raise ValueError("teams must be >= 1")
    if team_size[0] < 2 or team_size[1] < team_size[0]:
        raise ValueError("team_size must be MIN,MAX with 2 <= MIN <= MAX")
    if months < 4:
        raise ValueError("months must be >= 4 (the baseline needs 90 days before a rollout)")
    rng = random.Random(f"{seed}:world")
    start = add_months(date(end_date.year, end_date.month, 1), -(months - 1))
    total_days = (end_date - start).days + 1

    team_list = [
        Team(name=n, key=k, product_area=a, offset_minutes=o, languages=lg, processes=pr)
        for n, k, a, o, lg, pr in _team_catalogue(teams)
    ]
    for team in team_list:
        team.factor = round(rng.uniform(0.85, 1.2), 3)
        team.deploy_cadence = round(rng.uniform(0.45, 0.9), 3)

    # Cohorts: ~5 of 8 teams adopt AI tools on staggered dates.
    n_treatment = max(1, round(teams * 5 / 8)) if teams > 1 else 1
    if teams >= 2:
        n_treatment = min(n_treatment, teams - 1)
    order = list(range(teams))
    rng.shuffle(order)
    treatment = [team_list[i] for i in order[:n_treatment]]
    spread = max(0, min(120, total_days - 90 - 60))
    for rank, team in enumerate(treatment):
        offset_days = 90 + (round(rank * spread / (n_treatment - 1)) if n_treatment > 1 else 0)
        team.cohort = "treatment"
        team.rollout = next_monday(start + timedelta(days=offset_days))
        team.tools = ["github_copilot"]
    program_start = min(t.rollout for t in treatment if t.rollout)
    n = len(treatment)
    special = {
        "claude_code_team": treatment[0].name,
        "quality_regression_team": treatment[1 % n].name,
        "low_trust_team": treatment[1 % n].name,
        "cursor_team": treatment[2 % n].name,
        "leakage_team": treatment[1 % n].name,
        "idle_seat_team": treatment[n - 1].name,
    }
    for team in treatment:
        if team.name == special["claude_code_team"]:
            team.tools.append("claude_code")
        if team.name == special["cursor_team"]:
            team.tools.append("cursor")
    late = team_list[order[-1]]  # a control team when there is one
    special["late_deployment_repo"] = late.full_name
    for team in team_list:
        team.deploy_start = start
    late.deploy_start = start + timedelta(days=91)
    controls = [t for t in team_list if t.cohort == "control"]
    gitlab_team = None
    if gitlab and len(controls) >= 2 and late.cohort == "control":
        late.platform = "gitlab"
        gitlab_team = late.name

    # New Copilot usage reports cover roughly the last five months.
    reports_start = max(
        add_months(date(end_date.year, end_date.month, 1), -4), program_start + timedelta(days=14)
    )
    reports_start = min(reports_start, end_date)

    # People.
    used_logins: set[str] = set()
    ai_draws: dict[str, float] = {}  # login -> the draw that decides whether a seat is used
    people: list[Person] = []
    for team in team_list:
        size = rng.randint(team_size[0], team_size[1])
        for index in range(size):
            if index == 0:
                role = "engineering_manager"
            else:
                draw = rng.random()
                role = (
                    "staff_engineer"
                    if draw < 0.12
                    else "senior_engineer"
                    if draw < 0.45
                    else "engineer"
                )
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            login = f"{first}-{last}"
            suffix = 2
            while login in used_logins:
                login = f"{first}-{last}{suffix}"
                suffix += 1
            used_logins.add(login)
            display = f"{first.capitalize()} {last.capitalize()}" + (
                login[len(first) + len(last) + 1 :] or ""
            )
            person = Person(
                login=login,
                display_name=display,
                role=role,
                github_id=10_000_000 + stable_int("gh", login, bits=26),
                jira_account_id="712020:" + stable_hex("jira", login, length=24),
                email=f"{login.replace('-', '.')}@acme.example",
                stints=[Stint(team.name, start, None)],
                ide="vscode" if rng.random() < 0.7 else "jetbrains",
                acceptance_rate=round(rng.uniform(0.26, 0.37), 4),
                intensity=round(rng.lognormvariate(0.0, 0.35), 4),
            )
            ai_draws[login] = rng.random()
            people.append(person)

    # Movers: one or two people change team mid-history, within their cohort.
    movers: list[dict[str, str]] = []
    n_movers = max(2, teams // 4)
    move_day = next_monday(start + timedelta(days=int(total_days * 0.6)))
    cohorts = {
        "treatment": [t.name for t in team_list if t.cohort == "treatment"],
        "control": [t.name for t in team_list if t.cohort == "control"],
    }
    candidates = [p for p in people if p.role != "engineering_manager"]
    rng.shuffle(candidates)
    moved: set[str] = set()
    for person in candidates:
        if len(movers) >= n_movers:
            break
        origin = person.stints[0].team
        cohort_teams = cohorts["treatment" if origin in cohorts["treatment"] else "control"]
        targets = [t for t in cohort_teams if t != origin]
        if not targets or sum(1 for p in people if p.stints[0].team == origin) <= team_size[0]:
            continue
        if person.login in moved:
            continue
        target = rng.choice(targets)
        day = move_day + timedelta(days=7 * len(movers))
        person.stints = [Stint(origin, start, day), Stint(target, day, None)]
        moved.add(person.login)
        movers.append(
            {"login": person.login, "from_team": origin, "to_team": target, "date": day.isoformat()}
        )

    # Seats and AI activity: every human on a treatment team gets a seat at rollout.
    by_team = {t.name: t for t in team_list}
    for person in people:
        seat_day = None
        seat_team = None
        for stint in person.stints:
            team = by_team[stint.team]
            if team.rollout is None:
                continue
            candidate = max(team.rollout, stint.valid_from)
            if stint.valid_to is not None and candidate >= stint.valid_to:
                continue
            if seat_day is None or candidate < seat_day:
                seat_day, seat_team = candidate, team.name
        person.seat_created = seat_day
        person.seat_team = seat_team
    for team in treatment:
        holders = [p for p in people if p.seat_team == team.name]
        if team.name == special["idle_seat_team"]:
            k = max(1, round(len(holders) * float(EFFECTS["idle_seat_team_active_share"])))
            ranked = sorted(holders, key=lambda p: ai_draws[p.login])
            for p in ranked[:k]:
                p.ai_active = True
        else:
            for p in holders:
                p.ai_active = ai_draws[p.login] < float(EFFECTS["ai_active_share_of_seat_holders"])

    return World(
        seed=seed,
        teams_requested=teams,
        team_size=team_size,
        months=months,
        start=start,
        end=end_date,
        teams=team_list,
        people=people,
        program_start=program_start,
        reports_start=reports_start,
        special=special,
        movers=movers,
        gitlab_team=gitlab_team,
    )
