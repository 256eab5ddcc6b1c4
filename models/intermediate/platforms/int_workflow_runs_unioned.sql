{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__workflow_runs') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__pipelines') }}
),

final as (
    select
        workflow_run_id,
        repository_full_name,
        workflow_id,
        head_sha,
        workflow_name,
        workflow_path,
        head_branch,
        trigger_event,
        run_status,
        run_conclusion,
        run_attempt,
        created_at,
        run_started_at,
        updated_at,
        'github' as platform
    from github
    union all
    select
        workflow_run_id,
        repository_full_name,
        workflow_id,
        head_sha,
        workflow_name,
        workflow_path,
        head_branch,
        trigger_event,
        run_status,
        run_conclusion,
        run_attempt,
        created_at,
        run_started_at,
        updated_at,
        platform
    from gitlab
)

select * from final
