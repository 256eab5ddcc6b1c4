with

source as (
    select * from {{ source('github', 'commits') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'sha']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        sha as commit_sha,
        {{ pseudonymize('author__login') }} as author_id,

        ---------- timestamps
        {{ to_utc('commit__author__date') }} as authored_at,
        {{ to_utc('commit__committer__date') }} as committed_at

    from deduplicated
)

select * from renamed
