{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_request_reviews') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_request_approvals') }}
),

final as (
    select
        review_id,
        repository_full_name,
        pull_number,
        reviewer_id,
        review_state,
        is_bot_account_type,
        submitted_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        review_id,
        repository_full_name,
        pull_number,
        reviewer_id,
        review_state,
        is_bot_account_type,
        submitted_at,
        loaded_at,
        platform
    from gitlab
)

select * from final
