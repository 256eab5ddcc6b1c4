{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('cursor', 'spend') }}
),

deduplicated as (
    {{ deduplicate('source', ['cycle_start', 'lower(trim(email))']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('email') }} as person_id,

        ---------- strings
        'cursor' as vendor,
        'cursor' as ai_tool,
        'usage' as cost_type,

        ---------- numerics
        cast(spend_cents / 100 as decimal(18, 4)) as amount_usd,
        cast(fast_premium_requests as bigint) as fast_premium_requests,
        cast(hard_limit_override_dollars as decimal(18, 4)) as hard_limit_override_usd,

        ---------- dates
        cast(cycle_start as date) as cycle_start_date,
        {{ month_start('cycle_start') }} as cost_month,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
