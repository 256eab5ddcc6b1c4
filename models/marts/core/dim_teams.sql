{#- One row per team: cohort, rollout and reference dates, phase windows. -#}
with

teams as (
    select * from {{ ref('int_teams') }}
),

repositories as (
    select * from {{ ref('int_repositories_owned') }}
),

owned as (
    select
        owner_team_name as team_name,
        count(*) as owned_repositories
    from repositories
    where owner_team_name is not null
    group by owner_team_name
),

final as (
    select
        teams.team_name,
        teams.cohort,
        teams.ai_tools,
        teams.rollout_date,
        teams.program_start_date,
        teams.reference_date,
        teams.baseline_start_date,
        teams.baseline_end_date,
        teams.impact_start_date,
        coalesce(owned.owned_repositories, 0) as owned_repositories
    from teams
    left join owned on teams.team_name = owned.team_name
)

select * from final
