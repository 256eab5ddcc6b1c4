with

source as (
    select * from {{ source('github', 'pull_request_review_comments') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as review_comment_id,
        repository_full_name,
        cast(pull_number as integer) as pull_number,
        {{ pseudonymize('user__login') }} as commenter_id,
        cast(in_reply_to_id as bigint) as in_reply_to_id,

        ---------- booleans
        coalesce(lower(user__type) = 'bot', false) as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at

    from deduplicated
)

select * from renamed
