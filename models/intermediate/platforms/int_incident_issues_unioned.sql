{#- The GitHub rows and their GitLab twins in one relation (the staging models have the
    same columns; GitLab ids are negative, so keys never collide), with the platform each
    row came from. Of a repository that moved between platforms, only the rows of the platform in
    effect when the issue was opened (macro platform_in_effect, docs/metrics.md,
    Repositories that moved between platforms). -#}
{{ config(materialized='view') }}

with

github as (
    select * from {{ ref('stg_github__incident_issues') }}
),

gitlab as (
    select * from {{ ref('stg_gitlab__incident_issues') }}
),

unioned as (
    select
        issue_id,
        repository_full_name,
        issue_number,
        issue_state,
        label_names,
        created_at,
        closed_at,
        updated_at,
        'github' as platform
    from github
    union all
    select
        issue_id,
        repository_full_name,
        issue_number,
        issue_state,
        label_names,
        created_at,
        closed_at,
        updated_at,
        platform
    from gitlab
),

in_effect as (
    {{ platform_in_effect('unioned', 'created_at') }}
),

final as (
    select
        issue_id,
        repository_full_name,
        issue_number,
        issue_state,
        label_names,
        created_at,
        closed_at,
        updated_at,
        platform
    from in_effect
)

select * from final
