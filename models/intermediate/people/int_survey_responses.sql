{#- Survey responses with the team's cohort and phase on the response date. -#}
with

responses as (
    select * from {{ ref('stg_files__survey_responses') }}
),

teams as (
    select * from {{ ref('int_teams') }}
),

final as (
    select
        responses.response_id,
        responses.team_name,
        teams.cohort,
        {{ phase_of('responses.response_date', 'teams.reference_date') }} as phase,
        responses.response_date,
        responses.friction_score,
        responses.satisfaction_score,
        responses.ai_trust_score,
        responses.self_reported_hours_saved_per_week
    from responses
    left join teams on responses.team_name = teams.team_name
)

select * from final
