{#- Shaped like stg_github__repositories (same columns and types) plus `platform`.
    Ids: GitLab ids are negated (GitHub ids are positive), so a unioned id never collides. -#}
with

source as (
    select * from {{ optional_source('gitlab', 'projects') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as repository_id,
        path_with_namespace as repository_full_name,

        ---------- strings
        path as repository_name,
        default_branch,

        ---------- booleans
        coalesce(archived, false) as is_archived,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('last_activity_at') }} as pushed_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
