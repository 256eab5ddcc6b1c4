{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. A commit that both platforms hold (a repository that moved)
    is kept once, from the platform in effect when it was committed (macro platform_in_effect,
    docs/metrics.md, Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__commits') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__commits') }}
),

unioned as (
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
),

in_effect as (
    {{ platform_in_effect('unioned', 'committed_at', unique_key=['repository_full_name', 'commit_sha']) }}
),

final as (
    select
        repository_full_name,
        commit_sha,
        author_id,
        authored_at,
        committed_at,
        loaded_at,
        platform
    from in_effect
)

select * from final
