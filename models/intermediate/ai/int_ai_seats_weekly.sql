{#-
    docs/metrics.md, Layer 1: "seats_assigned from seat data on the date; seats_active_30d =
    seats whose last_activity_at is within 30 days; seat_utilisation = seats_active_30d /
    seats_assigned; idle_seat_cost = idle seats x seat price."

    One row per team, ISO week and AI tool with seats (Copilot seats: tool github_copilot).
    - seats_assigned: seats created on or before the week's last day (Sunday) and not
      cancelled by then, counted in the seat holder's team on that day (int_team_memberships;
      seats whose holder is on no team that day are left out of team grain).
    - seats_active_30d: assigned seats whose holder has person-level telemetry activity on
      the seat's tool in the var('seat_active_window_days') days ending on the week's last
      day. The seat source is a current snapshot, so its last_activity_at only speaks for
      the latest week: there, a seat whose last_activity_at falls inside the window (the
      30 days ending on the week's last day, never after it) also counts.
      Null (unknown, not 0) when person-level telemetry for the tool does not cover the whole
      window (e.g. Copilot days before the users-1-day reports, when only org-level legacy
      metrics exist), except in the latest week.
    - weekly_active_seats: assigned seats whose holder was active on the tool that week
      (null when telemetry does not cover the week); the adoption-stage numerator.
    - seat_price_usd: amount / seats of the licence invoice(s) of the tool for the month of
      the week's last day, else of the latest earlier month with one.
-#}
with

stg_copilot__seats as (
    select * from {{ ref('stg_copilot__seats') }}
),

stg_files__ai_costs as (
    select * from {{ ref('stg_files__ai_costs') }}
),

int_team_memberships as (
    select * from {{ ref('int_team_memberships') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_observed_days as (
    select * from {{ ref('int_observed_days') }}
),

weeks as (
    select distinct
        int_observed_days.week_start,
        cast({{ dbt.dateadd('day', 6, 'int_observed_days.week_start') }} as date) as week_end_date
    from int_observed_days
),

latest_week as (
    select max(week_start) as week_start from weeks
),

seats as (
    select
        person_id,
        'github_copilot' as ai_tool,
        cast(seat_created_at as date) as seat_created_date,
        pending_cancellation_date,
        cast(last_activity_at as date) as last_activity_date
    from stg_copilot__seats
),

active_days as (
    select distinct
        ai_tool,
        person_id,
        usage_date
    from int_ai_usage_person_days
    where is_active and person_id is not null
),

telemetry_coverage as (
    -- first day with person-level telemetry per tool
    select
        ai_tool,
        min(usage_date) as first_usage_date
    from int_ai_usage_person_days
    where person_id is not null
    group by ai_tool
),

seat_weeks as (
    select
        weeks.week_start,
        weeks.week_end_date,
        cast({{ dbt.dateadd('day', 1 - var('seat_active_window_days'), 'weeks.week_end_date') }} as date) as window_start_date,
        weeks.week_start = latest_week.week_start as is_latest_week,
        seats.person_id,
        seats.ai_tool,
        seats.last_activity_date
    from weeks
    cross join latest_week
    inner join seats
        on seats.seat_created_date <= weeks.week_end_date
        and (seats.pending_cancellation_date is null or seats.pending_cancellation_date > weeks.week_end_date)
),

seat_holder_teams as (
    select
        seat_weeks.week_start,
        seat_weeks.person_id,
        seat_weeks.ai_tool,
        min(int_team_memberships.team_name) as team_name
    from seat_weeks
    inner join int_team_memberships
        on seat_weeks.person_id = int_team_memberships.person_id
        and seat_weeks.week_end_date >= int_team_memberships.valid_from
        and seat_weeks.week_end_date < int_team_memberships.valid_to
    group by seat_weeks.week_start, seat_weeks.person_id, seat_weeks.ai_tool
),

seat_activity as (
    select
        seat_weeks.week_start,
        seat_weeks.person_id,
        seat_weeks.ai_tool,
        max(case when active_days.usage_date >= seat_weeks.window_start_date then 1 else 0 end) as has_window_activity,
        max(case when active_days.usage_date >= seat_weeks.week_start then 1 else 0 end) as has_week_activity
    from seat_weeks
    inner join active_days
        on seat_weeks.person_id = active_days.person_id
        and seat_weeks.ai_tool = active_days.ai_tool
        and active_days.usage_date >= seat_weeks.window_start_date
        and active_days.usage_date <= seat_weeks.week_end_date
    group by seat_weeks.week_start, seat_weeks.person_id, seat_weeks.ai_tool
),

seat_flags as (
    select
        seat_holder_teams.team_name,
        seat_weeks.week_start,
        seat_weeks.week_end_date,
        seat_weeks.ai_tool,
        seat_weeks.person_id,
        coalesce(telemetry_coverage.first_usage_date <= seat_weeks.window_start_date, false)
        or seat_weeks.is_latest_week as is_window_observed,
        coalesce(telemetry_coverage.first_usage_date <= seat_weeks.week_start, false) as is_week_observed,
        coalesce(seat_activity.has_window_activity, 0) = 1
        or (
            seat_weeks.is_latest_week
            and seat_weeks.last_activity_date >= seat_weeks.window_start_date
            and seat_weeks.last_activity_date <= seat_weeks.week_end_date
        ) as is_active_30d,
        coalesce(seat_activity.has_week_activity, 0) = 1 as is_active_week
    from seat_weeks
    inner join seat_holder_teams
        on seat_weeks.week_start = seat_holder_teams.week_start
        and seat_weeks.person_id = seat_holder_teams.person_id
        and seat_weeks.ai_tool = seat_holder_teams.ai_tool
    left join seat_activity
        on seat_weeks.week_start = seat_activity.week_start
        and seat_weeks.person_id = seat_activity.person_id
        and seat_weeks.ai_tool = seat_activity.ai_tool
    left join telemetry_coverage
        on seat_weeks.ai_tool = telemetry_coverage.ai_tool
),

team_seats as (
    select
        team_name,
        week_start,
        week_end_date,
        ai_tool,
        count(*) as seats_assigned,
        case
            when min(case when is_window_observed then 1 else 0 end) = 1
                then sum(case when is_active_30d then 1 else 0 end)
        end as seats_active_30d,
        case
            when min(case when is_week_observed then 1 else 0 end) = 1
                then sum(case when is_active_week then 1 else 0 end)
        end as weekly_active_seats
    from seat_flags
    group by team_name, week_start, week_end_date, ai_tool
),

licence_prices as (
    select
        ai_tool,
        cost_month,
        sum(amount_usd) as licence_amount_usd,
        sum(seats) as licence_seats
    from stg_files__ai_costs
    where cost_type = 'licence' and seats > 0
    group by ai_tool, cost_month
),

week_prices as (
    select
        team_seats.team_name,
        team_seats.week_start,
        team_seats.ai_tool,
        licence_prices.licence_amount_usd,
        licence_prices.licence_seats,
        licence_prices.cost_month,
        row_number() over (
            partition by team_seats.team_name, team_seats.week_start, team_seats.ai_tool
            order by licence_prices.cost_month desc
        ) as price_rank
    from team_seats
    inner join licence_prices
        on team_seats.ai_tool = licence_prices.ai_tool
        and licence_prices.cost_month <= {{ month_start('team_seats.week_end_date') }}
),

final as (
    select
        team_seats.team_name,
        team_seats.week_start,
        team_seats.ai_tool,
        team_seats.week_end_date,
        cast(team_seats.seats_assigned as bigint) as seats_assigned,
        cast(team_seats.seats_active_30d as bigint) as seats_active_30d,
        cast(team_seats.seats_assigned - team_seats.seats_active_30d as bigint) as idle_seats,
        cast(team_seats.weekly_active_seats as bigint) as weekly_active_seats,
        week_prices.cost_month as seat_price_month,
        cast(
            week_prices.licence_amount_usd / nullif(week_prices.licence_seats, 0) as decimal(18, 4)
        ) as seat_price_usd
    from team_seats
    left join week_prices
        on team_seats.team_name = week_prices.team_name
        and team_seats.week_start = week_prices.week_start
        and team_seats.ai_tool = week_prices.ai_tool
        and week_prices.price_rank = 1
)

select * from final
