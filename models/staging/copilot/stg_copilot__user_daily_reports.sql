with

source as (
    select * from {{ source('copilot', 'user_daily_reports') }}
),

deduplicated as (
    {{ deduplicate('source', ['day', 'user_login']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('user_login') }} as person_id,

        ---------- numerics
        cast(coalesce(code_generation_activity_count, 0) as bigint) as suggestions_shown,
        cast(coalesce(code_acceptance_activity_count, 0) as bigint) as suggestions_accepted,
        cast(coalesce(loc_suggested_to_add_sum, 0) as bigint) as lines_suggested,
        cast(coalesce(loc_added_sum, 0) as bigint) as lines_accepted,
        cast(coalesce(user_initiated_interaction_count, 0) as bigint) as interactions,

        ---------- booleans
        coalesce(used_chat, false) as used_chat,
        coalesce(used_agent, false) as used_agent,

        ---------- dates
        cast(day as date) as usage_date,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
