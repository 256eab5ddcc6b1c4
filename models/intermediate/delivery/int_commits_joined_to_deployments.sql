{#-
    For each default-branch commit, the earliest successful production deployment whose
    deployed commit contains it (the deployed SHA itself or one of its ancestors).

    The ancestry walk starts at each successful production deployment's SHA and follows
    parent edges backwards, but only through commits committed after the previous
    successful deployment of the same repository finished, minus a week of slack (commits
    older than that were already shipped by an earlier deployment). Tag and release
    deployments walk without that floor: a tag on a release branch may be the first to
    contain commits older than the previous tag. This keeps the walk proportional to the
    commits between deployments instead of all history.

    The walk moves commit_walk_stride() edges per recursion step (macros/commit_walk_stride:
    4 on DuckDB, 16 on Spark, or the var), over precomputed ancestry
    (int_commit_ancestor_hops: every ancestor at exactly that many edges, with the latest
    floor a path of that length can pass), and reads the ancestors fewer edges away from
    each step once at the end. So the recursion runs about depth / stride steps (the demo:
    179 edges, 45 steps on DuckDB, 12 on Spark): Spark runs one job per step, and needs
    `union all` in a recursive CTE (paths are deduplicated afterwards). The recursion stops
    at commit_walk_max_steps() steps (var('commit_walk_max_depth') edges / the stride), and
    the model fails naming the var when a walk got that deep (rather than silently leaving
    older commits unassigned).

    The walk reads materialised tables only: evaluated over the staging views inside the
    recursion, DuckDB with several threads returned a partial walk about one run in 25.

    Incremental: a commit's earliest deployment never changes when later deployments
    arrive, so a run walks only from deployments finished since the latest one built
    (minus var('incremental_lookback_days')) and keeps every commit already assigned to an
    older deployment.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'commit_sha'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

{%- set previous_finished_at =
    'lag(finished_at) over (partition by repository_full_name order by finished_at, deployment_id)' -%}

with recursive

deployments as (
    select * from {{ ref('int_deployments_production') }}
    where is_successful
),

deployments_with_floor as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha,
        finished_at,
        case
            -- tags and releases can sit on any branch: a commit's earliest containing tag may
            -- come long after the previous tag (a release branch), so their walk has no floor
            when deployment_source in ('tags', 'releases') then cast('1970-01-01' as {{ dbt.type_timestamp() }})
            else coalesce(
                    {{ dbt.dateadd('day', -7, previous_finished_at) }},
                    cast('1970-01-01' as {{ dbt.type_timestamp() }})
                )
        end as walk_floor_at
    from deployments
),

walk_starts as (
    select * from deployments_with_floor
    {% if is_incremental() %}
        where finished_at >= ({{ incremental_cutoff('deployed_at') }})
    {% endif %}
),

{%- set stride = commit_walk_stride() %}
{%- set max_steps = commit_walk_max_steps() %}

ancestry as (
    select * from {{ ref('int_commit_ancestor_hops') }}
    {% if is_incremental() %}
        -- incremental: only what the walk can reach (none older than the lowest floor among
        -- its starts: a few days of commits, not all history)
        where path_floor_at >= (select min(walk_starts.walk_floor_at) from walk_starts)
    {% endif %}
),

jumps as (
    select
        repository_full_name,
        commit_sha,
        ancestor_sha,
        path_floor_at
    from ancestry
    where hops = {{ stride }}
),

nearer as (
    -- ancestors fewer than `stride` edges away, any length: the best floor over them
    select
        repository_full_name,
        commit_sha,
        ancestor_sha,
        max(path_floor_at) as path_floor_at
    from ancestry
    where hops < {{ stride }}
    group by repository_full_name, commit_sha, ancestor_sha
),

walk as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha as commit_sha,
        walk_floor_at,
        0 as walk_step
    from walk_starts
    union all
    select
        walk.deployment_id,
        walk.repository_full_name,
        jumps.ancestor_sha as commit_sha,
        walk.walk_floor_at,
        walk.walk_step + 1 as walk_step
    from walk
    inner join jumps
        on walk.repository_full_name = jumps.repository_full_name
        and walk.commit_sha = jumps.commit_sha
    where
        jumps.path_floor_at >= walk.walk_floor_at
        and walk.walk_step < {{ max_steps }}
),

walked as {{ materialized_cte() }} (
    select distinct
        deployment_id,
        repository_full_name,
        commit_sha,
        walk_floor_at,
        walk_step
    from walk
),

contained as (
    select
        walked.deployment_id,
        walked.repository_full_name,
        walked.commit_sha
    from walked
    union all
    select
        walked.deployment_id,
        walked.repository_full_name,
        nearer.ancestor_sha as commit_sha
    from walked
    inner join nearer
        on walked.repository_full_name = nearer.repository_full_name
        and walked.commit_sha = nearer.commit_sha
    where nearer.path_floor_at >= walked.walk_floor_at
),

walk_depth as (
    select max(walk_step) as deepest_step
    from walked
),

reached as (
    select distinct
        contained.repository_full_name,
        contained.commit_sha,
        contained.deployment_id,
        deployments_with_floor.finished_at
    from contained
    inner join deployments_with_floor on contained.deployment_id = deployments_with_floor.deployment_id
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

{% if is_incremental() %}
    already_shipped as (
        -- commits an older (pre-cutoff) deployment already contains keep their row
        select
            built.repository_full_name,
            built.commit_sha
        from {{ this }} as built
        where built.deployed_at < ({{ incremental_cutoff('deployed_at') }})
    ),
{% endif %}

final as (
    select earliest.*
    from earliest
    cross join walk_depth
    {% if is_incremental() %}
        left join already_shipped
            on earliest.repository_full_name = already_shipped.repository_full_name
            and earliest.commit_sha = already_shipped.commit_sha
        where already_shipped.commit_sha is null
    {% endif %}
    {{ 'and' if is_incremental() else 'where' }} {{ fail_when(
        'coalesce(walk_depth.deepest_step, 0) >= ' ~ max_steps,
        'int_commits_joined_to_deployments: a walk reached ' ~ max_steps ~ ' steps of ' ~ stride
        ~ ' edges; raise var(commit_walk_max_depth) (dbt_project.yml; or set commit_walk_max_steps)'
    ) }}
)

select * from final
