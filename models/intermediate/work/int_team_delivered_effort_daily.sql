{#-
    One row per team and weekday on which the team had rostered human members
    (int_team_loaded_rates_daily): the focus hours the team had (rostered members x
    var('focus_hours_per_day')) and the effort hours of finished work done on that day: each
    done task's task_effort_hours (int_work_items_enriched, epics excluded) spread evenly over
    the weekdays from the day it went In Progress to the day it was done (UTC days, both
    included). delivered_effort_hours / capacity_hours is the share of the team's focus time
    that went into finished work; fct_net_gain_waterfall compares it before and after the
    rollout to see whether saved time became more delivered work (leakage).
-#}
with

int_work_items_enriched as (
    select * from {{ ref('int_work_items_enriched') }}
),

int_calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

done_tasks as (
    select
        issue_id,
        team_name,
        -- inside the calendar (the days a task can count on): a bad date such as 1970-01-01
        -- or 2999-12-31 would otherwise expand into tens of thousands of days
        greatest(cast(started_at as date), cast('{{ var('calendar_start_date') }}' as date)) as start_day,
        least(cast(done_at as date), cast('{{ var('calendar_end_date') }}' as date)) as done_day,
        task_effort_hours
    from int_work_items_enriched
    where
        is_done
        and lower(issue_type) <> 'epic'
        and started_at is not null
        and done_at is not null
        and task_effort_hours > 0
),

task_each_day as (
    select
        issue_id,
        team_name,
        task_effort_hours,
        {{ each_day('start_day', 'done_day') }} as date_day
    from done_tasks
    -- a task done before it started (bad dates), or wholly outside the calendar, has no
    -- days: Spark's sequence() would fail on it rather than return none
    where start_day <= done_day
),

task_days as (
    -- the task's weekdays inside the calendar
    select
        task_each_day.issue_id,
        task_each_day.team_name,
        task_each_day.task_effort_hours,
        task_each_day.date_day
    from task_each_day
    inner join int_calendar_days on task_each_day.date_day = int_calendar_days.date_day
    where int_calendar_days.is_weekday
),

task_spread as (
    select
        team_name,
        date_day,
        task_effort_hours / count(*) over (partition by issue_id) as effort_hours
    from task_days
),

daily_effort as (
    select
        team_name,
        date_day,
        sum(effort_hours) as delivered_effort_hours
    from task_spread
    group by team_name, date_day
),

final as (
    select
        cast(int_team_loaded_rates_daily.team_name as {{ dbt.type_string() }}) as team_name,
        cast(int_team_loaded_rates_daily.date_day as date) as date_day,
        cast(int_calendar_days.week_start as date) as week_start,
        cast(int_team_loaded_rates_daily.rostered_members as bigint) as rostered_members,
        cast(int_team_loaded_rates_daily.rostered_members * {{ var('focus_hours_per_day') }} as {{ type_double() }})
            as capacity_hours,
        cast(coalesce(daily_effort.delivered_effort_hours, 0) as {{ type_double() }}) as delivered_effort_hours
    from int_team_loaded_rates_daily
    inner join int_calendar_days on int_team_loaded_rates_daily.date_day = int_calendar_days.date_day
    left join daily_effort
        on int_team_loaded_rates_daily.team_name = daily_effort.team_name
        and int_team_loaded_rates_daily.date_day = daily_effort.date_day
    where int_calendar_days.is_weekday and int_team_loaded_rates_daily.rostered_members > 0
)

select * from final
