{#-
    One row per default-branch commit and parent, with the parent's commit time: the edge
    list the ancestry walk (int_commits_joined_to_deployments) follows. A table of its own
    so the recursive walk reads materialised rows only (re-evaluating the staging views
    inside the recursion gave nondeterministic results on DuckDB with several threads).

    Incremental: a commit's parents never change (they are part of its SHA), so a run adds
    the edges whose child or parent commit was staged since the newest edge built (less
    var('incremental_lookback_days')); a parent that arrives after its child still gets
    its edge.
-#}
{{ config(
    materialized='incremental',
    unique_key=['repository_full_name', 'commit_sha', 'parent_sha'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns'
) }}

with

parents as (
    select * from {{ ref('stg_github__commit_parents') }}
),

commits as (
    select * from {{ ref('stg_github__commits') }}
),

edges as (
    select
        parents.repository_full_name,
        parents.commit_sha,
        parents.parent_sha,
        commits.committed_at as parent_committed_at,
        greatest(parents.loaded_at, commits.loaded_at) as loaded_at
    from parents
    inner join commits
        on parents.repository_full_name = commits.repository_full_name
        and parents.parent_sha = commits.commit_sha
),

final as (
    select * from edges
    {% if is_incremental() %}
        where edges.loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    {% endif %}
)

select * from final
