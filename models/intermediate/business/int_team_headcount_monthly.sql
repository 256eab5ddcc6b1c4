{#-
    docs/metrics.md, Conventions (privacy): "A team-period row whose team had fewer than
    var('min_group_size', 5) distinct rostered human members in that period has its
    person-derived metrics set to null and is_suppressed = true."

    Rostered human members per team and calendar month, as the monthly team-throughput marts
    count them: the largest weekly roster (int_team_headcount_weekly) among the ISO weeks
    starting in the month, plus the month's engineer-weeks (sum of weekly rosters).
-#}
with

int_team_headcount_weekly as (
    select * from {{ ref('int_team_headcount_weekly') }}
),

final as (
    select
        team_name,
        {{ month_start('week_start') }} as month_start,
        cast(max(rostered_members) as bigint) as rostered_members,
        cast(sum(rostered_members) as bigint) as engineer_weeks,
        {{ is_small_cell('max(rostered_members)') }} as is_below_min_group_size
    from int_team_headcount_weekly
    group by team_name, {{ month_start('week_start') }}
)

select * from final
