{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__repositories') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__projects') }}
),

final as (
    select
        repository_id,
        repository_full_name,
        repository_name,
        default_branch,
        is_archived,
        created_at,
        pushed_at,
        'github' as platform
    from github
    union all
    select
        repository_id,
        repository_full_name,
        repository_name,
        default_branch,
        is_archived,
        created_at,
        pushed_at,
        platform
    from gitlab
)

select * from final
