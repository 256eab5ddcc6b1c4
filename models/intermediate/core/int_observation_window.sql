{#-
    One row: the span of observed delivery activity (first and last day with a PR,
    deployment or work-item event). Calendar-based facts stop at its end, so periods after
    the data are not reported as zero.
-#}
with

pull_requests as (
    select * from {{ ref('stg_github__pull_requests') }}
),

deployments as (
    select * from {{ ref('stg_github__deployments') }}
),

issues as (
    select * from {{ ref('stg_jira__issues') }}
),

events as (
    select created_at as event_at from pull_requests
    union all
    select updated_at from pull_requests
    union all
    select created_at from deployments
    union all
    select created_at from issues
    union all
    select updated_at from issues
),

final as (
    select
        1 as observation_window_id,
        cast(min(event_at) as date) as observation_start_date,
        cast(max(event_at) as date) as observation_end_date
    from events
)

select * from final
