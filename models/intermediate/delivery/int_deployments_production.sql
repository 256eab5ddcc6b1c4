{#-
    Production deployments (environment in var('production_environments')), one row per
    deployment. finished_at = created_at of the latest status; that status decides the
    outcome: success, failed (failure/error) or unfinished (no terminal status yet).
-#}
with

deployments as (
    select * from {{ ref('stg_github__deployments') }}
),

statuses as (
    select * from {{ ref('stg_github__deployment_statuses') }}
),

repositories as (
    select * from {{ ref('int_repositories_owned') }}
),

latest_status as (
    select
        deployment_id,
        status_state,
        created_at
    from (
        select
            *,
            row_number() over (
                partition by deployment_id order by created_at desc, deployment_status_id desc
            ) as status_rank
        from statuses
    ) as ranked
    where status_rank = 1
),

production as (
    select *
    from deployments
    where environment in ({{ quoted_list(var('production_environments')) }})
),

final as (
    select
        production.deployment_id,
        production.repository_full_name,
        repositories.owner_team_name,
        production.deployed_sha,
        production.environment,
        production.created_at,
        latest_status.status_state as latest_status_state,
        case when latest_status.status_state in ('success', 'failure', 'error') then latest_status.created_at end as finished_at,
        case
            when latest_status.status_state = 'success' then 'success'
            when latest_status.status_state in ('failure', 'error') then 'failed'
            else 'unfinished'
        end as deployment_outcome,
        coalesce(latest_status.status_state = 'success', false) as is_successful,
        coalesce(latest_status.status_state in ('failure', 'error'), false) as has_failed_status
    from production
    left join latest_status on production.deployment_id = latest_status.deployment_id
    left join repositories on production.repository_full_name = repositories.repository_full_name
)

select * from final
