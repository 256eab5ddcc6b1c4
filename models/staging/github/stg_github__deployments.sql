with

source as (
    select * from {{ source('github', 'deployments') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as deployment_id,
        repository_full_name,
        sha as deployed_sha,

        ---------- strings
        ref as deployed_ref,
        lower(environment) as environment,
        task as deployment_task,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at

    from deduplicated
)

select * from renamed
