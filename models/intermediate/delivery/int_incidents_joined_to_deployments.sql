{#-
    Incident -> causing deployment (docs/metrics.md, change failure rate), one row per incident
    from any incident source (int_incidents_unioned: PagerDuty, labelled GitHub issues, Jira).
    The incident belongs to its service's team (service_ownership).
    1. `explicit`: the incident names a deployment id (a Deployments API id, an Actions run
       id or a release id; a GitLab deployment or pipeline id, which staging negates, of a
       deployment of the same team), or a commit SHA (prefix >= 7) that a production
       deployment of the same team deployed;
    2. `attribution_window`: else the latest successful production deployment of a
       repository owned by the same team that finished before the incident started and
       within var('incident_attribution_window_hours');
    3. otherwise unlinked (`link_method = 'none'`).
-#}
with

incidents as (
    select * from {{ ref('int_incidents_unioned') }}
),

deployments as (
    select * from {{ ref('int_deployments_production') }}
    where finished_at is not null
),

incidents_with_team as (
    select * from incidents
),

-- two equi-joins instead of one join on `a or b`: an OR condition is a nested loop
-- (every incident against every deployment); these are hash joins
explicit_candidates as (
    select
        incidents_with_team.incident_id,
        deployments.deployment_id,
        deployments.finished_at
    from incidents_with_team
    inner join deployments
        on incidents_with_team.deployment_reference = deployments.deployment_id
    union
    -- a reference that names an Actions run or a release by its number (the incident tools
    -- see the bare id; the warehouse prefixes it with its origin): one equi-join per prefix,
    -- as `id in (a, b)` is an OR too (1.8 s of nested loop at full bench size)
    select
        incidents_with_team.incident_id,
        deployments.deployment_id,
        deployments.finished_at
    from incidents_with_team
    inner join deployments
        on deployments.deployment_id = 'actions_run:' || incidents_with_team.deployment_reference
    union
    select
        incidents_with_team.incident_id,
        deployments.deployment_id,
        deployments.finished_at
    from incidents_with_team
    inner join deployments
        on deployments.deployment_id = 'release:' || incidents_with_team.deployment_reference
    union
    -- a GitLab deployment or pipeline by its id: staging negates GitLab ids (so they never
    -- collide with GitHub's), the incident tools see the positive one; within the team,
    -- as the same number may be a GitHub id of another team's deployment
    select
        incidents_with_team.incident_id,
        deployments.deployment_id,
        deployments.finished_at
    from incidents_with_team
    inner join deployments
        on incidents_with_team.team_name = deployments.owner_team_name
        and deployments.deployment_id in (
            '-' || incidents_with_team.deployment_reference,
            'actions_run:-' || incidents_with_team.deployment_reference
        )
    union
    select
        incidents_with_team.incident_id,
        deployments.deployment_id,
        deployments.finished_at
    from incidents_with_team
    inner join deployments
        on incidents_with_team.team_name = deployments.owner_team_name
        and deployments.deployed_sha like lower(incidents_with_team.commit_reference) || '%'
    where {{ dbt.length('incidents_with_team.commit_reference') }} >= 7
),

explicit_matches as (
    select
        incident_id,
        deployment_id,
        row_number() over (
            partition by incident_id
            order by finished_at desc, deployment_id desc
        ) as match_rank
    from explicit_candidates
),

window_matches as (
    select
        incidents_with_team.incident_id,
        deployments.deployment_id,
        row_number() over (
            partition by incidents_with_team.incident_id
            order by deployments.finished_at desc, deployments.deployment_id desc
        ) as match_rank
    from incidents_with_team
    inner join deployments
        on deployments.owner_team_name = incidents_with_team.team_name
        and deployments.is_successful
        and deployments.finished_at <= incidents_with_team.started_at
        and deployments.finished_at >= {{ dbt.dateadd(
            'hour', -1 * var('incident_attribution_window_hours'), 'incidents_with_team.started_at'
        ) }}
),

final as (
    select
        incidents_with_team.incident_id,
        incidents_with_team.incident_source,
        incidents_with_team.team_name,
        incidents_with_team.service_name,
        incidents_with_team.urgency,
        incidents_with_team.incident_status,
        incidents_with_team.started_at,
        incidents_with_team.resolved_at,
        {{ non_negative_hours('incidents_with_team.started_at', 'incidents_with_team.resolved_at') }} as time_to_restore_hours,
        coalesce(explicit_matches.deployment_id, window_matches.deployment_id) as deployment_id,
        case
            when explicit_matches.deployment_id is not null then 'explicit'
            when window_matches.deployment_id is not null then 'attribution_window'
            else 'none'
        end as link_method
    from incidents_with_team
    left join explicit_matches
        on incidents_with_team.incident_id = explicit_matches.incident_id and explicit_matches.match_rank = 1
    left join window_matches
        on incidents_with_team.incident_id = window_matches.incident_id and window_matches.match_rank = 1
)

select * from final
