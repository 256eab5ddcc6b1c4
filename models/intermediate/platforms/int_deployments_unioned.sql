{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the rows of the platform in
    effect when the deployment was created (macro platform_in_effect, docs/metrics.md,
    Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__deployments') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__deployments') }}
),

unioned as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha,
        deployed_ref,
        environment,
        deployment_task,
        created_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        deployment_id,
        repository_full_name,
        deployed_sha,
        deployed_ref,
        environment,
        deployment_task,
        created_at,
        loaded_at,
        platform
    from gitlab
),

in_effect as (
    {{ platform_in_effect('unioned', 'created_at') }}
),

final as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha,
        deployed_ref,
        environment,
        deployment_task,
        created_at,
        loaded_at,
        platform
    from in_effect
)

select * from final
