with

source as (
    select * from {{ source('github', 'pull_request_reviews') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as review_id,
        repository_full_name,
        cast(pull_number as integer) as pull_number,
        {{ pseudonymize('user__login') }} as reviewer_id,

        ---------- strings
        lower(state) as review_state,

        ---------- booleans
        coalesce(lower(user__type) = 'bot', false) as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('submitted_at') }} as submitted_at

    from deduplicated
)

select * from renamed
