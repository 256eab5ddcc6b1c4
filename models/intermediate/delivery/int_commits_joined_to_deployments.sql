{#-
    For each default-branch commit, the earliest successful production deployment whose
    deployed commit contains it (the deployed SHA itself or one of its ancestors).

    The ancestry walk starts at each successful production deployment's SHA and follows
    parent edges backwards (`union` deduplicates, so merges do not multiply paths), but
    only through commits committed after the previous successful deployment of the same
    repository finished, minus a week of slack (commits older than that were already
    shipped by an earlier deployment). Tag and release deployments walk without that floor:
    a tag on a release branch may be the first to contain commits older than the previous
    tag. This keeps the walk proportional to the commits
    between deployments instead of all history.

    The walk reads materialised tables only (int_commit_parent_edges): evaluated over the
    staging views inside the recursion, DuckDB with several threads returned a partial walk
    about one run in 25.

    Incremental: a commit's earliest deployment never changes when later deployments
    arrive, so a run walks only from deployments finished since the latest one built
    (minus var('incremental_lookback_days')) and keeps every commit already assigned to an
    older deployment.
-#}
{{ config(
    materialized='incremental',
    unique_key=['repository_full_name', 'commit_sha'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns'
) }}

{%- set previous_finished_at =
    'lag(finished_at) over (partition by repository_full_name order by finished_at, deployment_id)' -%}

with recursive

deployments as (
    select * from {{ ref('int_deployments_production') }}
    where is_successful
),

edges as (
    select * from {{ ref('int_commit_parent_edges') }}
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

{% if is_incremental() %}
    -- incremental: the edges the walk can reach (none older than the lowest floor among
    -- its starts: a few days of commits, not all history), computed once instead of
    -- scanned from int_commit_parent_edges on every step of the recursion (1.0 s -> 0.15 s
    -- at full size). A full build reads the table itself: there the edges are all of
    -- history, and DuckDB probes the table with the walk's keys (5 s) where it would
    -- rebuild a hash table of the materialised CTE on every step (16 s).
    edges_in_reach as {{ materialized_cte() }} (
        select edges.*
        from edges
        inner join (
            select min(walk_starts.walk_floor_at) as lowest_floor_at
            from walk_starts
        ) as floors
            on edges.parent_committed_at >= floors.lowest_floor_at
    ),
{% endif %}

walk as (
    select
        deployment_id,
        repository_full_name,
        deployed_sha as commit_sha,
        walk_floor_at
    from walk_starts
    union
    select
        walk.deployment_id,
        walk.repository_full_name,
        edges.parent_sha as commit_sha,
        walk.walk_floor_at
    from walk
    inner join {{ 'edges_in_reach' if is_incremental() else 'edges' }} as edges
        on walk.repository_full_name = edges.repository_full_name
        and walk.commit_sha = edges.commit_sha
    where edges.parent_committed_at >= walk.walk_floor_at
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
    {% if is_incremental() %}
        left join already_shipped
            on earliest.repository_full_name = already_shipped.repository_full_name
            and earliest.commit_sha = already_shipped.commit_sha
        where already_shipped.commit_sha is null
    {% endif %}
)

select * from final
