{#-
    docs/metrics.md, Layer 3: "Value of hours saved = hours saved x the person's role loaded
    hourly cost, effective-dated (finance source), aggregated to team-month."

    One row per team and day of the observation window with rostered human members:
    the team's loaded hourly cost that day = the headcount-weighted average of its human
    members' role rates effective that day (labour rate with the latest valid_from on or
    before the day). A rate change mid-month therefore applies from its valid_from day on.
    Hours saved are attributed to a team (tasks, telemetry and surveys carry no individual
    rate), so the team's average rate is the person's rate in expectation.
    rostered_members counts every human member that day; members_with_rate those whose role
    has a rate (members without one are left out of the average). Rates are assumed USD.
-#}
with

int_team_memberships as (
    select * from {{ ref('int_team_memberships') }}
    where account_kind = 'human'
),

stg_files__labor_rates as (
    select * from {{ ref('stg_files__labor_rates') }}
),

int_observed_days as (
    select * from {{ ref('int_observed_days') }}
),

days as (
    select int_observed_days.date_day
    from int_observed_days
),

member_days as (
    select
        int_team_memberships.team_name,
        int_team_memberships.person_id,
        int_team_memberships.role,
        days.date_day
    from days
    inner join int_team_memberships
        on days.date_day >= int_team_memberships.valid_from
        and days.date_day < int_team_memberships.valid_to
),

member_rates as (
    select
        member_days.team_name,
        member_days.person_id,
        member_days.date_day,
        stg_files__labor_rates.loaded_hourly_cost_usd,
        row_number() over (
            partition by member_days.team_name, member_days.person_id, member_days.date_day
            order by stg_files__labor_rates.valid_from desc
        ) as rate_rank
    from member_days
    left join stg_files__labor_rates
        on member_days.role = stg_files__labor_rates.role
        and stg_files__labor_rates.valid_from <= member_days.date_day
),

final as (
    select
        team_name,
        date_day,
        {{ month_start('date_day') }} as month_start,
        cast(count(distinct person_id) as bigint) as rostered_members,
        cast(count(loaded_hourly_cost_usd) as bigint) as members_with_rate,
        avg(cast(loaded_hourly_cost_usd as {{ type_double() }})) as loaded_hourly_cost_usd
    from member_rates
    where rate_rank = 1
    group by team_name, date_day
)

select * from final
