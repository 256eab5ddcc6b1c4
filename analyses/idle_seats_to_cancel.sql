-- Idle seats to cancel: per team, the latest week's assigned seats, seats active in the
-- last 30 days, utilisation and the monthly cost of the idle ones. Teams only: no person
-- is listed (docs/metrics.md, Privacy and suppression).
with

adoption as (
    select * from {{ ref('fct_ai_adoption_team_weekly') }}
),

latest as (
    select
        team_name,
        max(week_start) as week_start
    from adoption
    where seats_assigned > 0
    group by team_name
),

final as (
    select
        adoption.team_name,
        adoption.week_start,
        adoption.seats_assigned,
        adoption.seats_active_30d,
        adoption.idle_seats,
        adoption.seat_utilisation,
        adoption.idle_seat_cost_usd as idle_seat_cost_usd_per_month,
        adoption.adoption_stage
    from adoption
    inner join latest
        on adoption.team_name = latest.team_name
        and adoption.week_start = latest.week_start
)

select * from final
order by idle_seat_cost_usd_per_month desc
