{#-
    Repositories with their owning team (service_ownership, service_type = repository).
    Repositories seen only in PR, deployment, Actions, release, tag or git data are kept
    (with a null owner when service_ownership does not name them). A repository that moved
    between GitHub and GitLab takes the id, default branch and archived flag of its current
    platform (docs/metrics.md, Repositories that moved between platforms).
-#}
with

repositories as (
    select * from {{ ref('int_repositories_unioned') }}
    where is_current_platform
),

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

git_commits as (
    select * from {{ ref('stg_git__commits') }}
),

ownership as (
    select * from {{ ref('stg_files__service_ownerships') }}
    where service_type = 'repository'
),

all_repositories as (
    select repository_full_name from repositories
    union
    select repository_full_name from pull_requests
    union
    select repository_full_name from deployments
    union
    select repository_full_name from workflow_runs
    union
    select repository_full_name from releases
    union
    select repository_full_name from github_tags
    union
    select repository_full_name from git_tags
    union
    select repository_full_name from git_commits
),

final as (
    select
        all_repositories.repository_full_name,
        repositories.repository_id,
        repositories.default_branch,
        coalesce(repositories.is_archived, false) as is_archived,
        ownership.team_name as owner_team_name
    from all_repositories
    left join repositories
        on all_repositories.repository_full_name = repositories.repository_full_name
    left join ownership
        on all_repositories.repository_full_name = ownership.service_name
)

select * from final
