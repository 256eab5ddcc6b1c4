{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('cursor', 'daily_usage') }}
),

deduplicated as (
    {{ deduplicate('source', ['day', 'lower(trim(email))']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('email') }} as person_id,
        'cursor' as ai_tool,

        ---------- numerics (the usage-days shape; mapping in _cursor__models.yml)
        cast(
            coalesce(total_tabs_shown, 0) + coalesce(total_accepts, 0) + coalesce(total_rejects, 0)
            as bigint
        ) as suggestions_shown,
        cast(coalesce(total_tabs_accepted, 0) + coalesce(total_accepts, 0) as bigint) as suggestions_accepted,
        cast(null as bigint) as lines_suggested,
        cast(accepted_lines_added as bigint) as lines_accepted,
        cast(coalesce(chat_requests, 0) + coalesce(cmdk_usages, 0) as bigint) as chat_sessions,
        cast(coalesce(agent_requests, 0) + coalesce(composer_requests, 0) as bigint) as agent_sessions,
        cast(null as bigint) as tokens,
        cast(null as decimal(18, 4)) as cost_usd,

        ---------- numerics (Cursor's own)
        cast(total_tabs_shown as bigint) as tab_suggestions_shown,
        cast(total_tabs_accepted as bigint) as tab_suggestions_accepted,
        cast(total_lines_added as bigint) as lines_added_total,
        cast(subscription_included_reqs as bigint) as included_requests,
        cast(usage_based_reqs as bigint) as usage_based_requests,

        ---------- strings
        most_used_model,

        ---------- booleans
        coalesce(is_active, false) as is_active,

        ---------- dates
        cast(day as date) as usage_date,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
