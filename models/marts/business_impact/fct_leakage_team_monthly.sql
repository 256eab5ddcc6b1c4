{#-
    docs/metrics.md, Layer 3: "Leakage: throughput_gain_hours = (impact-phase merged PRs per
    engineer-week - baseline) x engineer-weeks x baseline effort hours per PR; leakage_hours
    = hours_saved - throughput_gain_hours; reinvestment_rate = throughput_gain_hours /
    hours_saved."

    One row per treatment team and calendar month with days in the team's impact phase
    (from R + var('adoption_window_days')), counting only those impact days:
    - engineer_weeks = rostered human members summed over the impact days / 7
      (int_team_loaded_rates_daily), merged_pull_requests = PRs merged on those days in the
      PR author's team at creation (people flow, int_pull_requests_enriched);
    - baseline_pr_throughput_per_engineer_week from fct_team_baselines;
    - baseline_effort_hours_per_pr = task_effort_hours summed over the team's tasks done in
      its baseline window (epics excluded) / merged PRs of the baseline window: the effort a
      merged PR represented before AI;
    - hours_saved: the var('hours_saved_method') estimate over the same impact days
      (int_ai_hours_saved_team_daily);
    - throughput_gain_hours, leakage_hours and reinvestment_rate as defined above. Neither
      is bounded: a negative gain (throughput fell) makes leakage exceed the hours saved.
    Person-derived columns are null when the team's monthly roster is below
    var('min_group_size').
-#}
{%- set method = var('hours_saved_method') -%}
with

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

int_pull_requests_enriched as (
    select * from {{ ref('int_pull_requests_enriched') }}
),

int_ai_hours_saved_team_daily as (
    select * from {{ ref('int_ai_hours_saved_team_daily') }}
),

int_work_items_enriched as (
    select * from {{ ref('int_work_items_enriched') }}
),

int_team_headcount_monthly as (
    select * from {{ ref('int_team_headcount_monthly') }}
),

fct_team_baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

treatment_teams as (
    select
        team_name,
        impact_start_date
    from int_teams
    where cohort = 'treatment' and impact_start_date is not null
),

impact_capacity as (
    select
        int_team_loaded_rates_daily.team_name,
        int_team_loaded_rates_daily.month_start,
        count(*) as impact_days,
        cast(sum(int_team_loaded_rates_daily.rostered_members) as {{ type_double() }}) / 7.0 as engineer_weeks
    from int_team_loaded_rates_daily
    inner join treatment_teams
        on int_team_loaded_rates_daily.team_name = treatment_teams.team_name
        and int_team_loaded_rates_daily.date_day >= treatment_teams.impact_start_date
    group by int_team_loaded_rates_daily.team_name, int_team_loaded_rates_daily.month_start
),

impact_pull_requests as (
    select
        int_pull_requests_enriched.people_flow_team_name as team_name,
        {{ month_start('int_pull_requests_enriched.merged_at') }} as month_start,
        count(*) as merged_pull_requests
    from int_pull_requests_enriched
    inner join treatment_teams
        on int_pull_requests_enriched.people_flow_team_name = treatment_teams.team_name
        and cast(int_pull_requests_enriched.merged_at as date) >= treatment_teams.impact_start_date
    where int_pull_requests_enriched.is_merged
    group by int_pull_requests_enriched.people_flow_team_name, {{ month_start('int_pull_requests_enriched.merged_at') }}
),

impact_hours_saved as (
    select
        int_ai_hours_saved_team_daily.team_name,
        int_ai_hours_saved_team_daily.month_start,
        {% if method == 'measured_control_adjusted' -%}
            case
                when sum(int_ai_hours_saved_team_daily.tasks_control_adjusted) = sum(int_ai_hours_saved_team_daily.tasks_with_baseline)
                    then coalesce(sum(int_ai_hours_saved_team_daily.measured_control_adjusted_hours_saved), 0)
            end as hours_saved
        {%- else -%}
        sum(int_ai_hours_saved_team_daily.{{ method }}_hours_saved) as hours_saved
        {%- endif %}
    from int_ai_hours_saved_team_daily
    inner join treatment_teams
        on int_ai_hours_saved_team_daily.team_name = treatment_teams.team_name
        and int_ai_hours_saved_team_daily.date_day >= treatment_teams.impact_start_date
    group by int_ai_hours_saved_team_daily.team_name, int_ai_hours_saved_team_daily.month_start
),

baseline_effort as (
    select
        team_name,
        sum(task_effort_hours) as baseline_task_effort_hours
    from int_work_items_enriched
    where phase = 'baseline' and is_done and lower(issue_type) <> 'epic'
    group by team_name
),

joined as (
    select
        impact_capacity.team_name,
        impact_capacity.month_start,
        impact_capacity.impact_days,
        impact_capacity.engineer_weeks,
        coalesce(impact_pull_requests.merged_pull_requests, 0) as merged_pull_requests,
        {{ safe_divide('coalesce(impact_pull_requests.merged_pull_requests, 0)', 'impact_capacity.engineer_weeks') }}
            as pr_throughput_per_engineer_week,
        fct_team_baselines.pr_throughput_per_engineer_week as baseline_pr_throughput_per_engineer_week,
        fct_team_baselines.merged_pull_requests as baseline_merged_pull_requests,
        coalesce(fct_team_baselines.is_verifiable, false) as is_baseline_verifiable,
        baseline_effort.baseline_task_effort_hours,
        {{ safe_divide('baseline_effort.baseline_task_effort_hours', 'fct_team_baselines.merged_pull_requests') }}
            as baseline_effort_hours_per_pr,
        case when impact_hours_saved.team_name is null then 0 else impact_hours_saved.hours_saved end as hours_saved,
        coalesce(int_team_headcount_monthly.rostered_members, 0) as rostered_members,
        coalesce(int_team_headcount_monthly.is_below_min_group_size, true) as is_suppressed
    from impact_capacity
    left join impact_pull_requests
        on impact_capacity.team_name = impact_pull_requests.team_name
        and impact_capacity.month_start = impact_pull_requests.month_start
    left join impact_hours_saved
        on impact_capacity.team_name = impact_hours_saved.team_name
        and impact_capacity.month_start = impact_hours_saved.month_start
    left join fct_team_baselines on impact_capacity.team_name = fct_team_baselines.team_name
    left join baseline_effort on impact_capacity.team_name = baseline_effort.team_name
    left join int_team_headcount_monthly
        on impact_capacity.team_name = int_team_headcount_monthly.team_name
        and impact_capacity.month_start = int_team_headcount_monthly.month_start
),

computed as (
    select
        *,
        (pr_throughput_per_engineer_week - baseline_pr_throughput_per_engineer_week)
        * engineer_weeks * baseline_effort_hours_per_pr as throughput_gain_hours
    from joined
),

leakage as (
    select
        *,
        hours_saved - throughput_gain_hours as leakage_hours,
        {{ safe_divide('throughput_gain_hours', 'hours_saved') }} as reinvestment_rate
    from computed
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(impact_days as bigint) as impact_days,
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        is_baseline_verifiable,
        cast('{{ method }}' as {{ dbt.type_string() }}) as hours_saved_method,
        cast(engineer_weeks as {{ type_double() }}) as engineer_weeks,
        cast({{ suppress_small_cell('merged_pull_requests', 'rostered_members') }} as bigint) as merged_pull_requests,
        {%- for column in [
            'pr_throughput_per_engineer_week', 'baseline_pr_throughput_per_engineer_week',
        ] %}
            cast({{ suppress_small_cell(column, 'rostered_members') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        cast({{ suppress_small_cell('baseline_merged_pull_requests', 'rostered_members') }} as bigint) as baseline_merged_pull_requests,
        {%- set hour_columns = [
            'baseline_task_effort_hours', 'baseline_effort_hours_per_pr', 'hours_saved',
            'throughput_gain_hours', 'leakage_hours',
        ] %}
        {%- for column in hour_columns %}
            cast({{ suppress_small_cell(column, 'rostered_members') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        cast({{ suppress_small_cell('reinvestment_rate', 'rostered_members') }} as {{ type_double() }}) as reinvestment_rate
    from leakage
)

select * from final
