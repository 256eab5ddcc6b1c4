"""Bootstrap replicates of the measured hours saved and their value, for the 90% intervals
of the headline money figures (fct_headline_intervals).

One row per replicate, scope and month with AI-assisted tasks that have a measured saving:
- replicate 0 (`point`) re-computes the point estimate of int_ai_task_hours_saved with the
  same rule (class reference, team all-class ratio, shrunk class median, mean-to-median
  factor, control change ratio); tests/dbt/bootstrap_point_equals_hours_saved.sql checks
  that it equals the SQL model's hours per team and month, so the two stay one definition;
- a team (`tasks_within_team`): one team is one cluster, so its interval resamples tasks
  within the team: its baseline tasks (every shrunk median, the team ratio and the
  mean-to-median factor re-estimated), its AI-assisted tasks within each month, and the
  control teams' tasks within each control team (the control change re-estimated). The
  hours are what *these* tasks saved, and no task's effort without AI is ever seen, so each
  resampled task's counterfactual is also drawn: its expected effort x one of the team's
  baseline residuals (a baseline task's effort / its class's expected effort, mean 1);
- a cohort and the organisation (`teams_then_tasks`): a two-stage cluster bootstrap. Stage
  one resamples teams: every treatment team and every control team gets a Bayesian-bootstrap
  weight (Dirichlet(1, ..., 1) x the number of teams: the continuous version of drawing
  teams with replacement, so a month that only one team's AI work covers never loses all
  its data); stage two resamples tasks within each team as above. A month's hours are the
  weighted teams' saving per hour of AI-assisted effort x the scope's AI-assisted effort
  that month (a ratio estimator: the scope's own volume of AI work is known, the uncertain
  part is what it saved).
Calibration on 40 simulated demo worlds (seeds 0-39, 300 replicates, total over adoption
and impact): a team's 90% interval held the true hours in 96.5% of 200 team cases (95% of the
40 smallest; a prototype without the counterfactual draw: 88%, and 80% for the smallest);
the organisation's in 40 of 40 (a prototype resampling teams only, without stage two: 31
of 40). Both err on the wide side: the demo draws a task's effort with and without AI from
the same noise, which the bootstrap does not assume.

Only for hours_saved_method measured or measured_control_adjusted (telemetry and survey
estimates have no sampling model here: no rows). Nothing is read from outside dbt's inputs;
the same data, var('bootstrap_replicates') and var('bootstrap_seed') give the same rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: replicates computed at a time (bounds memory at large sizes)
CHUNK = 100

COLUMNS = {
    "replicate_id": "int64",
    # categorical: millions of rows share a few hundred names (as objects they were most of
    # the frame's memory at 200 teams); the SQL relation casts them to varchar
    "bootstrap_scheme": "category",
    "scope_type": "category",
    "scope_name": "category",
    # microseconds, as pandas reads DuckDB's timestamps: nanoseconds end in 2262, and a
    # typo'd done date past that (3999) would wrap to another month silently
    "month_start": "datetime64[us]",
    "hours_saved": "float64",
    "value_of_hours_saved_usd": "float64",
    "ai_effort_hours": "float64",
}


#: every date the model handles, in one unit that holds any date a source may carry
TIME_UNIT = COLUMNS["month_start"]

#: the string columns, the same for every row of one emitted block
SCOPE_LABELS = ("bootstrap_scheme", "scope_type", "scope_name")


def weighted_median_sorted(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per row of `counts` (replicates x values): the median of `values` (sorted ascending),
    each repeated its count times, as percentile_cont(0.5): the mean of the two middle values
    for an even total. Non-integer counts are read as weights (the rank rule on their
    cumulative sums). nan for a row whose counts sum to 0."""
    total = counts.sum(axis=1)
    cumulative = counts.cumsum(axis=1)
    low_rank = np.floor((total + 1) / 2)
    high_rank = np.floor(total / 2) + 1
    tolerance = 1e-9
    low = values[(cumulative >= low_rank[:, None] - tolerance).argmax(axis=1)]
    high = values[(cumulative >= high_rank[:, None] - tolerance).argmax(axis=1)]
    return np.where(total > 0, (low + high) / 2.0, np.nan)


def resample_counts(rng: np.random.Generator, size: int, replicates: int) -> np.ndarray:
    """Draw `size` items with replacement from `size`, `replicates` times: how often each item
    was drawn (replicates x items)."""
    if size == 0:
        return np.zeros((replicates, 0))
    draws = rng.integers(0, size, size=(replicates, size))
    draws += (np.arange(replicates) * size)[:, None]
    counts = np.bincount(draws.ravel(), minlength=replicates * size)
    return counts.reshape(replicates, size).astype(float)


class HoursSavedEstimator:
    """The rule of int_ai_task_hours_saved, with every sample statistic taking per-replicate
    weights (counts) so replicates re-estimate it."""

    def __init__(self, tasks: pd.DataFrame, k: float, min_control_tasks: int) -> None:
        self.k = float(k)
        tasks = tasks.sort_values("issue_id", kind="stable").reset_index(drop=True)
        tasks["is_treated"] = tasks["is_ai_assisted"] & tasks["phase"].isin(["adoption", "impact"])
        self.classes = np.array(sorted(tasks["task_class"].unique()))
        tasks["class_index"] = np.searchsorted(self.classes, tasks["task_class"].to_numpy())
        reference = tasks[~tasks["is_treated"]].groupby("class_index")["task_effort_hours"].median()
        self.reference = np.full(len(self.classes), np.nan)
        self.reference[reference.index.to_numpy()] = reference.to_numpy()
        self.reference[~(self.reference > 0)] = np.nan
        tasks["normalised"] = tasks["task_effort_hours"] / self.reference[tasks["class_index"]]

        ai = tasks[tasks["is_treated"]].copy()
        far = pd.Timestamp("9999-12-31")
        ai["phase_start_date"] = ai["reference_date"].where(
            ai["phase"] == "adoption", ai["impact_start_date"]
        )
        ai["phase_end_date"] = ai["impact_start_date"].where(ai["phase"] == "adoption", far)
        keys = ["baseline_start_date", "reference_date", "phase_start_date", "phase_end_date"]
        self.windows = ai[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
        ai = ai.merge(self.windows.reset_index().rename(columns={"index": "window_index"}), on=keys)
        self.ai = ai.sort_values("issue_id", kind="stable").reset_index(drop=True)
        self.teams = sorted(self.ai["team_name"].unique())
        baseline = tasks[tasks["phase"] == "baseline"]
        self.baseline = {team: baseline[baseline["team_name"] == team] for team in self.teams}

        control = tasks[
            (tasks["cohort"] == "control")
            & ~tasks["is_treated"]
            & (tasks["task_effort_hours"] > 0)
            & (tasks["normalised"] > 0)
        ].copy()
        control["log_normalised"] = np.log(control["normalised"])
        level = control.groupby("team_name")["log_normalised"].mean()
        control["log_relative"] = control["log_normalised"].to_numpy(dtype=float) - control[
            "team_name"
        ].map(level).to_numpy(dtype=float)
        self.control = control.reset_index(drop=True)
        self.control_teams = sorted(self.control["team_name"].unique())
        self.control_team_index = np.searchsorted(
            self.control_teams, self.control["team_name"].to_numpy()
        )
        # control statistics only need sums per done day and class: each task's (day, class)
        # cell turns any task weights into those sums (a bincount per replicate), and a
        # window's sums are differences of their running totals over days
        done = self.control["done_date"].to_numpy(dtype=TIME_UNIT)
        self.control_days = np.unique(done)
        self.control_cell = (
            np.searchsorted(self.control_days, done) * len(self.classes)
            + self.control["class_index"].to_numpy()
        )
        self.control_cell_count = len(self.control_days) * len(self.classes)
        self.control_log_relative = self.control["log_relative"].to_numpy(dtype=float)
        self._cell_index: dict[int, np.ndarray] = {}
        self.control_ranges = []
        for window in self.windows.itertuples():
            edges = [
                np.datetime64(day).astype(TIME_UNIT)
                for day in (
                    window.baseline_start_date,
                    window.reference_date,
                    window.phase_start_date,
                    window.phase_end_date,
                )
            ]
            low_b, high_b, low_p, high_p = np.searchsorted(self.control_days, edges)
            self.control_ranges.append(((low_b, high_b), (low_p, high_p)))
        unit = self._window_sums(np.ones((1, len(self.control))))
        self.window_has_control = np.array(
            [
                base[0].sum() >= min_control_tasks and phase[0].sum() >= min_control_tasks
                for (base, _), (phase, _) in unit
            ],
            dtype=bool,
        )

    def _window_sums(self, weights: np.ndarray) -> list[tuple[tuple[np.ndarray, np.ndarray], ...]]:
        """Per window: ((weights, weighted log effort) per class in the baseline window, the same
        in the phase window), each replicates x classes."""
        replicates, classes = weights.shape[0], len(self.classes)
        if replicates not in self._cell_index:  # replicate r's cells are r x cells + cell
            self._cell_index[replicates] = (
                np.arange(replicates)[:, None] * self.control_cell_count + self.control_cell
            ).reshape(-1)
        index = self._cell_index[replicates]
        bins = replicates * self.control_cell_count
        running = []
        for task_weights in (weights, weights * self.control_log_relative):
            per_cell = np.bincount(
                index, weights=np.ascontiguousarray(task_weights).reshape(-1), minlength=bins
            ).reshape(replicates, -1, classes)
            zero = np.zeros((replicates, 1, classes))
            running.append(np.concatenate([zero, per_cell.cumsum(axis=1)], axis=1))
        counts, logs = running
        out = []
        for ranges in self.control_ranges:
            sides = []
            for low, high in ranges:
                high = max(high, low)
                sides.append((counts[:, high] - counts[:, low], logs[:, high] - logs[:, low]))
            out.append(tuple(sides))
        return out

    def counterfactual(self, team: str, counts: np.ndarray) -> np.ndarray:
        """Shrunk class baseline medians x the mean-to-median factor: replicates x classes,
        for `counts` = replicates x the team's baseline tasks."""
        baseline = self.baseline[team]
        replicates, classes = counts.shape[0], len(self.classes)
        if len(baseline) == 0:
            return np.full((replicates, classes), np.nan)
        effort = baseline["task_effort_hours"].to_numpy()
        class_index = baseline["class_index"].to_numpy()
        normalised = baseline["normalised"].to_numpy()
        medians = np.full((replicates, classes), np.nan)
        tasks_in_class = np.zeros((replicates, classes))
        for cls in np.unique(class_index):
            members = np.where(class_index == cls)[0]
            order = members[np.argsort(effort[members], kind="stable")]
            medians[:, cls] = weighted_median_sorted(effort[order], counts[:, order])
            tasks_in_class[:, cls] = counts[:, members].sum(axis=1)
        known = np.where(~np.isnan(normalised))[0]
        order = known[np.argsort(normalised[known], kind="stable")]
        team_ratio = weighted_median_sorted(normalised[order], counts[:, order])
        prior = team_ratio[:, None] * self.reference[None, :]
        weight = tasks_in_class / (tasks_in_class + self.k)
        shrunk = np.where(
            tasks_in_class > 0, weight * np.nan_to_num(medians) + (1 - weight) * prior, prior
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = effort[None, :] / shrunk[:, class_index]
            ratio[~np.isfinite(ratio)] = np.nan
            finite = ~np.isnan(ratio)
            factor = np.nansum(counts * ratio, axis=1) / (counts * finite).sum(axis=1)
        return shrunk * factor[:, None]

    def control_ratio(self, weights: np.ndarray) -> np.ndarray:
        """The control change ratio per window and class (replicates x windows x classes) for
        `weights` = replicates x control tasks; nan where a window has too few control tasks."""
        replicates = weights.shape[0]
        out = np.full((replicates, len(self.windows), len(self.classes)), np.nan)
        if len(self.control) == 0:
            return out
        for index, ((base_counts, base_logs), (phase_counts, phase_logs)) in enumerate(
            self._window_sums(weights)
        ):
            if not self.window_has_control[index]:
                continue
            counts, sums = [base_counts, phase_counts], [base_logs, phase_logs]
            with np.errstate(divide="ignore", invalid="ignore"):
                all_classes = np.exp(
                    sums[1].sum(axis=1) / counts[1].sum(axis=1)
                    - sums[0].sum(axis=1) / counts[0].sum(axis=1)
                )
                per_class = np.exp(sums[1] / counts[1] - sums[0] / counts[0])
            tasks = np.minimum(counts[0], counts[1])
            weight = tasks / (tasks + self.k)
            out[:, index, :] = np.where(
                tasks > 0,
                weight * np.nan_to_num(per_class) + (1 - weight) * all_classes[:, None],
                all_classes[:, None],
            )
        return out

    def team_tasks(self, team: str) -> pd.DataFrame:
        return self.ai[self.ai["team_name"] == team]

    @staticmethod
    def expected_effort(
        counterfactual: np.ndarray,
        control: np.ndarray | None,
        class_index: np.ndarray,
        window_index: np.ndarray,
    ) -> np.ndarray:
        """Each task's effort without AI per replicate (replicates x tasks): its class's
        counterfactual, times the control factor of its window and class when adjusted."""
        expected = counterfactual[:, class_index]
        if control is not None:
            expected = expected * control[:, window_index, class_index]
        return expected

    def savings(
        self, tasks: pd.DataFrame, counterfactual: np.ndarray, control: np.ndarray | None
    ) -> np.ndarray:
        """Hours saved per replicate and AI-assisted task of one team (replicates x tasks)."""
        expected = self.expected_effort(
            counterfactual,
            control,
            tasks["class_index"].to_numpy(),
            tasks["window_index"].to_numpy(),
        )
        return expected - tasks["task_effort_hours"].to_numpy()[None, :]


def _blocks(values: np.ndarray, team: dict[str, Any], months: int) -> np.ndarray:
    """Per replicate and month: the sum of `values` (replicates x the team's tasks ordered by
    month) over each month's block of tasks; 0 for a month without tasks."""
    out = np.zeros((values.shape[0], months))
    out[:, team["block_months"]] = np.add.reduceat(values, team["blocks"], axis=1)
    return out


def bootstrap(
    tasks: pd.DataFrame,
    cohorts: dict[str, str],
    k: float,
    min_control_tasks: int,
    replicates: int,
    seed: int,
    control_adjusted: bool,
) -> pd.DataFrame:
    """`tasks`: done non-epic work items with issue_id, team_name, cohort, task_class, phase,
    is_ai_assisted, task_effort_hours, done_date, month_start, baseline_start_date,
    reference_date, impact_start_date, loaded_hourly_cost_usd (for AI-assisted tasks).
    `cohorts`: team -> cohort. Returns the replicate rows (COLUMNS)."""
    estimator = HoursSavedEstimator(tasks, k, min_control_tasks)
    rng = np.random.default_rng(seed)
    # datetime64, not Timestamp objects (object comparisons made every lookup slow)
    months = np.unique(estimator.ai["month_start"].to_numpy(dtype=TIME_UNIT))
    # the rows, gathered as arrays and made a frame once at the end (a frame per team and
    # chunk of replicates cost more than the resampling at 200 teams); `labels` holds each
    # emitted block's (scheme, scope type, scope name), `label_index` its rows' entry
    labels: list[tuple[str, str, str]] = []
    blocks: dict[str, list[np.ndarray]] = {
        name: [] for name in ("label_index", *COLUMNS) if name not in SCOPE_LABELS
    }

    def emit(replicate_ids, scheme, scope_type, scope_name, hours, value, effort) -> None:
        if hours.size == 0:
            return
        effort_grid = np.broadcast_to(effort, hours.shape).reshape(-1)
        keep = effort_grid > 0
        blocks["label_index"].append(np.full(int(keep.sum()), len(labels)))
        labels.append((scheme, scope_type, scope_name))
        blocks["replicate_id"].append(np.repeat(replicate_ids, len(months))[keep])
        blocks["month_start"].append(np.tile(months, len(replicate_ids))[keep])
        blocks["hours_saved"].append(hours.reshape(-1)[keep])
        blocks["value_of_hours_saved_usd"].append(value.reshape(-1)[keep])
        blocks["ai_effort_hours"].append(effort_grid[keep])

    # per team: the tasks with a measured saving (a class without any reference, or a team
    # without baseline tasks, has none: null in the SQL model, left out here too)
    ones_control = np.ones((1, len(estimator.control)))
    control_point = estimator.control_ratio(ones_control) if control_adjusted else None
    teams = {}
    for team in estimator.teams:
        counterfactual = estimator.counterfactual(team, np.ones((1, len(estimator.baseline[team]))))
        tasks_of_team = estimator.team_tasks(team)
        point = estimator.savings(tasks_of_team, counterfactual, control_point)[0]
        known = ~np.isnan(point)
        tasks_of_team = tasks_of_team[known]
        if len(tasks_of_team) == 0:
            continue
        month_index = np.searchsorted(
            months, tasks_of_team["month_start"].to_numpy(dtype=TIME_UNIT)
        )
        rate = np.nan_to_num(tasks_of_team["loaded_hourly_cost_usd"].to_numpy(dtype=float))
        effort = tasks_of_team["task_effort_hours"].to_numpy()
        # the team's tasks ordered by month (stable: a month's tasks keep their order, so
        # each month's resampled counts fall on the same tasks as with strata), which makes
        # a month's sum one contiguous block
        by_month = np.argsort(month_index, kind="stable")
        sorted_months = month_index[by_month]
        starts = np.flatnonzero(np.r_[True, sorted_months[1:] != sorted_months[:-1]])
        class_index = tasks_of_team["class_index"].to_numpy()[by_month]
        baseline = estimator.baseline[team]
        residuals = (
            baseline["task_effort_hours"].to_numpy()
            / counterfactual[0, baseline["class_index"].to_numpy()]
        )
        residuals = residuals[np.isfinite(residuals)]
        entry = {
            "residuals": residuals / residuals.mean() if len(residuals) else np.ones(1),
            "by_month": by_month,
            "blocks": starts,
            "block_months": sorted_months[starts],
            "block_sizes": np.diff(np.r_[starts, len(by_month)]),
            "sorted_class": class_index,
            "sorted_window": tasks_of_team["window_index"].to_numpy()[by_month],
            "sorted_rate": rate[by_month][None, :],
            "sorted_effort": effort[by_month][None, :],
        }
        saved = point[known][by_month][None, :]
        entry["monthly_effort"] = _blocks(entry["sorted_effort"], entry, len(months))[0]
        entry["point"] = _blocks(saved, entry, len(months))
        entry["point_value"] = _blocks(saved * entry["sorted_rate"], entry, len(months))
        teams[team] = entry
    names = sorted(teams)
    point_hours = {team: teams[team]["point"] for team in names}
    for team in names:
        entry = teams[team]
        emit(
            np.array([0]),
            "point",
            "team",
            team,
            entry["point"],
            entry["point_value"],
            entry["monthly_effort"],
        )
    # no team with a measured saving (no Jira, or no baseline tasks yet): no scope rows
    scopes: dict[tuple[str, str], list[str]] = {("org", "all"): names} if names else {}
    for team in names:
        scopes.setdefault(("cohort", cohorts.get(team, "unassigned")), []).append(team)
    for (scope_type, scope_name), members in sorted(scopes.items()):
        effort = sum(teams[t]["monthly_effort"] for t in members)
        emit(
            np.array([0]),
            "point",
            scope_type,
            scope_name,
            sum(point_hours[t] for t in members),
            sum(teams[t]["point_value"] for t in members),
            effort,
        )

    if not names:  # nothing to resample (the replicates below would emit no row)
        return empty_frame()
    n_control = len(estimator.control_teams)
    for start in range(0, replicates, CHUNK):
        size = min(CHUNK, replicates - start)
        replicate_ids = np.arange(start + 1, start + size + 1)
        # stage two for the control: tasks within each control team; stage one: team weights
        control_counts = np.zeros((size, len(estimator.control)))
        for index in range(n_control):
            members = np.where(estimator.control_team_index == index)[0]
            control_counts[:, members] = resample_counts(rng, len(members), size)
        control_team_weights = (
            rng.dirichlet(np.ones(n_control), size=size) * n_control
            if n_control
            else np.zeros((size, 0))
        )
        control_within = estimator.control_ratio(control_counts) if control_adjusted else None
        control_two_stage = (
            estimator.control_ratio(
                control_counts * control_team_weights[:, estimator.control_team_index]
            )
            if control_adjusted
            else None
        )
        team_weights = (
            rng.dirichlet(np.ones(len(names)), size=size) * len(names)
            if names
            else np.zeros((size, 0))
        )
        hours_within, value_within, effort_within = {}, {}, {}
        for team in names:
            entry = teams[team]
            baseline_counts = resample_counts(rng, len(estimator.baseline[team]), size)
            counterfactual = estimator.counterfactual(team, baseline_counts)
            # tasks ordered by month (entry["by_month"]); the draws are made in the tasks'
            # own order, as they always were, then put in that order
            task_counts = np.zeros((size, len(entry["by_month"])))
            for start, length in zip(entry["blocks"], entry["block_sizes"], strict=True):
                task_counts[:, start : start + length] = resample_counts(rng, length, size)
            residuals = entry["residuals"]
            draw_index = rng.integers(0, len(residuals), size=task_counts.shape)
            draws = residuals[draw_index[:, entry["by_month"]]]
            rate, effort = entry["sorted_rate"], entry["sorted_effort"]
            for control, store in ((control_within, "within"), (control_two_stage, "two_stage")):
                expected = estimator.expected_effort(
                    counterfactual, control, entry["sorted_class"], entry["sorted_window"]
                )
                saved = expected * draws - effort
                hours = _blocks(task_counts * saved, entry, len(months))
                value = _blocks(task_counts * (saved * rate), entry, len(months))
                if store == "within":
                    emit(
                        replicate_ids,
                        "tasks_within_team",
                        "team",
                        team,
                        hours,
                        value,
                        entry["monthly_effort"],
                    )
                else:
                    hours_within[team], value_within[team] = hours, value
                    effort_within[team] = _blocks(task_counts * effort, entry, len(months))
        for (scope_type, scope_name), members in sorted(scopes.items()):
            columns = [names.index(t) for t in members]
            weights = team_weights[:, columns]
            weights = weights / weights.mean(axis=1, keepdims=True)
            weighted_hours = sum(
                weights[:, i, None] * hours_within[t] for i, t in enumerate(members)
            )
            weighted_value = sum(
                weights[:, i, None] * value_within[t] for i, t in enumerate(members)
            )
            weighted_effort = sum(
                weights[:, i, None] * effort_within[t] for i, t in enumerate(members)
            )
            scope_effort = sum(teams[t]["monthly_effort"] for t in members)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(
                    weighted_effort > 0, scope_effort[None, :] / weighted_effort, np.nan
                )
            emit(
                replicate_ids,
                "teams_then_tasks",
                scope_type,
                scope_name,
                weighted_hours * scale,
                weighted_value * scale,
                scope_effort,
            )
    if not labels:
        return empty_frame()
    label_index = np.concatenate(blocks["label_index"])
    columns: dict[str, Any] = {}
    for name in COLUMNS:
        if name in SCOPE_LABELS:
            block_values = [label[SCOPE_LABELS.index(name)] for label in labels]
            categories = sorted(set(block_values))
            code = {value: index for index, value in enumerate(categories)}
            block_codes = np.array([code[value] for value in block_values])
            columns[name] = pd.Categorical.from_codes(
                block_codes[label_index], categories=categories
            )
        else:
            columns[name] = np.concatenate(blocks[name])
    return pd.DataFrame(columns).astype(COLUMNS)


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})


def model(dbt, session):
    dbt.config(materialized="table")
    method = str(dbt.config.get("hours_saved_method"))
    # only the columns used (the work items carry 20; every copy of them in dbt's own
    # process sits beside the replicates)
    work_items = to_pandas(
        dbt.ref("int_work_items_enriched"),
        [
            "issue_id",
            "team_name",
            "issue_type",
            "is_done",
            "done_at",
            "task_class",
            "phase",
            "is_ai_assisted",
            "task_effort_hours",
        ],
    )
    teams = to_pandas(
        dbt.ref("int_teams"),
        ["team_name", "cohort", "baseline_start_date", "reference_date", "impact_start_date"],
    )
    hours_saved = to_pandas(
        dbt.ref("int_ai_task_hours_saved"), ["issue_id", "loaded_hourly_cost_usd"]
    )
    if (
        method not in ("measured", "measured_control_adjusted")
        or work_items.empty
        or hours_saved.empty
    ):
        return typed(session, empty_frame())
    tasks = work_items[
        work_items["is_done"]
        & work_items["task_effort_hours"].notna()
        & (work_items["issue_type"].str.lower() != "epic")
    ].merge(
        teams[
            ["team_name", "cohort", "baseline_start_date", "reference_date", "impact_start_date"]
        ],
        on="team_name",
    )
    tasks["done_date"] = pd.to_datetime(tasks["done_at"]).dt.tz_localize(None).dt.normalize()
    tasks["month_start"] = tasks["done_date"].dt.to_period("M").dt.start_time
    for column in ("baseline_start_date", "reference_date", "impact_start_date"):
        tasks[column] = pd.to_datetime(tasks[column])
    tasks = tasks.merge(
        hours_saved[["issue_id", "loaded_hourly_cost_usd"]], on="issue_id", how="left"
    )
    tasks["task_effort_hours"] = tasks["task_effort_hours"].astype(float)
    frame = bootstrap(
        tasks[
            [
                "issue_id",
                "team_name",
                "cohort",
                "task_class",
                "phase",
                "is_ai_assisted",
                "task_effort_hours",
                "done_date",
                "month_start",
                "baseline_start_date",
                "reference_date",
                "impact_start_date",
                "loaded_hourly_cost_usd",
            ]
        ],
        cohorts=dict(zip(teams["team_name"], teams["cohort"], strict=False)),
        k=float(dbt.config.get("baseline_shrinkage_tasks")),
        min_control_tasks=int(dbt.config.get("min_control_tasks_per_class")),
        replicates=int(dbt.config.get("bootstrap_replicates")),
        seed=int(dbt.config.get("bootstrap_seed")),
        control_adjusted=method == "measured_control_adjusted",
    )
    return typed(session, frame)


def to_pandas(relation, columns: list[str]) -> pd.DataFrame:
    """Columns of a ref as pandas: a DuckDB relation (.project, .df()) or a Spark DataFrame
    (.select, .toPandas())."""
    if hasattr(relation, "toPandas"):
        return relation.select(*columns).toPandas()
    return relation.project(", ".join(columns)).df()


SPARK_SCHEMA = (
    "replicate_id bigint, bootstrap_scheme string, scope_type string, scope_name string, "
    "month_start date, hours_saved double, value_of_hours_saved_usd double, "
    "ai_effort_hours double"
)


def typed(session, frame: pd.DataFrame):
    """The frame as a relation with SQL types (NaN becomes NULL, month_start a date)."""
    if hasattr(session, "createDataFrame"):  # Spark (the spark target)
        frame = frame.astype(object).where(frame.notna(), None)
        frame["month_start"] = [
            None if v is None else pd.Timestamp(v).date() for v in frame["month_start"]
        ]
        return session.createDataFrame(frame[list(COLUMNS)], schema=SPARK_SCHEMA)
    return session.from_df(frame).project(
        "cast(replicate_id as bigint) as replicate_id, "
        "cast(bootstrap_scheme as varchar) as bootstrap_scheme, "
        "cast(scope_type as varchar) as scope_type, "
        "cast(scope_name as varchar) as scope_name, "
        "cast(month_start as date) as month_start, "
        "cast(hours_saved as double) as hours_saved, "
        "cast(value_of_hours_saved_usd as double) as value_of_hours_saved_usd, "
        "cast(ai_effort_hours as double) as ai_effort_hours"
    )
