{#-
    One row: the span of observed activity, from whatever sources are loaded (first and
    last day with a PR, deployment, Actions run, release, tag, work item, incident, AI tool
    usage day or Copilot seat event). A company with only Copilot seats still gets a
    calendar (so its adoption marts fill); calendar-based facts stop at the window's end,
    so periods after the data are not reported as zero. Commit dates are not events here: a
    clone's history can go back years before anything else was recorded.
-#}
with

pull_requests as (
    select * from {{ ref('int_pull_requests_unioned') }}
),

deployments as (
    select * from {{ ref('int_deployments_unioned') }}
),

workflow_runs as (
    select * from {{ ref('int_workflow_runs_unioned') }}
),

releases as (
    select * from {{ ref('int_releases_unioned') }}
),

github_tags as (
    select * from {{ ref('int_tags_unioned') }}
),

git_tags as (
    select * from {{ ref('stg_git__tags') }}
),

issues as (
    select * from {{ ref('stg_jira__issues') }}
),

incidents as (
    select * from {{ ref('stg_incidents__incidents') }}
),

incident_issues as (
    select * from {{ ref('int_incident_issues_unioned') }}
),

copilot_users as (
    select * from {{ ref('stg_copilot__user_daily_reports') }}
),

copilot_organization as (
    select * from {{ ref('stg_copilot__organization_daily_reports') }}
),

copilot_legacy as (
    select * from {{ ref('stg_copilot__legacy_daily_totals') }}
),

copilot_seats as (
    select * from {{ ref('stg_copilot__seats') }}
),

ai_usage as (
    select * from {{ ref('stg_ai_usage_files__usage_days') }}
),

events as (
    select created_at as event_at from pull_requests
    union all
    select updated_at from pull_requests
    union all
    select created_at from deployments
    union all
    select created_at from workflow_runs
    union all
    select published_at from releases
    union all
    select tagged_at from github_tags
    union all
    select tagged_at from git_tags
    union all
    select created_at from issues
    union all
    select updated_at from issues
    union all
    select started_at from incidents
    union all
    select created_at from incident_issues
    union all
    select cast(usage_date as {{ dbt.type_timestamp() }}) from copilot_users
    union all
    select cast(usage_date as {{ dbt.type_timestamp() }}) from copilot_organization
    union all
    select cast(usage_date as {{ dbt.type_timestamp() }}) from copilot_legacy
    union all
    select seat_created_at from copilot_seats
    union all
    select last_activity_at from copilot_seats
    union all
    select cast(usage_date as {{ dbt.type_timestamp() }}) from ai_usage
),

final as (
    select
        1 as observation_window_id,
        cast(min(event_at) as date) as observation_start_date,
        cast(max(event_at) as date) as observation_end_date
    from events
)

select * from final
