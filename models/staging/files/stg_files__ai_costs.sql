with

source as (
    select * from {{ optional_source('files', 'ai_costs') }}
),

deduplicated as (
    {{ deduplicate('source', ['invoice_id']) }}
),

renamed as (
    select
        ---------- ids
        invoice_id,
        team as team_name,

        ---------- strings
        vendor,
        lower(tool) as ai_tool,
        lower(cost_type) as cost_type,
        upper(currency) as currency,

        ---------- numerics
        cast(amount as decimal(18, 2)) as amount_usd,
        cast(seats as integer) as seats,
        cast(usage_units as {{ type_double() }}) as usage_units,
        cast(training_hours as {{ type_double() }}) as training_hours,

        ---------- dates
        {{ month_start('month') }} as cost_month

    from deduplicated
)

select * from renamed
