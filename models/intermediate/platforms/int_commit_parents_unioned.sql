{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__commit_parents') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__commit_parents') }}
),

final as (
    select
        repository_full_name,
        commit_sha,
        parent_sha,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        repository_full_name,
        commit_sha,
        parent_sha,
        loaded_at,
        platform
    from gitlab
)

select * from final
