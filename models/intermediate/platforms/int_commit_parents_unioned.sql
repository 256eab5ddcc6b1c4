{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. An edge that both platforms hold (a repository that moved) is
    kept once, from the platform in effect when its child commit was committed, as in
    int_commits_unioned (macro platform_in_effect, docs/metrics.md, Repositories that
    moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__commit_parents') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__commit_parents') }}
),

github_commits as (
    select * from {{ ref('stg_github__commits') }}
),

gitlab_commits as (
    select * from {{ ref('stg_gitlab__commits') }}
),

unioned as (
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
),

commits as (
    select
        repository_full_name,
        commit_sha,
        committed_at,
        'github' as platform
    from github_commits
    union all
    select
        repository_full_name,
        commit_sha,
        committed_at,
        platform
    from gitlab_commits
),

timed as (
    select
        unioned.*,
        commits.committed_at
    from unioned
    left join commits
        on unioned.repository_full_name = commits.repository_full_name
        and unioned.commit_sha = commits.commit_sha
        and unioned.platform = commits.platform
),

in_effect as (
    {{ platform_in_effect('timed', 'committed_at', unique_key=['repository_full_name', 'commit_sha', 'parent_sha']) }}
),

final as (
    select
        repository_full_name,
        commit_sha,
        parent_sha,
        loaded_at,
        platform
    from in_effect
)

select * from final
