{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the statuses
    of the deployments kept in int_deployments_unioned: of the platform in effect when the
    deployment was created (the status's own created_at when the deployment is not loaded;
    macro platform_in_effect, docs/metrics.md, Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__deployment_statuses') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__deployment_statuses') }}
),

github_deployments as (
    select * from {{ ref('stg_github__deployments') }}
),

gitlab_deployments as (
    select * from {{ ref('stg_gitlab__deployments') }}
),

unioned as (
    select
        deployment_status_id,
        deployment_id,
        repository_full_name,
        status_state,
        created_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        deployment_status_id,
        deployment_id,
        repository_full_name,
        status_state,
        created_at,
        loaded_at,
        platform
    from gitlab
),

deployments as (
    select
        deployment_id,
        created_at,
        'github' as platform
    from github_deployments
    union all
    select
        deployment_id,
        created_at,
        platform
    from gitlab_deployments
),

timed as (
    select
        unioned.*,
        coalesce(deployments.created_at, unioned.created_at) as deployment_created_at
    from unioned
    left join deployments
        on unioned.deployment_id = deployments.deployment_id
        and unioned.platform = deployments.platform
),

in_effect as (
    {{ platform_in_effect('timed', 'deployment_created_at') }}
),

final as (
    select
        deployment_status_id,
        deployment_id,
        repository_full_name,
        status_state,
        created_at,
        loaded_at,
        platform
    from in_effect
)

select * from final
