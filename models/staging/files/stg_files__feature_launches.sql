with

source as (
    select * from {{ optional_source('files', 'feature_launches') }}
),

deduplicated as (
    {{ deduplicate('source', ['feature_key']) }}
),

renamed as (
    select
        feature_key,
        feature_name,
        coalesce(product_area, 'all') as product_area,
        cast(launch_date as date) as launch_date
    from deduplicated
)

select * from renamed
