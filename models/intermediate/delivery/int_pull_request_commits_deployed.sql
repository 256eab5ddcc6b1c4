{#-
    Commit-level lead time (DORA's strict definition), one row per commit of a deployed
    pull request: commit authored -> the PR's deployment finished, in hours (null when
    the commit was authored after the deployment, which can only be clock skew).
-#}
with

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
    where deployment_id is not null
),

commits as (
    select * from {{ ref('stg_github__pull_request_commits') }}
),

final as (
    select
        pull_requests.pull_request_id,
        commits.commit_sha,
        pull_requests.deploying_team_name,
        pull_requests.deployment_id,
        pull_requests.deployed_at,
        commits.authored_at,
        {{ non_negative_hours('commits.authored_at', 'pull_requests.deployed_at') }} as commit_lead_time_hours
    from pull_requests
    inner join commits
        on pull_requests.repository_full_name = commits.repository_full_name
        and pull_requests.pull_number = commits.pull_number
)

select * from final
