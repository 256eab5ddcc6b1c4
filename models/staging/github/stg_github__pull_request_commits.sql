with

source as (
    select * from {{ source('github', 'pull_request_commits') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'pull_number', 'sha']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        cast(pull_number as integer) as pull_number,
        sha as commit_sha,
        {{ pseudonymize('author__login') }} as author_id,

        ---------- strings
        -- Kept for AI trailers (Co-authored-by:, Made-with:); never exposed in marts.
        commit__message as commit_message,

        ---------- booleans
        coalesce(lower(author__type) = 'bot', false) as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('commit__author__date') }} as authored_at,
        {{ to_utc('commit__committer__date') }} as committed_at

    from deduplicated
)

select * from renamed
