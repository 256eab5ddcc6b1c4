{#-
    The inputs of leakage (docs/metrics.md, "Leakage") per treatment team and calendar month
    with days in the team's impact phase (from R + var('adoption_window_days')), counting only
    those impact days:
    - impact_days = days with a roster row (int_team_loaded_rates_daily);
    - hours_saved = the var('hours_saved_method') estimate on those days
      (int_ai_hours_saved_team_daily; 0 when none; control-adjusted: null unless every task
      with a baseline was control-adjusted);
    - focus_hours and delivered_effort_hours = the team's weekday focus hours and the effort
      of finished work spread onto those days (int_team_delivered_effort_daily);
    - rostered_members and is_below_min_group_size from int_team_headcount_monthly (a month
      without a headcount row counts as below the minimum).
    int_leakage_team turns these into the team's one leakage estimate; fct_leakage_team_monthly
    publishes both per month. Nothing is suppressed here (intermediate, not published).
-#}
{%- set method = var('hours_saved_method') -%}
with

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

int_ai_hours_saved_team_daily as (
    select * from {{ ref('int_ai_hours_saved_team_daily') }}
),

int_team_delivered_effort_daily as (
    select * from {{ ref('int_team_delivered_effort_daily') }}
),

int_team_headcount_monthly as (
    select * from {{ ref('int_team_headcount_monthly') }}
),

treatment_teams as (
    select
        team_name,
        impact_start_date
    from int_teams
    where cohort = 'treatment' and impact_start_date is not null
),

impact_days as (
    select
        int_team_loaded_rates_daily.team_name,
        int_team_loaded_rates_daily.month_start,
        count(*) as impact_days
    from int_team_loaded_rates_daily
    inner join treatment_teams
        on int_team_loaded_rates_daily.team_name = treatment_teams.team_name
        and int_team_loaded_rates_daily.date_day >= treatment_teams.impact_start_date
    group by int_team_loaded_rates_daily.team_name, int_team_loaded_rates_daily.month_start
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

impact_effort as (
    select
        int_team_delivered_effort_daily.team_name,
        {{ month_start('int_team_delivered_effort_daily.date_day') }} as month_start,
        sum(int_team_delivered_effort_daily.capacity_hours) as focus_hours,
        sum(int_team_delivered_effort_daily.delivered_effort_hours) as delivered_effort_hours
    from int_team_delivered_effort_daily
    inner join treatment_teams
        on int_team_delivered_effort_daily.team_name = treatment_teams.team_name
        and int_team_delivered_effort_daily.date_day >= treatment_teams.impact_start_date
    group by int_team_delivered_effort_daily.team_name, {{ month_start('int_team_delivered_effort_daily.date_day') }}
),

final as (
    select
        cast(impact_days.team_name as {{ dbt.type_string() }}) as team_name,
        cast(impact_days.month_start as date) as month_start,
        cast(impact_days.impact_days as bigint) as impact_days,
        cast(coalesce(int_team_headcount_monthly.rostered_members, 0) as bigint) as rostered_members,
        coalesce(int_team_headcount_monthly.is_below_min_group_size, true) as is_below_min_group_size,
        cast(case when impact_hours_saved.team_name is null then 0 else impact_hours_saved.hours_saved end as {{ type_double() }})
            as hours_saved,
        cast(coalesce(impact_effort.focus_hours, 0) as {{ type_double() }}) as focus_hours,
        cast(coalesce(impact_effort.delivered_effort_hours, 0) as {{ type_double() }}) as delivered_effort_hours
    from impact_days
    left join impact_hours_saved
        on impact_days.team_name = impact_hours_saved.team_name
        and impact_days.month_start = impact_hours_saved.month_start
    left join impact_effort
        on impact_days.team_name = impact_effort.team_name
        and impact_days.month_start = impact_effort.month_start
    left join int_team_headcount_monthly
        on impact_days.team_name = int_team_headcount_monthly.team_name
        and impact_days.month_start = int_team_headcount_monthly.month_start
)

select * from final
