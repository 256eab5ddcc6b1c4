with

source as (
    select * from {{ optional_source('github', 'releases') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as release_id,
        repository_full_name,
        tag_name,

        ---------- strings
        target_commitish,
        name as release_name,

        ---------- booleans
        coalesce(draft, false) as is_draft,
        coalesce(prerelease, false) as is_prerelease,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('published_at') }} as published_at

    from deduplicated
)

select * from renamed
