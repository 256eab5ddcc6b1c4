{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the rows of
    the PRs and MRs kept in int_pull_requests_unioned: of the platform in effect when the PR
    or MR was opened (the current platform when the PR is not loaded; macro platform_in_effect,
    docs/metrics.md, Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_request_files') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_request_files') }}
),

pull_requests as (
    select * from {{ ref('int_pull_request_openings') }}
),

unioned as (
    select
        repository_full_name,
        pull_number,
        file_path,
        file_status,
        lines_added,
        lines_deleted,
        loaded_at,
        'github' as platform
    from github
    union all
    select
        repository_full_name,
        pull_number,
        file_path,
        file_status,
        lines_added,
        lines_deleted,
        loaded_at,
        platform
    from gitlab
),

timed as (
    select
        unioned.*,
        pull_requests.created_at as pull_request_created_at
    from unioned
    left join pull_requests
        on unioned.repository_full_name = pull_requests.repository_full_name
        and unioned.pull_number = pull_requests.pull_number
        and unioned.platform = pull_requests.platform
),

in_effect as (
    {{ platform_in_effect('timed', 'pull_request_created_at') }}
),

final as (
    select
        repository_full_name,
        pull_number,
        file_path,
        file_status,
        lines_added,
        lines_deleted,
        loaded_at,
        platform
    from in_effect
)

select * from final
