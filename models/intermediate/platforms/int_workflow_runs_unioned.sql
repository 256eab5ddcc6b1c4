{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the rows of the platform in
    effect when the run was created (macro platform_in_effect, docs/metrics.md,
    Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__workflow_runs') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__pipelines') }}
),

unioned as (
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
),

in_effect as (
    {{ platform_in_effect('unioned', 'created_at') }}
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
        platform
    from in_effect
)

select * from final
