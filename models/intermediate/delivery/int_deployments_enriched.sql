{#-
    Finished production deployments, one row each, with the delivery outcomes:
    - `is_failed`: failed status, or at least one incident linked to it (counted once
      however many incidents);
    - `is_rework`: it carried a revert/hotfix/bugfix PR (seed rework_rules);
    - `recovered_at` / `recovery_hours`: for a failed deployment, the next successful
      production deployment of the same repository (failed deployment recovery time, DORA 2023);
    - the PRs it carried (count, AI-assisted count).
-#}
with

deployments as (
    select * from {{ ref('int_deployments_production') }}
    where finished_at is not null
),

incidents as (
    select * from {{ ref('int_incidents_joined_to_deployments') }}
    where deployment_id is not null
),

links as (
    select * from {{ ref('int_pull_requests_joined_to_deployments') }}
    where deployment_id is not null
),

pull_requests as (
    select * from {{ ref('int_pull_requests_enriched') }}
),

incident_counts as (
    select
        deployment_id,
        count(*) as linked_incident_count
    from incidents
    group by deployment_id
),

carried as (
    select
        links.deployment_id,
        count(*) as pull_request_count,
        sum(case when pull_requests.is_ai_assisted then 1 else 0 end) as ai_assisted_pull_request_count,
        max(case when pull_requests.is_rework then 1 else 0 end) = 1 as carries_rework
    from links
    inner join pull_requests on links.pull_request_id = pull_requests.pull_request_id
    group by links.deployment_id
),

flagged as (
    select
        deployments.*,
        coalesce(incident_counts.linked_incident_count, 0) as linked_incident_count,
        deployments.has_failed_status or coalesce(incident_counts.linked_incident_count, 0) > 0 as is_failed,
        coalesce(carried.carries_rework, false) as is_rework,
        coalesce(carried.pull_request_count, 0) as pull_request_count,
        coalesce(carried.ai_assisted_pull_request_count, 0) as ai_assisted_pull_request_count
    from deployments
    left join incident_counts on deployments.deployment_id = incident_counts.deployment_id
    left join carried on deployments.deployment_id = carried.deployment_id
),

recovery as (
    select
        failed.deployment_id,
        min(later.finished_at) as recovered_at
    from flagged as failed
    inner join flagged as later
        on failed.repository_full_name = later.repository_full_name
        and later.is_successful
        and later.finished_at > failed.finished_at
        and later.deployment_id != failed.deployment_id
    where failed.is_failed
    group by failed.deployment_id
),

final as (
    select
        flagged.deployment_id,
        flagged.deployment_source,
        flagged.repository_full_name,
        flagged.owner_team_name,
        flagged.deployed_sha,
        flagged.deployment_outcome,
        flagged.is_successful,
        flagged.has_failed_status,
        flagged.linked_incident_count,
        flagged.is_failed,
        flagged.is_rework,
        flagged.pull_request_count,
        flagged.ai_assisted_pull_request_count,
        flagged.created_at,
        flagged.finished_at,
        recovery.recovered_at,
        {{ non_negative_hours('flagged.finished_at', 'recovery.recovered_at') }} as recovery_hours
    from flagged
    left join recovery on flagged.deployment_id = recovery.deployment_id
)

select * from final
