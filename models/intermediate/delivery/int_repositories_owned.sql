{#-
    Repositories with their owning team (service_ownership, service_type = repository).
    Repositories seen only in PR or deployment data are kept with a null owner.
-#}
with

repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

pull_requests as (
    select * from {{ ref('stg_github__pull_requests') }}
),

deployments as (
    select * from {{ ref('stg_github__deployments') }}
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
