{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_request_files') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_request_files') }}
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
)

select * from final
