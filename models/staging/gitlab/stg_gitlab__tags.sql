{#- Shaped like stg_github__tags plus `platform`: each project's tags from the Tags API. -#}
with

source as (
    select * from {{ optional_source('gitlab', 'tags') }}
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
        {{ to_utc('tagged_at') }} as tagged_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
