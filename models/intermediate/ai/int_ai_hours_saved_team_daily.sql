{#-
    docs/metrics.md, Layer 1: "Human-equivalent hours saved, three estimates side by side, never
    blended: 1. measured ... measured_control_adjusted ...; 2. telemetry_modelled: lines
    accepted x var('minutes_saved_per_accepted_line', 0.5) / 60; 3. self_reported: survey
    hours saved per week x respondents' team headcount."
    Layer 3: "Value of hours saved = hours saved x the person's role loaded hourly cost,
    effective-dated (finance source), aggregated to team-month."

    One row per team and day with rostered members or any estimate, each estimate and its
    value at the team's loaded hourly cost that day (int_team_loaded_rates_daily), so a rate
    change mid-month is honoured day by day:
    - measured / measured_control_adjusted: summed over AI-assisted tasks done that day
      (int_ai_task_hours_saved); 0 on days without such tasks; the adjusted sum is null when
      a task of the day has no control adjustment;
    - telemetry_modelled: lines accepted that day (person- and team-level telemetry of every
      tool, int_ai_usage_person_days) x minutes per line / 60;
    - self_reported: the team's mean survey hours saved per week in the month (respondents
      with an answer) x rostered members that day / 7, so a month sums to
      mean x headcount x days / 7; null in months without an answer.
-#}
with

int_ai_task_hours_saved as (
    select * from {{ ref('int_ai_task_hours_saved') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_survey_responses as (
    select * from {{ ref('int_survey_responses') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

measured as (
    select
        team_name,
        done_date as date_day,
        count(*) as ai_assisted_tasks_done,
        count(measured_hours_saved) as tasks_with_baseline,
        count(measured_control_adjusted_hours_saved) as tasks_control_adjusted,
        sum(measured_hours_saved) as measured_hours_saved,
        case
            when count(measured_control_adjusted_hours_saved) = count(measured_hours_saved)
                then sum(measured_control_adjusted_hours_saved)
        end as measured_control_adjusted_hours_saved
    from int_ai_task_hours_saved
    where measured_hours_saved is not null
    group by team_name, done_date
),

tasks_without_baseline as (
    select
        team_name,
        done_date as date_day,
        count(*) as tasks_without_baseline
    from int_ai_task_hours_saved
    where measured_hours_saved is null
    group by team_name, done_date
),

telemetry as (
    select
        team_name,
        usage_date as date_day,
        sum(lines_accepted) as lines_accepted,
        {{ telemetry_modelled_hours('sum(lines_accepted)') }} as telemetry_modelled_hours_saved
    from int_ai_usage_person_days
    where team_name is not null
    group by team_name, usage_date
),

survey_months as (
    select
        team_name,
        {{ month_start('response_date') }} as month_start,
        count(self_reported_hours_saved_per_week) as self_reported_respondents,
        avg(self_reported_hours_saved_per_week) as self_reported_hours_saved_per_week_mean
    from int_survey_responses
    where self_reported_hours_saved_per_week is not null
    group by team_name, {{ month_start('response_date') }}
),

team_days as (
    select
        team_name,
        date_day
    from int_team_loaded_rates_daily
    union
    select
        team_name,
        date_day
    from measured
    union
    select
        team_name,
        date_day
    from tasks_without_baseline
    union
    select
        team_name,
        date_day
    from telemetry
),

joined as (
    select
        team_days.team_name,
        team_days.date_day,
        {{ month_start('team_days.date_day') }} as month_start,
        coalesce(int_team_loaded_rates_daily.rostered_members, 0) as rostered_members,
        int_team_loaded_rates_daily.loaded_hourly_cost_usd,
        coalesce(measured.ai_assisted_tasks_done, 0) + coalesce(tasks_without_baseline.tasks_without_baseline, 0)
            as ai_assisted_tasks_done,
        coalesce(measured.tasks_with_baseline, 0) as tasks_with_baseline,
        coalesce(tasks_without_baseline.tasks_without_baseline, 0) as tasks_without_baseline,
        coalesce(measured.tasks_control_adjusted, 0) as tasks_control_adjusted,
        coalesce(measured.measured_hours_saved, 0) as measured_hours_saved,
        case
            when measured.team_name is null then 0
            else measured.measured_control_adjusted_hours_saved
        end as measured_control_adjusted_hours_saved,
        coalesce(telemetry.lines_accepted, 0) as lines_accepted,
        coalesce(telemetry.telemetry_modelled_hours_saved, 0) as telemetry_modelled_hours_saved,
        telemetry.team_name is not null as has_telemetry,
        survey_months.self_reported_respondents,
        survey_months.self_reported_hours_saved_per_week_mean,
        survey_months.self_reported_hours_saved_per_week_mean
        * coalesce(int_team_loaded_rates_daily.rostered_members, 0) / 7.0 as self_reported_hours_saved
    from team_days
    left join int_team_loaded_rates_daily
        on team_days.team_name = int_team_loaded_rates_daily.team_name
        and team_days.date_day = int_team_loaded_rates_daily.date_day
    left join measured
        on team_days.team_name = measured.team_name
        and team_days.date_day = measured.date_day
    left join tasks_without_baseline
        on team_days.team_name = tasks_without_baseline.team_name
        and team_days.date_day = tasks_without_baseline.date_day
    left join telemetry
        on team_days.team_name = telemetry.team_name
        and team_days.date_day = telemetry.date_day
    left join survey_months
        on team_days.team_name = survey_months.team_name
        and {{ month_start('team_days.date_day') }} = survey_months.month_start
),

final as (
    select
        team_name,
        date_day,
        month_start,
        cast(rostered_members as bigint) as rostered_members,
        loaded_hourly_cost_usd,
        cast(ai_assisted_tasks_done as bigint) as ai_assisted_tasks_done,
        cast(tasks_with_baseline as bigint) as tasks_with_baseline,
        cast(tasks_without_baseline as bigint) as tasks_without_baseline,
        cast(tasks_control_adjusted as bigint) as tasks_control_adjusted,
        cast(lines_accepted as bigint) as lines_accepted,
        has_telemetry,
        cast(self_reported_respondents as bigint) as self_reported_respondents,
        self_reported_hours_saved_per_week_mean,
        cast(measured_hours_saved as {{ type_double() }}) as measured_hours_saved,
        cast(measured_control_adjusted_hours_saved as {{ type_double() }}) as measured_control_adjusted_hours_saved,
        cast(telemetry_modelled_hours_saved as {{ type_double() }}) as telemetry_modelled_hours_saved,
        cast(self_reported_hours_saved as {{ type_double() }}) as self_reported_hours_saved,
        measured_hours_saved * loaded_hourly_cost_usd as measured_value_usd,
        measured_control_adjusted_hours_saved * loaded_hourly_cost_usd as measured_control_adjusted_value_usd,
        telemetry_modelled_hours_saved * loaded_hourly_cost_usd as telemetry_modelled_value_usd,
        self_reported_hours_saved * loaded_hourly_cost_usd as self_reported_value_usd
    from joined
)

select * from final
