with

source as (
    select * from {{ optional_source('files', 'labor_rates') }}
),

deduplicated as (
    {{ deduplicate('source', ['role', 'valid_from']) }}
),

renamed as (
    select
        lower(role) as role,
        cast(loaded_hourly_cost as decimal(18, 2)) as loaded_hourly_cost_usd,
        upper(currency) as currency,
        cast(valid_from as date) as valid_from
    from deduplicated
)

select * from renamed
