{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__commits') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__commits') }}
),

final as (
    select
        repository_full_name,
        commit_sha,
        author_id,
        authored_at,
        committed_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        repository_full_name,
        commit_sha,
        author_id,
        authored_at,
        committed_at,
        loaded_at,
        platform
    from gitlab
)

select * from final
