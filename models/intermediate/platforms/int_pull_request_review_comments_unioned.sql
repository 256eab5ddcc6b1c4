{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_request_review_comments') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_request_notes') }}
),

final as (
    select
        review_comment_id,
        repository_full_name,
        pull_number,
        commenter_id,
        in_reply_to_id,
        is_bot_account_type,
        created_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        review_comment_id,
        repository_full_name,
        pull_number,
        commenter_id,
        in_reply_to_id,
        is_bot_account_type,
        created_at,
        loaded_at,
        platform
    from gitlab
)

select * from final
