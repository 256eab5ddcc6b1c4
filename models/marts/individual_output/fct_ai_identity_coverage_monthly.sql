{#-
    How much AI tool usage reaches a team, per tool and month: person-days (and team-level
    rows) of telemetry, how many of them map to a team (a roster login, directly or through
    the drop folder's identity_map), and the share. Usage that maps to no team is invisible
    in every team mart; this mart (and `ai-roi status`) says how much. Counts of rows only:
    no person is named.
-#}
with

usage_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

final as (
    select
        cast(ai_tool as {{ dbt.type_string() }}) as ai_tool,
        cast({{ month_start('usage_date') }} as date) as month_start,
        cast(count(*) as bigint) as usage_rows,
        cast(sum(case when team_name is not null then 1 else 0 end) as bigint) as usage_rows_mapped_to_team,
        cast(
            {{ safe_divide('sum(case when team_name is not null then 1 else 0 end)', 'count(*)') }}
            as {{ type_double() }}
        ) as mapped_share
    from usage_days
    group by ai_tool, {{ month_start('usage_date') }}
)

select * from final
