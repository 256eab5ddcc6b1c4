with

source as (
    select * from {{ optional_source('github', 'incident_issues') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as issue_id,
        repository_full_name,
        cast(number as bigint) as issue_number,

        ---------- strings
        lower(state) as issue_state,
        label_names,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('closed_at') }} as closed_at,
        {{ to_utc('updated_at') }} as updated_at

    from deduplicated
)

select * from renamed
