{#-
    Commit-level lead time (DORA's strict definition: commit authored -> deployed), one row
    per deployed commit, in hours (null when the commit was authored after the deployment,
    which can only be clock skew).
    - Repositories with pull requests: the commits of each deployed PR, deployed with their
      PR (`commit_origin = 'pull_request'`; a commit in two PRs appears for each).
    - Repositories without pull-request data (a team that ships tags from a git clone, with
      no GitHub connected): every commit the ancestry walk reached, deployed by the earliest
      deployment containing it (`commit_origin = 'ancestry'`, int_commits_joined_to_deployments).
-#}
with

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
    where deployment_id is not null
),

pull_request_commits as (
    select * from {{ ref('int_pull_request_commits_unioned') }}
),

all_pull_requests as (
    select * from {{ ref('int_pull_requests_unioned') }}
),

reached as (
    select * from {{ ref('int_commits_joined_to_deployments') }}
),

deployments as (
    select * from {{ ref('int_deployments_production') }}
),

github_commits as (
    select * from {{ ref('int_commits_unioned') }}
),

git_commits as (
    select * from {{ ref('stg_git__commits') }}
),

repositories_with_pull_requests as (
    select distinct repository_full_name from all_pull_requests
),

commit_authored as (
    select
        repository_full_name,
        commit_sha,
        min(authored_at) as authored_at
    from (
        select
            repository_full_name,
            commit_sha,
            authored_at
        from github_commits
        union all
        select
            repository_full_name,
            commit_sha,
            authored_at
        from git_commits
    ) as both_sources
    group by repository_full_name, commit_sha
),

from_pull_requests as (
    select
        pull_requests.repository_full_name,
        commits.commit_sha,
        pull_requests.pull_request_id,
        'pull_request' as commit_origin,
        pull_requests.deploying_team_name,
        pull_requests.deployment_id,
        pull_requests.deployed_at,
        commits.authored_at
    from pull_requests
    inner join pull_request_commits as commits
        on pull_requests.repository_full_name = commits.repository_full_name
        and pull_requests.pull_number = commits.pull_number
),

from_ancestry as (
    select
        reached.repository_full_name,
        reached.commit_sha,
        cast(null as bigint) as pull_request_id,
        'ancestry' as commit_origin,
        deployments.owner_team_name as deploying_team_name,
        reached.deployment_id,
        reached.deployed_at,
        commit_authored.authored_at
    from reached
    inner join deployments on reached.deployment_id = deployments.deployment_id
    inner join commit_authored
        on reached.repository_full_name = commit_authored.repository_full_name
        and reached.commit_sha = commit_authored.commit_sha
    left join repositories_with_pull_requests
        on reached.repository_full_name = repositories_with_pull_requests.repository_full_name
    where repositories_with_pull_requests.repository_full_name is null
),

unioned as (
    select * from from_pull_requests
    union all
    select * from from_ancestry
),

final as (
    select
        repository_full_name,
        commit_sha,
        pull_request_id,
        commit_origin,
        -- the row's key with repository and SHA: the PR id, or 'ancestry'
        coalesce(cast(pull_request_id as {{ dbt.type_string() }}), commit_origin) as change_key,
        deploying_team_name,
        deployment_id,
        deployed_at,
        authored_at,
        {{ non_negative_hours('authored_at', 'deployed_at') }} as commit_lead_time_hours
    from unioned
)

select * from final
