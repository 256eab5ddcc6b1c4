with

source as (
    select * from {{ optional_source('files', 'surveys') }}
),

deduplicated as (
    {{ deduplicate('source', ['response_id']) }}
),

renamed as (
    select
        ---------- ids
        response_id,
        team as team_name,

        ---------- numerics
        cast(friction_score as {{ type_double() }}) as friction_score,
        cast(satisfaction_score as {{ type_double() }}) as satisfaction_score,
        cast(ai_trust_score as {{ type_double() }}) as ai_trust_score,
        cast(hours_saved_per_week as {{ type_double() }}) as self_reported_hours_saved_per_week,

        ---------- dates
        cast(response_date as date) as response_date

    from deduplicated
)

select * from renamed
