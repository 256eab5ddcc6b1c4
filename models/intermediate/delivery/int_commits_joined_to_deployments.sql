{#-
    For each default-branch commit, the earliest successful production deployment whose
    deployed commit contains it (the deployed SHA itself or one of its ancestors).

    The ancestry walk starts at each successful production deployment's SHA and follows
    parent edges backwards (`union` deduplicates, so merges do not multiply paths), but
    only through commits committed after the previous successful deployment of the same
    repository finished, minus a week of slack (commits older than that were already
    shipped by an earlier deployment). This keeps the walk proportional to the commits
    between deployments instead of all history.

    A table, rebuilt each run: an incremental version (walk only from new deployments,
    keep commits an older deployment shipped) matched a full refresh locally but not in
    one CI run, so it waits until the mismatch is understood.
-#}

with recursive

deployments as (
    select * from {{ ref('int_deployments_production') }}
    where is_successful
),

commits as (
    select * from {{ ref('stg_github__commits') }}
),

parents as (
    select * from {{ ref('stg_github__commit_parents') }}
),

deployments_with_floor as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha,
        finished_at,
        coalesce(
            {{ dbt.dateadd('day', -7, 'lag(finished_at) over (partition by repository_full_name order by finished_at, deployment_id)') }},
            cast('1970-01-01' as {{ dbt.type_timestamp() }})
        ) as walk_floor_at
    from deployments
),


walk as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha as commit_sha,
        walk_floor_at
    from deployments_with_floor
    union
    select
        walk.deployment_id,
        walk.repository_full_name,
        parents.parent_sha as commit_sha,
        walk.walk_floor_at
    from walk
    inner join parents
        on walk.repository_full_name = parents.repository_full_name
        and walk.commit_sha = parents.commit_sha
    inner join commits
        on parents.repository_full_name = commits.repository_full_name
        and parents.parent_sha = commits.commit_sha
    where commits.committed_at >= walk.walk_floor_at
),

reached as (
    select distinct
        walk.repository_full_name,
        walk.commit_sha,
        walk.deployment_id,
        deployments_with_floor.finished_at
    from walk
    inner join deployments_with_floor on walk.deployment_id = deployments_with_floor.deployment_id
),


earliest as (
    select
        repository_full_name,
        commit_sha,
        deployment_id,
        finished_at as deployed_at
    from (
        select
            *,
            row_number() over (
                partition by repository_full_name, commit_sha order by finished_at, deployment_id
            ) as deployment_rank
        from reached
    ) as ranked
    where deployment_rank = 1
),

final as (
    select * from earliest
)

select * from final
