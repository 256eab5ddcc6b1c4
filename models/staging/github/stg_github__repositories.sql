with

source as (
    select * from {{ optional_source('github', 'repositories') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as repository_id,
        full_name as repository_full_name,

        ---------- strings
        name as repository_name,
        default_branch,

        ---------- booleans
        coalesce(archived, false) as is_archived,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('pushed_at') }} as pushed_at

    from deduplicated
)

select * from renamed
