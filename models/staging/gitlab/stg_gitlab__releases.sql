{#-
    Shaped like stg_github__releases plus `platform`. release_id: GitLab releases have no
    id in the REST API; the negated first 60 bits of the md5 of (project, tag), so it never
    collides with a GitHub release id. target_commitish: the tagged commit's SHA.
    An upcoming release (released_at in the future) is not published yet: is_draft, no
    published_at. GitLab has no pre-release flag (is_prerelease false).
-#}
with

source as (
    select * from {{ optional_source('gitlab', 'releases') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'tag_name']) }}
),

renamed as (
    select
        ---------- ids
        {{ negative_hash_id("repository_full_name || '@' || tag_name") }} as release_id,
        repository_full_name,
        tag_name,

        ---------- strings
        commit__id as target_commitish,
        name as release_name,

        ---------- booleans
        coalesce(upcoming_release, false) as is_draft,
        false as is_prerelease,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('case when coalesce(upcoming_release, false) then null else released_at end') }}
            as published_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
