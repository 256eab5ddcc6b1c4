{#-
    Shaped like stg_github__deployment_statuses plus `platform`. GitLab keeps one status
    per deployment (updated in place), so each deployment gives one status row:
    deployment_status_id = deployment_id (the negated GitLab id), created_at its finish
    time (else its last update). status_state in GitHub's vocabulary:
    success -> success, failed -> failure, running -> in_progress, created -> pending,
    blocked (waiting for approval) -> queued, canceled / skipped -> inactive (it did not
    deploy, and did not fail).
    Incremental: re-staged with the deployment rows of the loads since the last build.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key='deployment_status_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'deployments')) }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as deployment_status_id,
        -1 * cast(id as bigint) as deployment_id,
        repository_full_name,

        ---------- strings
        case lower(status)
            when 'success' then 'success'
            when 'failed' then 'failure'
            when 'running' then 'in_progress'
            when 'created' then 'pending'
            when 'blocked' then 'queued'
            when 'canceled' then 'inactive'
            when 'skipped' then 'inactive'
            else lower(status)
        end as status_state,

        ---------- timestamps
        {{ to_utc('coalesce(finished_at, updated_at)') }} as created_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
