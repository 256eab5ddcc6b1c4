with

source as (
    select * from {{ optional_source('git', 'tags') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository', 'name']) }}
),

renamed as (
    select
        repository as repository_full_name,
        name as tag_name,
        lower(target_sha) as target_sha,
        coalesce(is_annotated, false) as is_annotated,
        {{ to_utc('tagged_at') }} as tagged_at
    from deduplicated
)

select * from renamed
