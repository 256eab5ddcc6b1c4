{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__releases') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__releases') }}
),

final as (
    select
        release_id,
        repository_full_name,
        tag_name,
        target_commitish,
        release_name,
        is_draft,
        is_prerelease,
        created_at,
        published_at,
        'github' as platform
    from github
    union all
    select
        release_id,
        repository_full_name,
        tag_name,
        target_commitish,
        release_name,
        is_draft,
        is_prerelease,
        created_at,
        published_at,
        platform
    from gitlab
)

select * from final
