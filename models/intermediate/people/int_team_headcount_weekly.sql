{#-
    Rostered human members per team-week: anyone whose membership overlaps the ISO week
    (Monday-Sunday). This is the "active engineer" count for per-engineer-week rates and
    the group size for privacy suppression (var('min_group_size')).
-#}
with

memberships as (
    select * from {{ ref('int_team_memberships') }}
    where account_kind = 'human'
),

weeks as (
    select distinct week_start
    from {{ ref('int_observed_days') }}
),

final as (
    select
        memberships.team_name,
        weeks.week_start,
        count(distinct memberships.person_id) as rostered_members,
        {{ is_small_cell('count(distinct memberships.person_id)') }} as is_below_min_group_size
    from weeks
    inner join memberships
        on memberships.valid_from <= cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date)
        and memberships.valid_to > weeks.week_start
    group by memberships.team_name, weeks.week_start
)

select * from final
