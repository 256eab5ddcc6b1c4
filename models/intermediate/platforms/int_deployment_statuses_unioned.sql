{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__deployment_statuses') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__deployment_statuses') }}
),

final as (
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
)

select * from final
