{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the rows of the platform in
    effect when the PR or MR was opened (macro platform_in_effect, docs/metrics.md,
    Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_requests') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_requests') }}
),

unioned as (
    select
        pull_request_id,
        repository_full_name,
        pull_number,
        author_id,
        merge_commit_sha,
        head_sha,
        pr_state,
        title,
        body,
        head_branch,
        base_branch,
        lines_added,
        lines_deleted,
        files_changed,
        is_draft,
        is_bot_account_type,
        created_at,
        updated_at,
        closed_at,
        merged_at,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        pull_request_id,
        repository_full_name,
        pull_number,
        author_id,
        merge_commit_sha,
        head_sha,
        pr_state,
        title,
        body,
        head_branch,
        base_branch,
        lines_added,
        lines_deleted,
        files_changed,
        is_draft,
        is_bot_account_type,
        created_at,
        updated_at,
        closed_at,
        merged_at,
        loaded_at,
        platform
    from gitlab
),

in_effect as (
    {{ platform_in_effect('unioned', 'created_at') }}
),

final as (
    select
        pull_request_id,
        repository_full_name,
        pull_number,
        author_id,
        merge_commit_sha,
        head_sha,
        pr_state,
        title,
        body,
        head_branch,
        base_branch,
        lines_added,
        lines_deleted,
        files_changed,
        is_draft,
        is_bot_account_type,
        created_at,
        updated_at,
        closed_at,
        merged_at,
        loaded_at,
        platform
    from in_effect
)

select * from final
