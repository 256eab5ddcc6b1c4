{#- Every pull request and merge request as loaded from either platform (before any
    platform-in-effect filter): its key on its own platform and when it was opened. The
    PR-child unions (reviews, review comments, labels, files, PR commits) read it to keep
    their rows with their PR: of a repository that moved between platforms, a child row
    follows its PR's opening time on the same platform (macro platform_in_effect). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_requests') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_requests') }}
),

final as (
    select
        pull_request_id,
        repository_full_name,
        pull_number,
        created_at,
        'github' as platform
    from github
    union all
    select
        pull_request_id,
        repository_full_name,
        pull_number,
        created_at,
        platform
    from gitlab
)

select * from final
