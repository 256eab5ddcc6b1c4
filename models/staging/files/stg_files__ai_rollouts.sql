with

source as (
    select * from {{ optional_source('files', 'ai_rollout') }}
),

deduplicated as (
    {{ deduplicate('source', ['team', 'tool']) }}
),

renamed as (
    select
        team as team_name,
        lower(tool) as ai_tool,
        lower(cohort) as cohort,
        cast(rollout_date as date) as rollout_date
    from deduplicated
)

select * from renamed
