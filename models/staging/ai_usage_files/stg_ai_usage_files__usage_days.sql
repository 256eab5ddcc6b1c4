{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('ai_usage_files', 'ai_usage_daily') }}
),

deduplicated as (
    {{ deduplicate('source', ['usage_date', 'tool', 'subject']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('subject') }} as subject_id,
        {{ pseudonymize('user_login') }} as person_id,
        team as team_name,
        lower(tool) as ai_tool,

        ---------- numerics
        cast(suggestions_shown as bigint) as suggestions_shown,
        cast(suggestions_accepted as bigint) as suggestions_accepted,
        cast(lines_suggested as bigint) as lines_suggested,
        cast(lines_accepted as bigint) as lines_accepted,
        cast(chat_sessions as bigint) as chat_sessions,
        cast(agent_sessions as bigint) as agent_sessions,
        cast(tokens as bigint) as tokens,
        cast(cost_usd as decimal(18, 4)) as cost_usd,

        ---------- dates
        cast(usage_date as date) as usage_date,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
