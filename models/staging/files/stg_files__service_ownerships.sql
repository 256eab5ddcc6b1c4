with

source as (
    select * from {{ optional_source('files', 'service_ownership') }}
),

deduplicated as (
    {{ deduplicate('source', ['service']) }}
),

renamed as (
    select
        service as service_name,
        lower(service_type) as service_type,
        team as team_name
    from deduplicated
)

select * from renamed
