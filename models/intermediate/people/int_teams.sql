{#-
    One row per team: cohort, rollout date and reference date R.
    Teams come from the roster, ownership and rollout files. A team is `treatment` if any
    of its rollout rows is; its rollout date is the earliest treatment rollout. Control
    teams (and teams absent from the rollout file, cohort `unassigned`) use
    var('program_start_date'), default the earliest treatment rollout date, as R.
-#}
with

rollouts as (
    select * from {{ ref('stg_files__ai_rollouts') }}
),

roster as (
    select * from {{ ref('stg_files__roster') }}
),

ownership as (
    select * from {{ ref('stg_files__service_ownerships') }}
),

all_teams as (
    select team_name from rollouts
    union
    select team_name from roster where not is_bot
    union
    select team_name from ownership
),

team_rollouts as (
    select
        team_name,
        max(case when cohort = 'treatment' then 1 else 0 end) = 1 as is_treatment,
        min(case when cohort = 'treatment' then rollout_date end) as rollout_date,
        {{ dbt.listagg("distinct ai_tool", "', '", "order by ai_tool") }} as ai_tools
    from rollouts
    group by team_name
),

program as (
    select
        {% if var('program_start_date') %}
            cast('{{ var("program_start_date") }}' as date)
        {% else %}
            min(rollout_date)
        {% endif %} as program_start_date
    from team_rollouts
    where is_treatment
),

final as (
    select
        all_teams.team_name,
        case
            when team_rollouts.is_treatment then 'treatment'
            when team_rollouts.team_name is not null then 'control'
            else 'unassigned'
        end as cohort,
        team_rollouts.rollout_date,
        case when team_rollouts.is_treatment then team_rollouts.ai_tools end as ai_tools,
        coalesce(
            case when team_rollouts.is_treatment then team_rollouts.rollout_date end,
            program.program_start_date
        ) as reference_date,
        program.program_start_date
    from all_teams
    left join team_rollouts on all_teams.team_name = team_rollouts.team_name
    cross join program
    where all_teams.team_name is not null
),

with_windows as (
    select
        *,
        cast({{ dbt.dateadd('day', -1 * var('baseline_window_days'), 'reference_date') }} as date) as baseline_start_date,
        reference_date as baseline_end_date,
        cast({{ dbt.dateadd('day', var('adoption_window_days'), 'reference_date') }} as date) as impact_start_date
    from final
)

select * from with_windows
