{#-
    docs/metrics.md, Layer 1, human-equivalent hours saved (revised): "measured: a task class's
    baseline median is shrunk toward the team's all-class baseline (per-hour-of-effort
    ratio) with weight n/(n+k) for n baseline tasks (k = var('baseline_shrinkage_tasks'));
    classes with no baseline task use the team's all-class ratio. The control adjustment is
    the control cohort's change in effort for the same class and the same calendar windows
    (the treated team's baseline window and the task's own phase window)."

    One row per AI-assisted work item (epics excluded) done in its team's adoption or impact
    phase. The rule, step by step (README "The headline numbers"):
    1. class reference: the median effort of each task class over every done task that is
       not an AI-assisted task of adoption or impact (all teams, all phases). It only sets
       how big the classes are relative to each other; its overall level cancels out.
    2. team all-class ratio: the median, over the team's baseline tasks [R - baseline_window_days, R),
       of effort / class reference: the team's hours per hour of a typical task.
    3. shrunk baseline median of the class: w x (median effort of the team's n baseline tasks
       of the class) + (1 - w) x (team ratio x class reference), w = n / (n + k); n = 0 gives
       team ratio x class reference.
    4. mean-to-median factor: the mean, over the team's baseline tasks, of effort / their
       class's shrunk baseline median. Effort is right-skewed, so a task's expected effort is
       above the median; hours saved are summed over tasks, so the counterfactual must be the
       expected effort, not the median (a median counterfactual under-states the hours).
    5. counterfactual effort (without AI, before the control adjustment) = 3 x 4;
       measured_hours_saved = counterfactual - the task's effort (negative = AI made it slower).
    6. control change ratio for the same calendar windows (the team's baseline window and the
       task's phase window: adoption [R, R + adoption_window_days), impact after): control-cohort
       tasks with effort > 0 are normalised by their class reference and by their own team's
       level (geometric mean of its normalised efforts), so neither the class mix nor the mix
       of control teams can move it; the change is exp(mean log in the phase window - mean log
       in the baseline window). Per class, that change is shrunk toward the all-class change
       with weight n / (n + k), n = the fewer of the class's control tasks in the two windows.
       A window pair with fewer than var('min_control_tasks_per_class') control tasks (any
       class) on either side has no adjustment (insufficient_control_data; no_control_cohort
       without control teams).
    7. measured_control_adjusted_hours_saved = counterfactual x control change ratio - effort:
       control teams 10% slower over the same windows => the counterfactual is 10% higher and
       the saving grows by 10% of it; 10% faster => it shrinks.
       control_effort_reduction_hours = counterfactual x (1 - ratio), so adjusted = measured -
       reduction (positive reduction = control got faster).
    Values: hours x the team's loaded hourly cost on the done date (int_team_loaded_rates_daily).
    The bootstrap (int_ai_hours_saved_bootstrap.py) re-implements these steps; its replicate
    0 must equal this model (tests/dbt/bootstrap_point_equals_hours_saved.sql).
-#}
{%- set k = var('baseline_shrinkage_tasks') -%}
{%- set min_control_tasks = var('min_control_tasks_per_class', 3) -%}
with

int_work_items_enriched as (
    select * from {{ ref('int_work_items_enriched') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

done_tasks as (
    select
        int_work_items_enriched.issue_id,
        int_work_items_enriched.team_name,
        int_work_items_enriched.task_class,
        int_work_items_enriched.phase,
        int_work_items_enriched.is_ai_assisted,
        int_work_items_enriched.is_ai_assisted
        and int_work_items_enriched.phase in ('adoption', 'impact') as is_treated_task,
        int_work_items_enriched.task_effort_hours,
        cast(int_work_items_enriched.done_at as date) as done_date,
        int_teams.cohort,
        int_teams.baseline_start_date,
        int_teams.reference_date,
        int_teams.impact_start_date
    from int_work_items_enriched
    inner join int_teams on int_work_items_enriched.team_name = int_teams.team_name
    where
        int_work_items_enriched.is_done
        and int_work_items_enriched.task_effort_hours is not null
        and lower(int_work_items_enriched.issue_type) <> 'epic'
),

---------- 1. class references

class_references as (
    select
        task_class,
        {{ median('task_effort_hours') }} as class_reference_effort_hours
    from done_tasks
    where not is_treated_task
    group by task_class
),

normalised_tasks as (
    select
        done_tasks.*,
        class_references.class_reference_effort_hours,
        done_tasks.task_effort_hours / nullif(class_references.class_reference_effort_hours, 0)
            as normalised_effort
    from done_tasks
    left join class_references on done_tasks.task_class = class_references.task_class
),

---------- 2.-4. the team's shrunk baselines

baseline_tasks as (
    select * from normalised_tasks
    where phase = 'baseline'
),

team_ratios as (
    select
        team_name,
        count(*) as team_baseline_task_count,
        {{ median('normalised_effort') }} as team_baseline_ratio
    from baseline_tasks
    group by team_name
),

class_medians as (
    select
        team_name,
        task_class,
        count(*) as baseline_task_count,
        {{ median('task_effort_hours') }} as baseline_median_effort_hours
    from baseline_tasks
    group by team_name, task_class
),

shrunk_baselines as (
    -- every team with baseline tasks x every class with a reference
    select
        team_ratios.team_name,
        class_references.task_class,
        team_ratios.team_baseline_task_count,
        team_ratios.team_baseline_ratio,
        class_references.class_reference_effort_hours,
        coalesce(class_medians.baseline_task_count, 0) as baseline_task_count,
        class_medians.baseline_median_effort_hours,
        coalesce(class_medians.baseline_task_count, 0) * 1.0
        / (coalesce(class_medians.baseline_task_count, 0) + {{ k }}) as baseline_shrinkage_weight,
        team_ratios.team_baseline_ratio * class_references.class_reference_effort_hours as team_ratio_effort_hours
    from team_ratios
    cross join class_references
    left join class_medians
        on team_ratios.team_name = class_medians.team_name
        and class_references.task_class = class_medians.task_class
),

shrunk as (
    select
        *,
        case
            when baseline_task_count > 0
                then baseline_shrinkage_weight * baseline_median_effort_hours
                    + (1 - baseline_shrinkage_weight) * team_ratio_effort_hours
            else team_ratio_effort_hours
        end as shrunk_baseline_median_hours
    from shrunk_baselines
),

mean_to_median as (
    select
        baseline_tasks.team_name,
        avg(baseline_tasks.task_effort_hours / nullif(shrunk.shrunk_baseline_median_hours, 0))
            as baseline_mean_to_median_factor
    from baseline_tasks
    inner join shrunk
        on baseline_tasks.team_name = shrunk.team_name
        and baseline_tasks.task_class = shrunk.task_class
    group by baseline_tasks.team_name
),

---------- 6. the control cohort's change over the same windows

ai_tasks as (
    select
        *,
        case when phase = 'adoption' then reference_date else impact_start_date end as phase_start_date,
        case when phase = 'adoption' then impact_start_date else cast('9999-12-31' as date) end as phase_end_date
    from normalised_tasks
    where is_treated_task
),

control_tasks as (
    select
        team_name,
        task_class,
        done_date,
        ln(normalised_effort) as log_normalised_effort
    from normalised_tasks
    where cohort = 'control' and not is_treated_task and task_effort_hours > 0 and normalised_effort > 0
),

control_levels as (
    select
        team_name,
        avg(log_normalised_effort) as log_team_level
    from control_tasks
    group by team_name
),

control_relative as (
    select
        control_tasks.task_class,
        control_tasks.done_date,
        control_tasks.log_normalised_effort - control_levels.log_team_level as log_relative_effort
    from control_tasks
    inner join control_levels on control_tasks.team_name = control_levels.team_name
),

-- control changes depend on the calendar windows only, not on the team: computed once per
-- distinct window pair (teams rolled out on the same date share one)
windows as (
    select distinct
        baseline_start_date,
        reference_date,
        phase_start_date,
        phase_end_date
    from ai_tasks
),

control_window_tasks as (
    select
        windows.baseline_start_date,
        windows.reference_date,
        windows.phase_start_date,
        windows.phase_end_date,
        'baseline' as side,
        control_relative.task_class,
        control_relative.log_relative_effort
    from windows
    inner join control_relative
        on control_relative.done_date >= windows.baseline_start_date
        and control_relative.done_date < windows.reference_date

    union all

    select
        windows.baseline_start_date,
        windows.reference_date,
        windows.phase_start_date,
        windows.phase_end_date,
        'phase' as side,
        control_relative.task_class,
        control_relative.log_relative_effort
    from windows
    inner join control_relative
        on control_relative.done_date >= windows.phase_start_date
        and control_relative.done_date < windows.phase_end_date
),

control_class_changes as (
    select
        baseline_start_date,
        reference_date,
        phase_start_date,
        phase_end_date,
        task_class,
        sum(case when side = 'baseline' then 1 else 0 end) as baseline_task_count,
        sum(case when side = 'phase' then 1 else 0 end) as phase_task_count,
        exp(
            avg(case when side = 'phase' then log_relative_effort end)
            - avg(case when side = 'baseline' then log_relative_effort end)
        ) as effort_ratio
    from control_window_tasks
    group by baseline_start_date, reference_date, phase_start_date, phase_end_date, task_class
),

control_all_changes as (
    select
        baseline_start_date,
        reference_date,
        phase_start_date,
        phase_end_date,
        sum(case when side = 'baseline' then 1 else 0 end) as baseline_task_count,
        sum(case when side = 'phase' then 1 else 0 end) as phase_task_count,
        exp(
            avg(case when side = 'phase' then log_relative_effort end)
            - avg(case when side = 'baseline' then log_relative_effort end)
        ) as effort_ratio
    from control_window_tasks
    group by baseline_start_date, reference_date, phase_start_date, phase_end_date
),

has_control_cohort as (
    select count(*) > 0 as has_control
    from int_teams
    where cohort = 'control'
),

---------- 5. and 7. per AI-assisted task

adjusted as (
    select
        ai_tasks.*,
        shrunk.team_baseline_task_count,
        shrunk.team_baseline_ratio,
        coalesce(shrunk.baseline_task_count, 0) as baseline_task_count,
        shrunk.baseline_median_effort_hours,
        shrunk.baseline_shrinkage_weight,
        shrunk.shrunk_baseline_median_hours,
        mean_to_median.baseline_mean_to_median_factor,
        shrunk.shrunk_baseline_median_hours * mean_to_median.baseline_mean_to_median_factor
            as counterfactual_effort_hours,
        least(
            coalesce(control_class_changes.baseline_task_count, 0),
            coalesce(control_class_changes.phase_task_count, 0)
        ) as control_class_task_count,
        control_class_changes.effort_ratio as control_class_effort_ratio,
        control_all_changes.effort_ratio as control_all_effort_ratio,
        case
            when coalesce(control_all_changes.baseline_task_count, 0) < {{ min_control_tasks }}
                or coalesce(control_all_changes.phase_task_count, 0) < {{ min_control_tasks }}
                then case when has_control_cohort.has_control then 'insufficient_control_data' else 'no_control_cohort' end
            when least(
                    coalesce(control_class_changes.baseline_task_count, 0),
                    coalesce(control_class_changes.phase_task_count, 0)
                ) > 0 then 'task_class'
            else 'all_classes'
        end as control_adjustment_source
    from ai_tasks
    cross join has_control_cohort
    left join shrunk
        on ai_tasks.team_name = shrunk.team_name
        and ai_tasks.task_class = shrunk.task_class
    left join mean_to_median on ai_tasks.team_name = mean_to_median.team_name
    left join control_class_changes
        on ai_tasks.baseline_start_date = control_class_changes.baseline_start_date
        and ai_tasks.reference_date = control_class_changes.reference_date
        and ai_tasks.phase_start_date = control_class_changes.phase_start_date
        and ai_tasks.phase_end_date = control_class_changes.phase_end_date
        and ai_tasks.task_class = control_class_changes.task_class
    left join control_all_changes
        on ai_tasks.baseline_start_date = control_all_changes.baseline_start_date
        and ai_tasks.reference_date = control_all_changes.reference_date
        and ai_tasks.phase_start_date = control_all_changes.phase_start_date
        and ai_tasks.phase_end_date = control_all_changes.phase_end_date
),

ratios as (
    select
        *,
        case control_adjustment_source
            when 'task_class'
                then control_class_task_count * 1.0 / (control_class_task_count + {{ k }}) * control_class_effort_ratio
                    + {{ k }} * 1.0 / (control_class_task_count + {{ k }}) * control_all_effort_ratio
            when 'all_classes' then control_all_effort_ratio
        end as control_effort_ratio
    from adjusted
),

final as (
    select
        ---------- ids
        ratios.issue_id,
        ratios.team_name,
        int_work_items_enriched.assignee_id,

        ---------- strings
        ratios.task_class,
        ratios.phase,
        ratios.control_adjustment_source,

        ---------- numerics
        ratios.task_effort_hours,
        cast(ratios.baseline_task_count as bigint) as baseline_task_count,
        ratios.baseline_median_effort_hours,
        cast(ratios.team_baseline_task_count as bigint) as team_baseline_task_count,
        ratios.team_baseline_ratio,
        ratios.class_reference_effort_hours,
        ratios.baseline_shrinkage_weight,
        ratios.shrunk_baseline_median_hours,
        ratios.baseline_mean_to_median_factor,
        ratios.counterfactual_effort_hours,
        ratios.counterfactual_effort_hours - ratios.task_effort_hours as measured_hours_saved,
        cast(ratios.control_class_task_count as bigint) as control_class_task_count,
        ratios.control_effort_ratio,
        ratios.counterfactual_effort_hours * (1 - ratios.control_effort_ratio) as control_effort_reduction_hours,
        ratios.counterfactual_effort_hours * ratios.control_effort_ratio - ratios.task_effort_hours
            as measured_control_adjusted_hours_saved,
        int_team_loaded_rates_daily.loaded_hourly_cost_usd,

        ---------- dates
        ratios.done_date,
        {{ month_start('ratios.done_date') }} as month_start

    from ratios
    inner join int_work_items_enriched on ratios.issue_id = int_work_items_enriched.issue_id
    left join int_team_loaded_rates_daily
        on ratios.team_name = int_team_loaded_rates_daily.team_name
        and ratios.done_date = int_team_loaded_rates_daily.date_day
)

select * from final
