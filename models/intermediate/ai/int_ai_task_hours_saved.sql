{#-
    METRICS.md, Layer 1, human-equivalent hours saved:
    "measured: for each AI-assisted task done in adoption or impact,
    baseline_median_effort_hours(team, task class) - task_effort_hours (negative allowed:
    slower is a loss). measured_control_adjusted subtracts the control cohort's change in
    median effort for the same task class over the same periods."

    One row per AI-assisted work item (epics excluded) done in its team's adoption or impact
    phase.
    - baseline_median_effort_hours: median task_effort_hours of the team's tasks of the same
      class done in its baseline window [R - baseline_window_days, R); null when the class
      has no baseline task (the task then has no measured saving).
    - control_effort_reduction_hours: median effort of control-cohort tasks of the class done
      in the same calendar window as the team's baseline, minus that of control tasks done
      in the task's phase window (adoption [R, R + adoption_window_days), impact
      [R + adoption_window_days, ...)). Positive when control teams got faster. When either
      window has fewer than var('min_control_tasks_per_class', 3) control tasks of the class,
      the all-class control medians are used (`control_adjustment_source` = all_classes);
      when those are short too, it is null (insufficient_control_data, no_control_cohort).
    - measured_control_adjusted_hours_saved = measured_hours_saved -
      control_effort_reduction_hours, i.e. a difference-in-differences per task.
    - values: hours x the team's loaded hourly cost on the done date
      (int_team_loaded_rates_daily).
-#}
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

ai_tasks as (
    select
        *,
        case when phase = 'adoption' then reference_date else impact_start_date end as phase_start_date,
        case when phase = 'adoption' then impact_start_date else cast('9999-12-31' as date) end as phase_end_date
    from done_tasks
    where is_ai_assisted and phase in ('adoption', 'impact')
),

baseline_medians as (
    select
        team_name,
        task_class,
        count(*) as baseline_task_count,
        {{ median('task_effort_hours') }} as baseline_median_effort_hours
    from done_tasks
    where phase = 'baseline'
    group by team_name, task_class
),

control_tasks as (
    select * from done_tasks
    where cohort = 'control'
),

-- control medians depend on the calendar windows only, not on the team: computed once
-- per distinct window (teams rolled out on the same date share one)
windows as (
    select distinct
        phase,
        baseline_start_date,
        reference_date,
        phase_start_date,
        phase_end_date
    from ai_tasks
),

control_window_tasks as (
    select
        windows.phase,
        windows.baseline_start_date,
        windows.reference_date,
        windows.phase_start_date,
        windows.phase_end_date,
        'baseline' as side,
        control_tasks.task_class,
        control_tasks.task_effort_hours
    from windows
    inner join control_tasks
        on control_tasks.done_date >= windows.baseline_start_date
        and control_tasks.done_date < windows.reference_date

    union all

    select
        windows.phase,
        windows.baseline_start_date,
        windows.reference_date,
        windows.phase_start_date,
        windows.phase_end_date,
        'phase' as side,
        control_tasks.task_class,
        control_tasks.task_effort_hours
    from windows
    inner join control_tasks
        on control_tasks.done_date >= windows.phase_start_date
        and control_tasks.done_date < windows.phase_end_date
),

control_class_medians as (
    select
        phase,
        baseline_start_date,
        reference_date,
        phase_start_date,
        phase_end_date,
        task_class,
        sum(case when side = 'baseline' then 1 else 0 end) as baseline_task_count,
        sum(case when side = 'phase' then 1 else 0 end) as phase_task_count,
        {{ median("case when side = 'baseline' then task_effort_hours end") }} as baseline_median_effort_hours,
        {{ median("case when side = 'phase' then task_effort_hours end") }} as phase_median_effort_hours
    from control_window_tasks
    group by phase, baseline_start_date, reference_date, phase_start_date, phase_end_date, task_class
),

control_all_medians as (
    select
        phase,
        baseline_start_date,
        reference_date,
        phase_start_date,
        phase_end_date,
        sum(case when side = 'baseline' then 1 else 0 end) as baseline_task_count,
        sum(case when side = 'phase' then 1 else 0 end) as phase_task_count,
        {{ median("case when side = 'baseline' then task_effort_hours end") }} as baseline_median_effort_hours,
        {{ median("case when side = 'phase' then task_effort_hours end") }} as phase_median_effort_hours
    from control_window_tasks
    group by phase, baseline_start_date, reference_date, phase_start_date, phase_end_date
),

has_control_cohort as (
    select count(*) > 0 as has_control
    from int_teams
    where cohort = 'control'
),

adjusted as (
    select
        ai_tasks.*,
        baseline_medians.baseline_median_effort_hours,
        coalesce(baseline_medians.baseline_task_count, 0) as baseline_task_count,
        case
            when coalesce(control_class_medians.baseline_task_count, 0) >= {{ min_control_tasks }}
                and coalesce(control_class_medians.phase_task_count, 0) >= {{ min_control_tasks }}
                then 'task_class'
            when coalesce(control_all_medians.baseline_task_count, 0) >= {{ min_control_tasks }}
                and coalesce(control_all_medians.phase_task_count, 0) >= {{ min_control_tasks }}
                then 'all_classes'
            when not has_control_cohort.has_control then 'no_control_cohort'
            else 'insufficient_control_data'
        end as control_adjustment_source,
        control_class_medians.baseline_task_count as control_class_baseline_tasks,
        control_class_medians.phase_task_count as control_class_phase_tasks,
        control_class_medians.baseline_median_effort_hours - control_class_medians.phase_median_effort_hours
            as control_class_reduction_hours,
        control_all_medians.baseline_median_effort_hours - control_all_medians.phase_median_effort_hours
            as control_all_reduction_hours
    from ai_tasks
    cross join has_control_cohort
    left join baseline_medians
        on ai_tasks.team_name = baseline_medians.team_name
        and ai_tasks.task_class = baseline_medians.task_class
    left join control_class_medians
        on ai_tasks.phase = control_class_medians.phase
        and ai_tasks.baseline_start_date = control_class_medians.baseline_start_date
        and ai_tasks.reference_date = control_class_medians.reference_date
        and ai_tasks.phase_start_date = control_class_medians.phase_start_date
        and ai_tasks.phase_end_date = control_class_medians.phase_end_date
        and ai_tasks.task_class = control_class_medians.task_class
    left join control_all_medians
        on ai_tasks.phase = control_all_medians.phase
        and ai_tasks.baseline_start_date = control_all_medians.baseline_start_date
        and ai_tasks.reference_date = control_all_medians.reference_date
        and ai_tasks.phase_start_date = control_all_medians.phase_start_date
        and ai_tasks.phase_end_date = control_all_medians.phase_end_date
),

final as (
    select
        ---------- ids
        adjusted.issue_id,
        adjusted.team_name,

        ---------- strings
        adjusted.task_class,
        adjusted.phase,
        adjusted.control_adjustment_source,

        ---------- numerics
        adjusted.task_effort_hours,
        adjusted.baseline_task_count,
        adjusted.baseline_median_effort_hours,
        adjusted.baseline_median_effort_hours - adjusted.task_effort_hours as measured_hours_saved,
        case adjusted.control_adjustment_source
            when 'task_class' then adjusted.control_class_reduction_hours
            when 'all_classes' then adjusted.control_all_reduction_hours
        end as control_effort_reduction_hours,
        adjusted.baseline_median_effort_hours - adjusted.task_effort_hours
        - case adjusted.control_adjustment_source
            when 'task_class' then adjusted.control_class_reduction_hours
            when 'all_classes' then adjusted.control_all_reduction_hours
        end as measured_control_adjusted_hours_saved,
        int_team_loaded_rates_daily.loaded_hourly_cost_usd,

        ---------- dates
        adjusted.done_date,
        {{ month_start('adjusted.done_date') }} as month_start

    from adjusted
    left join int_team_loaded_rates_daily
        on adjusted.team_name = int_team_loaded_rates_daily.team_name
        and adjusted.done_date = int_team_loaded_rates_daily.date_day
)

select * from final
