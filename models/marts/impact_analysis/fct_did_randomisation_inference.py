"""Staggered difference-in-differences with team-level randomisation inference.

A dbt Python model (dbt-duckdb runs it in dbt's own process). dbt cannot enforce a contract
on a Python model, so this table is the computation step only: fct_did_estimates,
fct_did_event_study and fct_did_group_time_effects select from it with enforced
contracts. tests/impact/test_staggered_did.py loads this file and checks every function
against hand-computed answers.

Per headline metric, over fct_impact_observations_team_weekly (every week of every
treatment and control team):

* Rollout cohort g = the ISO week (Monday) of a treatment team's rollout date; teams
  rolled out in the same week share a cohort. Weeks since rollout k = (week - g) / 7.
* Each team's own pre-rollout window for cohort g: the ``baseline_weeks`` weeks before g
  (k = -8 .. -1 with the default 60-day baseline window). base_i(g) = mean of team i's
  observations in that window (at least one needed).
* Group-time effect ATT(g, t) for calendar week t:
      mean over cohort-g teams of (Y_i,t - base_i(g))
    - mean over comparison teams of (Y_j,t - base_j(g))
  Comparison teams at (g, t): never-treated (control) teams and not-yet-treated teams,
  i.e. teams whose rollout week is after both g and t (so neither their window nor week
  t is treated). A cell needs a treated team and a comparison team with both pieces.
  Its weight is its treated team-weeks (the treated teams with an observation in t).
* Aggregate (did_estimate): the weighted mean of ATT(g, t) over the impact weeks
  k >= ``impact_from_week`` (9 = past the 60-day adoption window), weights = treated
  team-weeks. Event study: the same weighted mean per week since rollout k, from
  -baseline_weeks to ``event_study_last_week``. Pre-rollout weeks are placebo checks:
  deviations of week k from the team's own window mean, which should hover around 0.
* Randomisation inference at team level: every distinct assignment of the observed
  rollout weeks to the teams (which teams are treated, and which of the observed rollout
  weeks each gets; 8 teams with 5 distinct rollout weeks: 8!/3! = 6,720 assignments),
  enumerated exactly up to ``max_assignments``, else a seeded random sample of
  ``sample_assignments`` (2,000, with the observed assignment; a 25-team company has far
  more assignments than can be enumerated, and each one re-runs the estimator). The estimator is recomputed under each assignment.
  p_value (two-sided) = share of assignments whose |estimate| is at least the observed
  |estimate| (the sharp null of no effect in any team-week; assignments that give no
  estimate are left out). is_significant = p_value < alpha (0.05).
* 95% interval by test inversion: the effects tau that the same test does not reject
  (p >= alpha) after subtracting tau from the treated teams' team-weeks from their
  rollout week on (a constant additive effect). For a pre-rollout (placebo) week k the
  shift applies to the treated teams' week k only, after removing the aggregate estimate
  from their post-rollout weeks. The estimator is linear in the outcomes, so each
  assignment's statistic is A - tau x B and the accepted set is found exactly from the
  roots of quadratics. An interval the test cannot close is unbounded (null bound).
* Minimum detectable effect = 2.8 x randomisation SE (2.8 = 1.96 + 0.84: 80% power at a
  two-sided 5% level, normal approximation), randomisation SE = standard deviation of the
  estimate over all assignments after removing the estimated effect from the treated
  teams' post-rollout weeks (the no-effect world at the estimate).
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

#: rollout week number of a never-treated team (after every week)
NEVER = 10**9
#: the Monday that week number 0 starts
WEEK_ORIGIN = date(1970, 1, 5)
#: relative tolerance of "at least as extreme" (floating-point noise in equal estimates)
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Settings:
    baseline_weeks: int = 8
    impact_from_week: int = 9
    event_study_last_week: int = 20
    max_assignments: int = 10_000
    #: assignments drawn when the exact count exceeds max_assignments (None: max_assignments);
    #: Monte Carlo error of a p-value near 0.05 with 2,000 draws: about 0.005
    sample_assignments: int | None = None
    seed: int = 42
    alpha: float = 0.05
    mde_multiplier: float = 2.8

    @classmethod
    def from_days(
        cls, baseline_window_days: int, adoption_window_days: int, **kwargs: object
    ) -> "Settings":
        """Weeks from the project's windows: the whole weeks inside the baseline window
        before the rollout week, and the first week that starts after the adoption window
        (with a Monday rollout these are exactly phase_of's baseline and impact weeks)."""
        return cls(
            baseline_weeks=max(1, int(baseline_window_days) // 7),
            impact_from_week=max(0, math.ceil(int(adoption_window_days) / 7)),
            **kwargs,  # type: ignore[arg-type]
        )


def week_number(day: date) -> int:
    return (day - WEEK_ORIGIN).days // 7


def week_date(number: int) -> date:
    return WEEK_ORIGIN + timedelta(days=7 * int(number))


@dataclass
class Panel:
    """One metric's team x week observations; rollout week number per team (NEVER)."""

    teams: list[str]
    weeks: np.ndarray  # (T,) consecutive week numbers
    values: np.ndarray  # (n, T), nan = no observation
    rollout: np.ndarray  # (n,) week number or NEVER

    @property
    def observed(self) -> np.ndarray:
        return ~np.isnan(self.values)

    @property
    def is_treated(self) -> np.ndarray:
        return self.rollout != NEVER


def build_panel(rows: pd.DataFrame, rollout_weeks: dict[str, int | None]) -> Panel:
    """rows: team_name, week_start (date), value of one metric. rollout_weeks: team ->
    rollout week number (None = control). Teams without a rollout entry are ignored."""
    rows = rows[rows["team_name"].isin(list(rollout_weeks))]
    teams = sorted(rows["team_name"].unique().tolist())
    week_numbers = rows["week_start"].map(lambda d: week_number(pd.Timestamp(d).date()))
    if teams:
        weeks = np.arange(int(week_numbers.min()), int(week_numbers.max()) + 1)
    else:
        weeks = np.arange(0)
    values = np.full((len(teams), len(weeks)), np.nan)
    index = {team: i for i, team in enumerate(teams)}
    for team, week, value in zip(rows["team_name"], week_numbers, rows["value"], strict=True):
        values[index[team], int(week) - int(weeks[0])] = float(value)
    rollout = np.array(
        [NEVER if rollout_weeks[team] is None else int(rollout_weeks[team]) for team in teams],  # type: ignore[arg-type]
        dtype=np.int64,
    )
    return Panel(teams=teams, weeks=weeks, values=values, rollout=rollout)


# --- assignments ----------------------------------------------------------------------------


def count_assignments(labels: list[int]) -> int:
    """Distinct permutations of the label multiset: n! / prod(multiplicity!)."""
    total = math.factorial(len(labels))
    for label in set(labels):
        total //= math.factorial(labels.count(label))
    return total


def _multiset_permutations(counts: dict[int, int], length: int) -> Iterator[tuple[int, ...]]:
    if length == 0:
        yield ()
        return
    for label in sorted(counts):
        if counts[label] == 0:
            continue
        counts[label] -= 1
        for rest in _multiset_permutations(counts, length - 1):
            yield (label, *rest)
        counts[label] += 1


def assignments(rollout: np.ndarray, settings: Settings) -> tuple[np.ndarray, bool]:
    """(N, n) rollout week numbers per team; row 0 is the observed assignment. Exact
    enumeration when the count fits max_assignments, else a seeded random sample."""
    return _assignments(
        tuple(int(r) for r in rollout),
        settings.max_assignments,
        settings.seed,
        settings.sample_assignments or settings.max_assignments,
    )


@lru_cache(maxsize=8)
def _assignments(
    observed: tuple[int, ...], max_assignments: int, seed: int, sample_assignments: int
) -> tuple[np.ndarray, bool]:
    labels = list(observed)
    if count_assignments(labels) <= max_assignments:
        counts: dict[int, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        others = [p for p in _multiset_permutations(counts, len(labels)) if p != observed]
        return np.array([observed, *others], dtype=np.int64).reshape(-1, len(labels)), True
    rng = np.random.default_rng(seed)
    draws = [
        rng.permutation(np.array(labels, dtype=np.int64)) for _ in range(sample_assignments - 1)
    ]
    return np.array([observed, *draws], dtype=np.int64), False


# --- the estimator --------------------------------------------------------------------------

#: rows per matrix product: OpenBLAS runs smaller products on the calling thread; larger
#: ones wake its worker threads on every call, which on a busy machine (dbt runs models
#: beside this one) cost more waiting than they save (measured: 0.6 ms chunked vs 10 ms)
ROWS_PER_PRODUCT = 512


def _row_chunked_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """left @ right, computed in blocks of ROWS_PER_PRODUCT rows of left."""
    if left.shape[0] <= ROWS_PER_PRODUCT:
        return left @ right
    out = np.empty((left.shape[0], right.shape[1]))
    for start in range(0, left.shape[0], ROWS_PER_PRODUCT):
        stop = start + ROWS_PER_PRODUCT
        out[start:stop] = left[start:stop] @ right
    return out


@dataclass
class Estimator:
    """ATT(g, t), the aggregate and the event-study weeks for every assignment at once.

    The cells' weights and comparison sets depend on the assignment and on which
    team-weeks are observed, not on the values, so they are computed once; each call then
    maps an (n, T) input (the outcomes, or an effect pattern for test inversion) to the
    estimates of every assignment: the estimator is linear in its input."""

    panel: Panel
    assigned: np.ndarray  # (N, n) rollout week numbers
    settings: Settings
    cohorts: np.ndarray = field(init=False)  # (C,) cohort week numbers
    event_weeks: list[int] = field(init=False)

    def __post_init__(self) -> None:
        panel, s = self.panel, self.settings
        self.cohorts = np.array(
            sorted({int(r) for r in panel.rollout if r != NEVER}), dtype=np.int64
        )
        weeks = panel.weeks
        n_cohorts = len(self.cohorts)
        observed = panel.observed
        # each cohort's pre-rollout window, and which team-weeks have a base there
        self.window = (
            (weeks[None, :] >= self.cohorts[:, None] - s.baseline_weeks)
            & (weeks[None, :] <= self.cohorts[:, None] - 1)
        ).astype(float)  # (C, T)
        self.base_count = observed.astype(float) @ self.window.T  # (n, C)
        self.valid = observed[:, None, :] & (self.base_count[:, :, None] > 0)  # (n, C, T)
        self.k = weeks[None, :] - self.cohorts[:, None]  # (C, T) weeks since rollout
        # label l of a team in an assignment: its cohort's index, n_cohorts = never treated.
        # A team is a comparison for cell (c, t) when its rollout week is after both the
        # cohort's and t; cohorts are sorted, so that is label > threshold[c, t] =
        # max(c, index of the last cohort rolled out by t).
        label_weeks = np.append(self.cohorts, NEVER)
        latest = np.maximum(self.cohorts[:, None], weeks[None, :])  # (C, T)
        self.is_comparison = label_weeks[:, None, None] > latest[None, :, :]  # (C+1, C, T)
        rolled_out = np.searchsorted(self.cohorts, weeks, side="right") - 1  # (T,)
        self.threshold = np.maximum(np.arange(n_cohorts)[:, None], rolled_out[None, :])
        self.labels = np.searchsorted(self.cohorts, self.assigned)  # NEVER -> n_cohorts
        # (C, N, n): team i is in cohort c / is labelled after cohort m, per assignment
        self.in_cohort = np.stack([(self.labels == c).astype(float) for c in range(n_cohorts)])
        self.after = np.stack([(self.labels > m).astype(float) for m in range(n_cohorts)])
        self.threshold_weeks = [
            [(m, np.nonzero(self.threshold[c] == m)[0]) for m in np.unique(self.threshold[c])]
            for c in range(n_cohorts)
        ]
        # cell arrays are laid out (C, N, T): cohort, assignment, week
        valid = self.valid.astype(float)
        self.treated_n = self._treated_sums(valid)
        self.comparison_n = self._comparison_sums(valid)
        self.defined = (self.treated_n > 0) & (self.comparison_n > 0)
        self.weights = np.where(self.defined, self.treated_n, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.treated_share = np.where(self.defined, 1.0 / self.treated_n, 0.0)
            self.comparison_share = np.where(self.defined, 1.0 / self.comparison_n, 0.0)
        self.defined_weight = self.defined.astype(float)
        self.comparison_weight = self.weights * self.comparison_share
        # estimands: column 0 the aggregate (impact weeks), then each event-study week
        self.event_weeks = list(range(-s.baseline_weeks, s.event_study_last_week + 1))
        self.impact_weeks = [
            np.nonzero(self.k[c] >= s.impact_from_week)[0] for c in range(n_cohorts)
        ]
        self.study_weeks = []
        for c in range(n_cohorts):
            ts = np.nonzero(
                (self.k[c] >= self.event_weeks[0]) & (self.k[c] <= self.event_weeks[-1])
            )[0]
            self.study_weeks.append((ts, self.k[c, ts] - self.event_weeks[0] + 1))
        self.weight_totals = self._by_estimand(self.weights)  # (N, E)

    # - pieces ------------------------------------------------------------------------------

    def _treated_sums(self, per_team: np.ndarray) -> np.ndarray:
        """(C, N, T): sum of per_team[i, c, t] over the teams assigned to cohort c."""
        return np.stack(
            [
                _row_chunked_product(self.in_cohort[c], per_team[:, c, :])
                for c in range(len(self.cohorts))
            ]
        )

    def _comparison_sums(self, per_team: np.ndarray) -> np.ndarray:
        """(C, N, T): sum of per_team[i, c, t] over the comparison teams of cell (c, t)."""
        n_cohorts = len(self.cohorts)
        out = np.empty((n_cohorts, self.assigned.shape[0], per_team.shape[2]))
        for c in range(n_cohorts):
            for m, ts in self.threshold_weeks[c]:
                out[c][:, ts] = _row_chunked_product(self.after[m], per_team[:, c, ts])
        return out

    def _by_estimand(self, cells: np.ndarray) -> np.ndarray:
        """(N, E): sums of (C, N, T) cells over each estimand's cells."""
        totals = np.zeros((cells.shape[1], 1 + len(self.event_weeks)))
        for c in range(len(self.cohorts)):
            totals[:, 0] += cells[c][:, self.impact_weeks[c]].sum(axis=1)
            ts, columns = self.study_weeks[c]
            totals[:, columns] += cells[c][:, ts]
        return totals

    def differences(self, x: np.ndarray) -> np.ndarray:
        """(n, C, T): x_i,t - mean of x_i over cohort c's window, 0 where not valid."""
        filled = np.where(self.panel.observed, x, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            base = np.where(self.base_count > 0, (filled @ self.window.T) / self.base_count, 0.0)
        return np.where(self.valid, filled[:, None, :] - base[:, :, None], 0.0)

    def observed_cells(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(C, T) treated mean change, comparison mean change and ATT under the observed
        assignment (row 0); nan where the cell is undefined."""
        diff = self.differences(x)
        treated = np.zeros(self.k.shape)
        comparison = np.zeros(self.k.shape)
        for c in range(len(self.cohorts)):
            treated[c] = self.in_cohort[c, 0] @ diff[:, c, :]
            for m, ts in self.threshold_weeks[c]:
                comparison[c, ts] = self.after[m, 0] @ diff[:, c, ts]
        treated *= self.treated_share[:, 0, :]
        comparison *= self.comparison_share[:, 0, :]
        undefined = ~self.defined[:, 0, :]
        treated[undefined] = np.nan
        comparison[undefined] = np.nan
        return treated, comparison, treated - comparison

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(N, E) estimates: column 0 the aggregate, then one per event week (nan = none).
        Weighted by treated team-weeks w = n_treated: w x ATT = treated sum - w /
        n_comparison x comparison sum."""
        diff = self.differences(x)
        weighted = (
            self._treated_sums(diff) * self.defined_weight
            - self._comparison_sums(diff) * self.comparison_weight
        )
        totals = self._by_estimand(weighted)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.weight_totals > 0, totals / self.weight_totals, np.nan)

    def event_week(self, x: np.ndarray, event_week: int) -> np.ndarray:
        """(N,) estimates of one event week, the same as its column of __call__, computed
        only at its cells (one week per cohort): cheap enough to run for each pre-rollout
        week's own test-inversion input."""
        diff = self.differences(x)
        column = 1 + self.event_weeks.index(event_week)
        totals = np.zeros(self.assigned.shape[0])
        for c, cohort in enumerate(self.cohorts):
            t = int(cohort) + event_week - int(self.panel.weeks[0])
            if not 0 <= t < diff.shape[2]:
                continue
            cell = diff[:, c, t]  # (n,)
            treated = self.in_cohort[c] @ cell
            comparison = self.after[self.threshold[c, t]] @ cell
            totals += (
                treated * self.defined_weight[c, :, t]
                - comparison * self.comparison_weight[c, :, t]
            )
        weights = self.weight_totals[:, column]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(weights > 0, totals / weights, np.nan)

    def post_rollout(self) -> np.ndarray:
        """(n, T) 1 for the truly treated teams' weeks from their rollout week on."""
        panel = self.panel
        return (panel.weeks[None, :] >= panel.rollout[:, None]).astype(float)

    def at_event_week(self, event_week: int) -> np.ndarray:
        """(n, T) 1 for the truly treated teams' week `event_week` since their rollout."""
        panel = self.panel
        since = panel.weeks[None, :] - panel.rollout[:, None]
        return ((since == event_week) & panel.is_treated[:, None]).astype(float)


# --- inference ------------------------------------------------------------------------------


def randomisation_p_value(estimates: np.ndarray) -> float | None:
    """Two-sided: share of assignments (row 0 observed) at least as extreme as observed."""
    finite = estimates[np.isfinite(estimates)]
    if not np.isfinite(estimates[0]) or finite.size == 0:
        return None
    observed = abs(float(estimates[0]))
    extreme = np.abs(finite) >= observed - TIE_TOLERANCE * max(1.0, observed)
    return float(extreme.sum() / finite.size)


def _accepting_intervals(
    a: np.ndarray, b: np.ndarray, a0: float, b0: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each assignment j, the closed set of tau with |a_j - tau b_j| >= |a0 - tau b0|:
    (a_j - tau b_j)^2 - (a0 - tau b0)^2 = qa tau^2 + qb tau + qc >= 0, a union of at most
    two intervals. Returns their lower and upper ends (+-inf for half-lines)."""
    scale = max(1.0, abs(a0), float(np.max(np.abs(a))) if a.size else 1.0)
    qa = b * b - b0 * b0
    qb = -2.0 * (a * b - a0 * b0)
    qc = a * a - a0 * a0
    inf = np.full(a.shape, np.inf)
    linear = np.abs(qa) <= 1e-12
    constant = linear & (np.abs(qb) <= 1e-12 * scale)
    lows: list[np.ndarray] = []
    highs: list[np.ndarray] = []
    # constant: everything when qc >= 0, else nothing
    everything = constant & (qc >= -1e-12 * scale * scale)
    lows.append(-inf[everything])
    highs.append(inf[everything])
    # linear: a half-line from the root
    line = linear & ~constant
    with np.errstate(invalid="ignore", divide="ignore"):
        root = -qc / qb
    rising = line & (qb > 0)
    falling = line & (qb < 0)
    lows.extend([root[rising], -inf[falling]])
    highs.extend([inf[rising], root[falling]])
    # quadratic
    quad = ~linear
    disc = qb * qb - 4.0 * qa * qc
    with np.errstate(invalid="ignore", divide="ignore"):
        sqrt_disc = np.sqrt(np.maximum(disc, 0.0))
        r1 = (-qb - sqrt_disc) / (2 * qa)
        r2 = (-qb + sqrt_disc) / (2 * qa)
    small, large = np.minimum(r1, r2), np.maximum(r1, r2)
    upward_all = quad & (qa > 0) & (disc <= 0)
    upward_two = quad & (qa > 0) & (disc > 0)
    downward = quad & (qa < 0) & (disc >= 0)
    lows.extend([-inf[upward_all], -inf[upward_two], large[upward_two], small[downward]])
    highs.extend([inf[upward_all], small[upward_two], inf[upward_two], large[downward]])
    return np.concatenate(lows), np.concatenate(highs)


def invert_test(a: np.ndarray, b: np.ndarray, alpha: float) -> tuple[float, float] | None:
    """The hull of {tau : p(tau) >= alpha}, where p(tau) is the share of assignments with
    |a_j - tau b_j| >= |a_0 - tau b_0| (row 0 observed). +-inf = unbounded; None when no
    tau is accepted or there is no observed estimate."""
    keep = np.isfinite(a) & np.isfinite(b)
    if not keep[0]:
        return None
    a, b = a[keep], b[keep]
    total = a.size
    lows, highs = _accepting_intervals(a, b, float(a[0]), float(b[0]))
    if lows.size == 0:
        return None
    lows, highs = np.sort(lows), np.sort(highs)
    points = np.unique(np.concatenate([lows[np.isfinite(lows)], highs[np.isfinite(highs)]]))
    if points.size == 0:
        candidates = np.array([0.0])
    else:
        middles = (points[:-1] + points[1:]) / 2
        candidates = np.concatenate([[points[0] - 1.0], points, middles, [points[-1] + 1.0]])
    # number of closed intervals containing each candidate: #(low <= x) - #(high < x)
    counts = np.searchsorted(lows, candidates, side="right") - np.searchsorted(
        highs, candidates, side="left"
    )
    accepted = candidates[counts / total >= alpha - 1e-12]
    if accepted.size == 0:
        return None
    lower, upper = float(accepted.min()), float(accepted.max())
    if points.size == 0:
        return (-math.inf, math.inf)
    if lower < points[0]:
        lower = -math.inf
    if upper > points[-1]:
        upper = math.inf
    return lower, upper


# --- one metric -----------------------------------------------------------------------------


def _null_reason(panel: Panel, aggregate_weight: float) -> str | None:
    if aggregate_weight > 0:
        return None
    if not panel.teams:
        return "no observations"
    if not panel.is_treated.any():
        return "no treatment teams"
    if panel.is_treated.all() and len(set(panel.rollout.tolist())) == 1:
        return "no control teams"
    return (
        "too few observations: no impact week of a treatment team has its own pre-rollout"
        " weeks and a comparison team observed in the same weeks"
    )


def analyse_metric(panel: Panel, settings: Settings) -> list[dict[str, object]]:
    """Rows of the aggregate, the event-study weeks and the group-time cells of one metric."""
    if not panel.teams or not panel.is_treated.any():
        return [_aggregate_row({"null_reason": _null_reason(panel, 0.0)}, 0, True)]
    assigned, is_exact = assignments(panel.rollout, settings)
    # weeks before the earliest cohort's pre-rollout window enter no estimate
    first = int(panel.rollout[panel.is_treated].min()) - settings.baseline_weeks
    keep = panel.weeks >= first
    panel = Panel(panel.teams, panel.weeks[keep], panel.values[:, keep], panel.rollout)
    estimator = Estimator(panel, assigned, settings)
    y = np.where(panel.observed, panel.values, 0.0)
    estimates = estimator(y)  # (N, E)
    post = estimator.post_rollout()
    post_effect = estimator(post)
    observed_estimate = float(estimates[0, 0])
    has_aggregate = bool(np.isfinite(observed_estimate))
    defined_assignments = int(np.isfinite(estimates[:, 0]).sum())

    details = _observed_details(estimator, y)
    rows: list[dict[str, object]] = []

    # aggregate
    aggregate: dict[str, object] = {
        **details["aggregate"],
        "null_reason": _null_reason(panel, details["aggregate"]["treated_team_weeks"]),
    }
    if has_aggregate:
        null_world = estimates[:, 0] - observed_estimate * post_effect[:, 0]
        finite = null_world[np.isfinite(null_world)]
        se = float(np.std(finite)) if finite.size else None
        interval = invert_test(estimates[:, 0], post_effect[:, 0], settings.alpha)
        aggregate.update(
            estimate=observed_estimate,
            p_value=randomisation_p_value(estimates[:, 0]),
            randomisation_se=se,
            minimum_detectable_effect=None if se is None else settings.mde_multiplier * se,
            **_interval_columns(interval),
        )
    rows.append(_aggregate_row(aggregate, defined_assignments, is_exact))

    # event study
    # pre-rollout weeks are tested with the estimated effect removed from post-rollout
    # weeks: the estimator is linear, so that is estimates - estimate x post_effect
    adjusted_estimates = estimates - observed_estimate * post_effect if has_aggregate else estimates
    for column, event_week in enumerate(estimator.event_weeks, start=1):
        if not np.isfinite(estimates[0, column]):
            continue
        if event_week >= 0:
            a, b = estimates[:, column], post_effect[:, column]
        else:
            a = adjusted_estimates[:, column]
            b = estimator.event_week(estimator.at_event_week(event_week), event_week)
        row = {
            **details["event_weeks"][event_week],
            "result_type": "event_week",
            "result_key": f"event_week:{event_week}",
            "weeks_since_rollout": event_week,
            "is_in_aggregate": event_week >= settings.impact_from_week,
            "estimate": float(estimates[0, column]),
            "p_value": randomisation_p_value(a),
            "randomisation_assignments": int(np.isfinite(a).sum()),
            "randomisation_is_exact": is_exact,
            **_interval_columns(invert_test(a, b, settings.alpha)),
        }
        rows.append(row)
    rows.extend(details["group_time"])
    return rows


def _interval_columns(interval: tuple[float, float] | None) -> dict[str, object]:
    if interval is None:
        return {"ci_lower_95": None, "ci_upper_95": None, "interval_is_bounded": None}
    lower, upper = interval
    return {
        "ci_lower_95": lower if math.isfinite(lower) else None,
        "ci_upper_95": upper if math.isfinite(upper) else None,
        "interval_is_bounded": math.isfinite(lower) and math.isfinite(upper),
    }


def _aggregate_row(
    values: dict[str, object], assignments_used: int, is_exact: bool
) -> dict[str, object]:
    return {
        "result_type": "aggregate",
        "result_key": "aggregate",
        "randomisation_assignments": assignments_used,
        "randomisation_is_exact": is_exact,
        **values,
    }


def _observed_details(estimator: Estimator, y: np.ndarray) -> dict[str, object]:
    """Team counts, weighted changes and the group-time rows under the observed assignment."""
    panel, s = estimator.panel, estimator.settings
    treated, comparison, att = estimator.observed_cells(y)
    weights = estimator.weights[:, 0, :]  # (C, T)
    defined = estimator.defined[:, 0, :]
    valid = estimator.valid  # (n, C, T)
    labels = estimator.labels[0]  # (n,)
    n_cohorts = len(estimator.cohorts)
    filled = np.where(panel.observed, panel.values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(
            estimator.base_count > 0, (filled @ estimator.window.T) / estimator.base_count, np.nan
        )
    # (n, C, T): team i enters cell (c, t) as a treated team (its cohort is c and it has
    # both pieces), or as a comparison team; a team is never both in one cell
    in_treated = valid & (labels[:, None, None] == np.arange(n_cohorts)[None, :, None])
    in_comparison = valid & estimator.is_comparison[labels]
    is_control = labels == n_cohorts  # (n,) never treated
    # each treated team-week's own pre-rollout mean (valid implies a base)
    base_terms = np.where(in_treated, np.nan_to_num(base)[:, :, None], 0.0)
    no_cells = {
        "treated_team_weeks": 0,
        "treated_teams": 0,
        "control_teams": 0,
        "not_yet_treated_teams": 0,
        "rollout_cohorts": 0,
    }

    def summary(selected: np.ndarray) -> dict[str, object]:
        """selected: (C, T) cells (defined ones only count)."""
        cell = selected & defined
        total = float(weights[cell].sum())
        if total == 0:
            return dict(no_cells)
        treated_teams = in_treated[:, cell].any(axis=1)  # (n,)
        comparison_teams = in_comparison[:, cell].any(axis=1)
        return {
            "treated_team_weeks": int(total),
            "treated_teams": int(treated_teams.sum()),
            "control_teams": int((comparison_teams & is_control).sum()),
            "not_yet_treated_teams": int((comparison_teams & ~is_control).sum()),
            "rollout_cohorts": int(np.unique(np.nonzero(cell)[0]).size),
            "treated_change": float((treated[cell] * weights[cell]).sum() / total),
            "comparison_change": float((comparison[cell] * weights[cell]).sum() / total),
            "treated_pre_rollout_mean": float(base_terms[:, cell].sum()) / total,
        }

    aggregate = summary(estimator.k >= s.impact_from_week)
    event_weeks = {e: summary(estimator.k == e) for e in estimator.event_weeks}
    # one group-time row per cell that enters an estimate: the same figures as summary()
    # of that cell alone, for every cell at once
    used = defined & (estimator.k >= -s.baseline_weeks)
    cell_treated = in_treated.sum(axis=0)  # (C, T)
    cell_control = (in_comparison & is_control[:, None, None]).sum(axis=0)
    cell_not_yet = (in_comparison & ~is_control[:, None, None]).sum(axis=0)
    cell_base = base_terms.sum(axis=0)
    group_time: list[dict[str, object]] = []
    for c, t in zip(*np.nonzero(used), strict=True):
        cohort_week, week = int(estimator.cohorts[c]), int(panel.weeks[t])
        weight = float(weights[c, t])  # > 0: a defined cell has a treated team-week
        in_aggregate = int(estimator.k[c, t]) >= s.impact_from_week
        group_time.append(
            {
                "treated_team_weeks": int(weight),
                "treated_teams": int(cell_treated[c, t]),
                "control_teams": int(cell_control[c, t]),
                "not_yet_treated_teams": int(cell_not_yet[c, t]),
                "rollout_cohorts": 1,
                "treated_change": float(treated[c, t] * weight / weight),
                "comparison_change": float(comparison[c, t] * weight / weight),
                "treated_pre_rollout_mean": float(cell_base[c, t]) / weight,
                "result_type": "group_time",
                "result_key": f"group_time:{week_date(cohort_week).isoformat()}:{week_date(week).isoformat()}",
                "cohort_week_start": week_date(cohort_week),
                "week_start": week_date(week),
                "weeks_since_rollout": int(estimator.k[c, t]),
                "estimate": float(att[c, t]),
                "is_in_aggregate": in_aggregate,
                "aggregate_weight": (
                    float(weights[c, t] / aggregate["treated_team_weeks"])
                    if in_aggregate and aggregate["treated_team_weeks"]
                    else 0.0
                ),
            }
        )
    return {"aggregate": aggregate, "event_weeks": event_weeks, "group_time": group_time}


COLUMNS = {
    "metric_name": "string",
    "result_type": "string",
    "result_key": "string",
    "cohort_week_start": "date",
    "week_start": "date",
    "weeks_since_rollout": "Int64",
    "estimate": "float64",
    "treated_change": "float64",
    "comparison_change": "float64",
    "treated_pre_rollout_mean": "float64",
    "treated_teams": "Int64",
    "treated_team_weeks": "Int64",
    "control_teams": "Int64",
    "not_yet_treated_teams": "Int64",
    "rollout_cohorts": "Int64",
    "is_in_aggregate": "boolean",
    "aggregate_weight": "float64",
    "p_value": "float64",
    "ci_lower_95": "float64",
    "ci_upper_95": "float64",
    "interval_is_bounded": "boolean",
    "randomisation_se": "float64",
    "minimum_detectable_effect": "float64",
    "randomisation_assignments": "Int64",
    "randomisation_is_exact": "boolean",
    "null_reason": "string",
}


def analyse(observations: pd.DataFrame, teams: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """observations: metric_name, team_name, week_start, value. teams: team_name, cohort,
    rollout_week_start (date or null). One frame with every metric's rows."""
    rollout_weeks: dict[str, int | None] = {}
    for team, cohort, rollout_week in zip(
        teams["team_name"], teams["cohort"], teams["rollout_week_start"], strict=True
    ):
        if cohort == "control":
            rollout_weeks[team] = None
        elif cohort == "treatment" and rollout_week is not None and not pd.isna(rollout_week):
            rollout_weeks[team] = week_number(pd.Timestamp(rollout_week).date())
    rows: list[dict[str, object]] = []
    for metric, metric_rows in observations.groupby("metric_name", sort=True):
        panel = build_panel(metric_rows, rollout_weeks)
        for row in analyse_metric(panel, settings):
            rows.append({"metric_name": metric, **row})
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column, dtype in COLUMNS.items():
        if dtype == "date":
            frame[column] = pd.to_datetime(frame[column]).dt.date
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def model(dbt, session):  # dbt's Python model entry point
    meta = dbt.config.get("meta") or {}
    settings = Settings.from_days(
        meta.get("baseline_window_days", 60),
        meta.get("adoption_window_days", 60),
        event_study_last_week=int(meta.get("event_study_last_week", 20)),
        max_assignments=int(meta.get("max_assignments", 10_000)),
        sample_assignments=int(meta.get("sample_assignments", 2_000)),
        seed=int(meta.get("seed", 42)),
    )
    observations = _select(
        dbt.ref("fct_impact_observations_team_weekly"),
        ["metric_name", "team_name", "week_start", "value"],
    )
    teams = _select(
        dbt.ref("dim_teams"),
        [
            "team_name",
            "cohort",
            "cast(date_trunc('week', rollout_date) as date) as rollout_week_start",
        ],
    )
    return analyse(observations, teams, settings)


def _select(relation: Any, columns: list[str]) -> pd.DataFrame:
    """Columns of a ref as pandas: a DuckDB relation (.project) or a Spark DataFrame
    (.selectExpr, which has no .project)."""
    if hasattr(relation, "selectExpr"):
        return relation.selectExpr(*columns).toPandas()
    return relation.project(", ".join(columns)).df()
