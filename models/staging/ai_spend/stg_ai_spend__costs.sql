with

anthropic as (
    select * from {{ optional_source('ai_spend', 'anthropic_costs') }}
),

openai as (
    select * from {{ optional_source('ai_spend', 'openai_costs') }}
),

anthropic_deduplicated as (
    {{ deduplicate('anthropic', ['day', 'line_key']) }}
),

openai_deduplicated as (
    {{ deduplicate('openai', ['day', 'line_key']) }}
),

unioned as (
    select
        'anthropic' as vendor,
        'anthropic_api' as ai_tool,
        day,
        line_key,
        workspace_id,
        description as line_item,
        model,
        upper(currency) as currency,
        -- Anthropic reports the lowest currency units (cents)
        cast(amount_cents as decimal(18, 6)) / 100 as amount,
        _dlt_load_id
    from anthropic_deduplicated

    union all

    select
        'openai' as vendor,
        'openai_api' as ai_tool,
        day,
        line_key,
        project_id as workspace_id,
        line_item,
        cast(null as {{ dbt.type_string() }}) as model,
        upper(currency) as currency,
        cast(amount as decimal(18, 6)) as amount,
        _dlt_load_id
    from openai_deduplicated
),

renamed as (
    select
        ---------- ids
        vendor || ':' || cast(day as {{ dbt.type_string() }}) || ':' || line_key as cost_line_id,
        workspace_id,

        ---------- strings
        vendor,
        ai_tool,
        'usage' as cost_type,
        line_item,
        model,
        currency,

        ---------- numerics
        cast(case when currency = 'USD' then amount end as decimal(18, 6)) as amount_usd,

        ---------- dates
        cast(day as date) as cost_date,
        {{ month_start('day') }} as cost_month,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from unioned
)

select * from renamed
