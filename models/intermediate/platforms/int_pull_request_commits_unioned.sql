{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_request_commits') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_request_commits') }}
),

final as (
    select
        repository_full_name,
        pull_number,
        commit_sha,
        author_id,
        commit_message,
        is_bot_account_type,
        authored_at,
        committed_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        repository_full_name,
        pull_number,
        commit_sha,
        author_id,
        commit_message,
        is_bot_account_type,
        authored_at,
        committed_at,
        loaded_at,
        platform
    from gitlab
)

select * from final
