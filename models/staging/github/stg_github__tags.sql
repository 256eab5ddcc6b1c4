with

source as (
    select * from {{ optional_source('github', 'tags') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'name']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        name as tag_name,
        lower(target_sha) as target_sha,

        ---------- booleans
        coalesce(is_annotated, false) as is_annotated,

        ---------- timestamps
        {{ to_utc('tagged_at') }} as tagged_at

    from deduplicated
)

select * from renamed
