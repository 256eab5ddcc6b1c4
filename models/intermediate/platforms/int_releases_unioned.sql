{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the rows of the platform in
    effect when the release was created (macro platform_in_effect, docs/metrics.md,
    Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__releases') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__releases') }}
),

unioned as (
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
),

in_effect as (
    {{ platform_in_effect('unioned', 'created_at') }}
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
        platform
    from in_effect
)

select * from final
