{#-
    docs/metrics.md, "Impact: AI-enabled vs control": "For each headline metric: team-week
    means for treatment and control in baseline and impact phases; did_estimate =
    (T_impact - T_baseline) - (C_impact - C_baseline), with a standard error from the
    team-week observations (Welch) ..."

    The team-week observations behind fct_did_estimates, fct_did_event_study and
    fct_did_group_time_effects, one row per team x ISO week x headline metric, so an
    analyst can recompute any estimate:
    - team-weeks: the team spine of fct_delivery_team_weekly (observation window), with
      the team's cohort and its phase by week start (phase_of, the team's own reference
      date); every week of treatment and control teams, in all four phases (the staggered
      design compares each rollout cohort with teams rolled out later, in weeks that are
      those teams' pre_baseline or baseline; the naive macro difference_in_differences
      reads the baseline and impact phases only); unassigned teams are left out;
    - rollout_week_start: Monday of the ISO week of a treatment team's rollout date
      (dim_teams; null for control teams), and weeks_since_rollout = (week_start -
      rollout_week_start) / 7 (0 = the rollout week);
    - delivery metrics from fct_delivery_team_weekly (PR throughput per engineer-week and
      median PR cycle time of the author team; median lead time, change failure rate and
      rework rate of the owner team);
    - median task effort of work items done in the week (int_work_items_enriched);
    - median size of PRs merged in the week (int_pull_requests_with_cycle_stages);
    - cost per transaction = operating cost / transactions of the week (int_ops_transactions_daily);
    - mean friction and satisfaction of the survey responses of the week (int_survey_responses);
    - privacy: each person-derived value is null, so no observation, unless at least
      var('min_group_size') distinct people stand behind it (suppress_small_cell): PR
      throughput and cycle time come suppressed by authors from fct_delivery_team_weekly,
      median task effort by distinct assignees, median PR size by distinct authors, the
      survey means by responses (anonymous, one per respondent);
    - deployment-dependent metrics (cycle time, lead time, change failure and rework rate)
      are dropped for team-weeks before the team's first observed production deployment:
      PRs merged before a repository's deployment history begins are all "deployed" by
      its first observed deployment, which would inflate their cycle time;
    - a team-week without a value (no deployment, no done task, ...) is no observation.
-#}
{%- set metrics = impact_headline_metrics() -%}
{%- set deployment_dependent = metrics | selectattr('requires_deployment_history') | map(attribute='metric_name') | list -%}
{%- set deployment_dependent_list = "'" ~ deployment_dependent | join("', '") ~ "'" -%}
{#- where each headline metric's team-week value comes from: CTE below, column, model -#}
{%- set metric_sources = {
    'pr_throughput_per_engineer_week': {'cte': 'delivery_weekly', 'column': 'pr_throughput_per_engineer_week', 'model': 'fct_delivery_team_weekly'},
    'pr_cycle_time_median_hours': {'cte': 'delivery_weekly', 'column': 'cycle_time_median_hours', 'model': 'fct_delivery_team_weekly'},
    'lead_time_median_hours': {'cte': 'delivery_weekly', 'column': 'lead_time_median_hours', 'model': 'fct_delivery_team_weekly'},
    'change_failure_rate': {'cte': 'delivery_weekly', 'column': 'change_failure_rate', 'model': 'fct_delivery_team_weekly'},
    'rework_rate': {'cte': 'delivery_weekly', 'column': 'rework_rate', 'model': 'fct_delivery_team_weekly'},
    'task_effort_median_hours': {'cte': 'task_effort', 'column': 'task_effort_median_hours', 'model': 'int_work_items_enriched'},
    'pr_size_median_lines': {'cte': 'pr_size', 'column': 'pr_size_median_lines', 'model': 'int_pull_requests_with_cycle_stages'},
    'cost_per_transaction_usd': {'cte': 'operations', 'column': 'cost_per_transaction_usd', 'model': 'int_ops_transactions_daily'},
    'friction_score_mean': {'cte': 'perception', 'column': 'friction_score_mean', 'model': 'int_survey_responses'},
    'satisfaction_score_mean': {'cte': 'perception', 'column': 'satisfaction_score_mean', 'model': 'int_survey_responses'},
} -%}
with

delivery_weekly as (
    select * from {{ ref('fct_delivery_team_weekly') }}
),

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
),

ops as (
    select * from {{ ref('int_ops_transactions_daily') }}
),

surveys as (
    select * from {{ ref('int_survey_responses') }}
),

teams as (
    select * from {{ ref('dim_teams') }}
),

rollout_weeks as (
    -- the ISO week of a treatment team's rollout (control teams have none)
    select
        team_name,
        {{ week_start('rollout_date') }} as rollout_week_start
    from teams
    where cohort = 'treatment' and rollout_date is not null
),

deployment_history as (
    -- the first week with an observed production deployment of a repository the team owns
    select
        team_name,
        min(week_start) as first_deployment_week_start
    from delivery_weekly
    where production_deployments > 0
    group by 1
),

team_weeks as (
    select
        delivery_weekly.team_name,
        delivery_weekly.week_start,
        delivery_weekly.cohort,
        delivery_weekly.phase,
        coalesce(delivery_weekly.week_start >= deployment_history.first_deployment_week_start, false) as has_deployment_history
    from delivery_weekly
    left join deployment_history on delivery_weekly.team_name = deployment_history.team_name
),

task_effort as (
    select
        team_name,
        {{ week_start('done_at') }} as week_start,
        {{ suppress_small_cell(median('task_effort_hours'), 'count(distinct assignee_id)') }} as task_effort_median_hours
    from work_items
    where is_done and team_name is not null
    group by 1, 2
),

pr_size as (
    select
        people_flow_team_name as team_name,
        {{ week_start('merged_at') }} as week_start,
        {{ suppress_small_cell(median('pr_size_lines'), 'count(distinct author_id)') }} as pr_size_median_lines
    from pull_requests
    where is_merged and people_flow_team_name is not null
    group by 1, 2
),

operations as (
    select
        team_name,
        {{ week_start('transaction_date') }} as week_start,
        {{ safe_divide('sum(operating_cost_usd)', 'sum(transactions)') }} as cost_per_transaction_usd
    from ops
    group by 1, 2
),

perception as (
    select
        team_name,
        {{ week_start('response_date') }} as week_start,
        {{ suppress_small_cell('avg(friction_score)', 'count(friction_score)') }} as friction_score_mean,
        {{ suppress_small_cell('avg(satisfaction_score)', 'count(satisfaction_score)') }} as satisfaction_score_mean
    from surveys
    group by 1, 2
),

metric_values as (
    -- one select per headline metric (macro impact_headline_metrics), from its source CTE
    {%- for metric in metrics %}
        {%- if metric.metric_name not in metric_sources %}
            {{ exceptions.raise_compiler_error("fct_impact_observations_team_weekly: no source for headline metric " ~ metric.metric_name) }}
        {%- endif %}
        {%- set source = metric_sources[metric.metric_name] %}
        select
            team_name,
            week_start,
            '{{ metric.metric_name }}' as metric_name,
            {{ source.column }} as metric_value,
            '{{ source.model }}' as source_model
        from {{ source.cte }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

observations as (
    select
        team_weeks.team_name,
        team_weeks.week_start,
        metric_values.metric_name,
        team_weeks.cohort,
        team_weeks.phase,
        rollout_weeks.rollout_week_start,
        metric_values.metric_value,
        metric_values.source_model
    from metric_values
    inner join team_weeks
        on metric_values.team_name = team_weeks.team_name
        and metric_values.week_start = team_weeks.week_start
    left join rollout_weeks on team_weeks.team_name = rollout_weeks.team_name
    where
        metric_values.metric_value is not null
        and team_weeks.cohort in ('treatment', 'control')
        and team_weeks.phase in ('pre_baseline', 'baseline', 'adoption', 'impact')
        and not (
            not team_weeks.has_deployment_history
            and metric_values.metric_name in ({{ deployment_dependent_list }})
        )
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(week_start as date) as week_start,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(rollout_week_start as date) as rollout_week_start,
        cast(
            {{ dbt.datediff('rollout_week_start', 'week_start', 'day') }}
            / 7 as {{ dbt.type_int() }}
        ) as weeks_since_rollout,
        cast(metric_value as {{ type_double() }}) as value,
        cast(source_model as {{ dbt.type_string() }}) as source_model
    from observations
)

select * from final
