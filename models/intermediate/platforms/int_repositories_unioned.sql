{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. A repository that moved between platforms keeps both rows;
    `is_current_platform` marks the one of the platform in effect now
    (int_repository_platform_periods; docs/metrics.md, Repositories that moved between
    platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__repositories') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__projects') }}
),

periods as (
    select * from {{ ref('int_repository_platform_periods') }}
),

unioned as (
    select
        repository_id,
        repository_full_name,
        repository_name,
        default_branch,
        is_archived,
        created_at,
        pushed_at,
        'github' as platform
    from github
    union all
    select
        repository_id,
        repository_full_name,
        repository_name,
        default_branch,
        is_archived,
        created_at,
        pushed_at,
        platform
    from gitlab
),

final as (
    select
        unioned.repository_id,
        unioned.repository_full_name,
        unioned.repository_name,
        unioned.default_branch,
        unioned.is_archived,
        coalesce(periods.is_current_platform, true) as is_current_platform,
        unioned.created_at,
        unioned.pushed_at,
        unioned.platform
    from unioned
    left join periods
        on unioned.repository_full_name = periods.repository_full_name
        and unioned.platform = periods.platform
)

select * from final
