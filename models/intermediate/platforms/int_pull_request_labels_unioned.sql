{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__pull_request_labels') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__merge_request_labels') }}
),

final as (
    select
        pull_request_id,
        label_name,
        'github' as platform
    from github
    union all
    select
        pull_request_id,
        label_name,
        platform
    from gitlab
)

select * from final
