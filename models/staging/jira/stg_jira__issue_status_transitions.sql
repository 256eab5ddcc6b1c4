with

source as (
    select * from {{ optional_source('jira', 'issue_status_transitions') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        id as transition_id,
        cast(issue_id as bigint) as issue_id,
        issue_key,

        ---------- strings
        from_status,
        to_status,
        lower(from_status_category) as from_status_category,
        lower(to_status_category) as to_status_category,

        ---------- timestamps
        {{ to_utc('created') }} as transitioned_at

    from deduplicated
)

select * from renamed
