{#-
    Shaped like stg_github__workflow_runs plus `platform`, for the per-repository
    deployment rule (deployment_source = actions): one row per pipeline.
    workflow_run_id: the pipeline id negated (never collides with a GitHub run id);
    workflow_id: none in GitLab (null). workflow_name: the pipeline's name, else its ref;
    workflow_path and head_branch: its ref (so a workflow pattern can match either).
    run_status / run_conclusion in GitHub's vocabulary: success -> completed/success,
    failed -> completed/failure, canceled -> completed/cancelled, skipped ->
    completed/skipped; running, canceling -> in_progress; manual, scheduled,
    waiting_for_callback -> waiting; created, waiting_for_resource, preparing, pending ->
    queued (no conclusion until finished). run_attempt: 1 (GitLab retries jobs, not
    pipelines). updated_at: the finish time when GitLab gives it, else the last update.
-#}
with

source as (
    select * from {{ optional_source('gitlab', 'pipelines') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as workflow_run_id,
        repository_full_name,
        cast(null as bigint) as workflow_id,
        sha as head_sha,

        ---------- strings
        coalesce(name, ref) as workflow_name,
        ref as workflow_path,
        ref as head_branch,
        source as trigger_event,
        case
            when lower(status) in ('success', 'failed', 'canceled', 'skipped') then 'completed'
            when lower(status) in ('running', 'canceling') then 'in_progress'
            when lower(status) in ('manual', 'scheduled', 'waiting_for_callback') then 'waiting'
            else 'queued'
        end as run_status,
        case lower(status)
            when 'success' then 'success'
            when 'failed' then 'failure'
            when 'canceled' then 'cancelled'
            when 'skipped' then 'skipped'
        end as run_conclusion,

        ---------- numerics
        cast(1 as bigint) as run_attempt,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('started_at') }} as run_started_at,
        {{ to_utc('coalesce(finished_at, updated_at)') }} as updated_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
