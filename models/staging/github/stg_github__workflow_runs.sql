with

source as (
    select * from {{ optional_source('github', 'workflow_runs') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as workflow_run_id,
        repository_full_name,
        cast(workflow_id as bigint) as workflow_id,
        head_sha,

        ---------- strings
        name as workflow_name,
        path as workflow_path,
        head_branch,
        event as trigger_event,
        lower(status) as run_status,
        lower(conclusion) as run_conclusion,

        ---------- numerics
        cast(run_attempt as bigint) as run_attempt,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('run_started_at') }} as run_started_at,
        {{ to_utc('updated_at') }} as updated_at

    from deduplicated
)

select * from renamed
