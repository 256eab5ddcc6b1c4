with

source as (
    select * from {{ source('github', 'deployment_statuses') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as deployment_status_id,
        cast(deployment_id as bigint) as deployment_id,
        repository_full_name,

        ---------- strings
        lower(state) as status_state,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at

    from deduplicated
)

select * from renamed
