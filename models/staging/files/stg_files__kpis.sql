with

source as (
    select * from {{ optional_source('files', 'kpis') }}
),

deduplicated as (
    {{ deduplicate('source', ['month', 'metric_name', 'product_area']) }}
),

renamed as (
    select
        {{ month_start('month') }} as kpi_month,
        lower(metric_name) as metric_name,
        coalesce(product_area, 'all') as product_area,
        cast(value as {{ type_double() }}) as kpi_value
    from deduplicated
)

select * from renamed
